"""Which sentences of the retrieved passages answer a question: ranked by closeness to the
question, its specific terms and the kind of answer asked for (a number, a reason, a list), not
by topic alone; a list kept whole, a sentence with the one it leans on, a part of an article
(its end, its n-th point) by position. The extractive backend quotes them; an LLM backend is
given them as its compact evidence; a partial answer quotes from their candidates.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np

from .answer_kinds import evidence_pattern
from .answerability import Answerability, similar_terms, translated_terms
from .chunking import LEANS_BACK as _LEANS_BACK
from .chunking import sentence_spans
from .grounding import content_words
from .language import german_probability
from .language_shift import ranking_vector
from .retrieval import Passage, answer_passages, leading_part, quoted_phrases
from .question import asked_sentences, asks_each_article, asks_several_articles, without_descriptions
from .sections import item_line
from .sentence_vectors import process_store

# How far below the best sentence another sentence may score and still be quoted: from the best
# sentence's article, and from any other article when the question asks what several articles say (else none:
# on the dev file, 681 questions, another article's sentence within 0.01 / 0.005 / never: fact recall .820 / .818 /
# .816, citation precision .881 / .891 / .901; within 0.03 as before: .824 / .835).
SAME_ARTICLE_MARGIN, OTHER_ARTICLE_MARGIN = 0.05, 0.03
QUESTION_PENALTY = 0.1
EACH_ARTICLE_MARGIN = 0.1
SHORT_FOLLOWER = 80
# How much an article's best passage cosine counts beside its best sentence's score in choosing the
# article to answer from (best_article). Fitted on the dev file's 360 answered questions with no article
# named: 0 / .25 / .5 / 1 / 2 -> right article .928 / .936 / .942 / .931 / .925; fitted on random halves
# it chose .25-.5 and gained .006-.022 on the other half each time.
ARTICLE_PASSAGE_WEIGHT = 0.5
# The e5 word similarity at which a question's term counts as said by a sentence in other words ("Abteilungen" /
# "Bereichen" .93, "departments" / "Abteilungen"): stricter than the answerability check's bar, since here every
# sentence competes (fitted on the dev file, fact recall: .88 → .798, .90 → .798, .92 → .809, .94 → .808, none .803;
# then one side a noun, test.jsonl 2 facts lost to verbs found again: dev .811, test .753 = without it)
RANKING_SIMILARITY = 0.92
_ASKS_FOR_QUESTIONS = re.compile(r"frage|question|\bask", re.IGNORECASE)
# What a reason looks like in a sentence, for a "why" question ("…, um … zu erreichen", "weil", "denn").
_CAUSE = re.compile(r"\b(weil|denn|da sie|da er|da es|da man|da vor allem|deshalb|daher|darum|deswegen|folglich|aufgrund|wegen|"
                    r"damit|um\b.{3,120}\bzu\b|grund|ursache\w*)\b", re.IGNORECASE)
# An enumeration in one sentence ("Investoren, Markenbotschafter und Kunden"): what a list question
# asks for when the article does not set the list out line by line.
_NOUN = r"([a-zäöüß]+ )?[A-ZÄÖÜ][\w-]*"  # a German noun, perhaps after an adjective or article
_ENUMERATION = re.compile(rf"{_NOUN}, ({_NOUN}, )*{_NOUN} (und|oder|sowie) {_NOUN}")
_SENTENCE_END = '.!?:"“”)'  # a quotable sentence ends in one of these (not a heading, not a cut-off piece)
# A question pointing back at the statement before it: "*Reicht das*, um …?", "*Wird so ein Vorgehen* …?", "*Is that* view …?"
_POINTS_BACK = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:das|dies\w*|so\s+(?:ein\w*|etwas|was)|that|this|these|those)\b(?!\s+(?:der|die|das|dem|den|des)\b)", re.I)
_LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*])\s+\S")


def best_sentences(question: str, passages: list[Passage], embeddings, check: Answerability | None,
                   n_sentences: int, margin: float | None = None, several: bool | None = None,
                   parts: list[str] | None = None) -> list[tuple[int, int, int]]:
    """(passage number, start, end) of the top passages' best sentences, at most n_sentences
    (only those within `margin` of the best, when given; OTHER_ARTICLE_MARGIN for another
    article's when the question asks about several, `several`, else read from the question), the best one
    of each thing asked of several articles (`parts`: question.asked_parts), a list kept whole, in reading order.
    The extractive answer quotes them; an LLM backend is given them as its compact evidence."""
    part = leading_part(passages)
    if part and part.startswith("item "):  # "der dritte Punkt": the numbered line, and what a heading introduces
        return _numbered_item(passages[0].text, int(part.split()[1]), n_sentences)
    if part in ("end", "beginning"):  # "Womit endet der Blogbeitrag?": its last sentences, in reading order
        text = passages[0].text
        # every sentence counts here, a short one too ("Wir helfen Ihnen gerne dabei!" ends the checklist)
        in_order = _within_none([_whole_line(1, s, text) if _LIST_ITEM.match(text[s:e]) else (1, s, e)
                                 for s, e in sentence_spans(text) if _LIST_ITEM.match(text[s:e]) or text[s:e][-1] in _SENTENCE_END],
                                passages)
        return in_order[-n_sentences:] if part == "end" else in_order[:n_sentences]
    listing = bool(check and check.answer_type == "list") or part == "conclusion"  # a conclusion: its list whole
    quoted = answer_passages(passages)
    candidates, scores = rank_sentences(question, quoted, embeddings, check, lists=listing)
    figure_doc = _figure_article(question, passages, check)
    if figure_doc:  # its sentences first, each group in rank order (a stable sort)
        order = sorted(range(len(candidates)), key=lambda i: passages[candidates[i][0] - 1].doc_id != figure_doc)
        candidates, scores = [candidates[i] for i in order], [scores[i] for i in order]
    top_doc = passages[candidates[0][0] - 1].doc_id
    several = asks_several_articles(question) if several is None else several

    def close(c, score: float) -> bool:
        if margin is None:
            return True
        if passages[c[0] - 1].doc_id == top_doc:
            return score >= scores[0] - margin
        # another article's sentence joins only when the question asks what several articles say, and
        # nearly as close: else it is a neighbouring topic (of 126 citations of another article than the
        # one asked about on the dev file, 91 were such a sentence after the right one)
        return several and score >= scores[0] - OTHER_ARTICLE_MARGIN

    best = [c for c, score in zip(candidates, scores) if close(c, score)][:n_sentences]
    if several and asks_each_article(question) and margin is not None:
        # each article asked about says its part: the best sentence of the next article too, when none is chosen yet
        # (the Infobrief's "jedes dritte Unternehmen" scored 0.04 below the Springer article's "78 Prozent … Bitkom")
        other = next(((c, score) for c, score in zip(candidates, scores) if passages[c[0] - 1].doc_id != top_doc), None)
        if other and other[1] >= scores[0] - EACH_ARTICLE_MARGIN and all(passages[c[0] - 1].doc_id == top_doc for c in best):
            best = best[:n_sentences - 1] + [other[0]]
    if parts and margin is not None:
        # each thing asked of several articles gets its own best sentence ("… wie viele agieren laut Roland Berger
        # strategisch, und wie viele setzen sich laut dem Branchenverband Ziele?": the Infobrief's "jedes dritte
        # Unternehmen" ranked below three sentences about the Roland Berger study for the whole question)
        tops = []
        for part in parts:
            ranked, _ = rank_sentences(part, quoted, embeddings, None)
            if ranked and ranked[0] not in best + tops:
                tops.append(ranked[0])
        if tops:
            best = best[:max(1, n_sentences - len(tops))] + tops
    stated = _stating_sentence(question, candidates, passages, check, best)
    if stated is not None and stated not in best:
        best = best[:n_sentences - 1] + [stated]
    best = _with_explanations(best, candidates[0], passages)
    best = _with_antecedents(best, candidates[0], passages)
    if listing:
        best = _whole_lists(best, candidates, passages)
        if _ASKS_FOR_QUESTIONS.search(question):
            best = _with_following_questions(best, passages)
    best = _within_none(best, passages)  # a piece of two sentences holds each of them
    return sorted(set(best), key=lambda c: (c[0], c[1]))


def best_article(question: str, passages: list[Passage], embeddings, check: Answerability | None) -> str | None:
    """The article that best answers the question, when it is not the first passage's: its best
    sentence's score (holding the asked-for terms and kind of answer) plus ARTICLE_PASSAGE_WEIGHT times
    its best passage's cosine to the question. A sentence says more about which article answers than a
    whole passage's closeness alone (dev, 561 answered questions: the best sentence's article was the
    gold one where retrieval's first was not 17 times, the other way round 4 times); the passage's
    cosine settles near ties between sentences. None for a part of an article asked for ("das
    Fazit"), which retrieval placed first on purpose."""
    if leading_part(passages):
        return None
    doc = _figure_article(question, passages, check)
    if doc:
        return doc if doc != passages[0].doc_id else None
    listing = bool(check and check.answer_type == "list")
    quoted = answer_passages(passages)
    candidates, scores = rank_sentences(question, quoted, embeddings, check, lists=listing)
    article_score: dict[str, float] = {}
    for (n, _, _), score in zip(candidates, scores):
        doc = quoted[n - 1].doc_id
        if doc not in article_score:  # candidates come best first
            cosine = max((p.dense_score or 0.0) for p in quoted if p.doc_id == doc)
            article_score[doc] = score + ARTICLE_PASSAGE_WEIGHT * cosine
    doc = max(article_score, key=article_score.get)
    return doc if doc != passages[0].doc_id else None


def _figure_article(question: str, passages: list[Passage], check: Answerability | None) -> str | None:
    """For a number or year question: the article of the window the check found the figure in, with the asked-for
    terms (and the whole a share is of) around it. The closest sentences may give another figure of the topic
    (d22de01: "jedes zweite Großunternehmen" of the Infobrief for the share of the talk about banks, whose "70
    Prozent" is in the CIO article; dev: facts .878 -> .880, citation precision .947 -> .950)."""
    # German only: its terms are found by stem, compound or synonym; an English question's by word similarity, and its
    # window was the wrong article's as often as the right one's (dev: 3 English answers lost their figure)
    if check and check.window and check.type_found and check.answer_type in ("number", "year") and evidence_pattern(question, check.answer_type) \
            and german_probability(question) >= 0.5:
        return passages[check.window[0] - 1].doc_id
    return None


def _with_antecedents(chosen, top, passages: list[Passage]):
    """The chosen sentences, each that leans back with the sentence before it (and the one before
    that when it is short: "Selbst viele Social Media Manager denken so."), and the best one with the
    sentence after it when that one leans back on it: a quote must be understood on its own. The
    neighbour may be in another retrieved passage of the same article (chunks end mid-paragraph)."""
    out = list(chosen)
    for n, s, e in chosen:
        order, i = _in_article(passages, n, s)
        if i is None:
            continue
        if i > 0 and _LEANS_BACK.match(passages[n - 1].text[s:e]) and _same_paragraph(order[i - 1], order[i], passages):
            out.append(order[i - 1][2])
            if i > 1 and len(_text(order[i - 1], passages)) < 60 and _same_paragraph(order[i - 2], order[i - 1], passages):
                out.append(order[i - 2][2])  # a short one leans back too
        following = _text(order[i + 1], passages) if i + 1 < len(order) else ""
        # the best one brings the next sentence leaning on it or, being short itself, the next sentence
        # that goes on with it ("Social Media kann man nebenher machen. *Schauen wir mal, was unser Azubi
        # …*"), and any one a short next sentence, which cannot stand alone ("… Massenmedien die reale. *In
        # Wahrheit ist es umgekehrt.*")
        best = (n, s, e) == top
        if following and (best and (_LEANS_BACK.match(following) or e - s < 40) or len(following.strip()) < 40) \
                and _same_paragraph(order[i], order[i + 1], passages):
            out.append(order[i + 1][2])
            # a short verdict brings the short sentence saying what it means ("In Wahrheit ist es umgekehrt.
            # *Das Internet ist längst keine Parallelwelt mehr.*")
            after = _text(order[i + 2], passages) if i + 2 < len(order) else ""
            if len(following.strip()) < 40 and after and len(after.strip()) < SHORT_FOLLOWER \
                    and _same_paragraph(order[i + 1], order[i + 2], passages):
                out.append(order[i + 2][2])
    return out


def _with_explanations(chosen, top, passages: list[Passage], n_after: int = 3):
    """The best sentence, when it is a heading ("2. Sozial bedeutet uneigennützig": a line without a full
    stop, not followed by another list item), with the sentences after it that explain it: a heading
    states the topic, the text under it what the article says of it (d27de13 quoted only the heading for
    "Wie begründet Leichsenring, dass „sozial“ nicht „uneigennützig“ bedeutet?")."""
    out = list(chosen)
    for n, s, e in [top] if top in chosen else []:
        text = passages[n - 1].text
        line = text[s:e].strip()
        rest = text[e:]
        if not line or line[-1] in _SENTENCE_END or "\n" in line or not rest.startswith("\n") or _LIST_ITEM.match(rest.lstrip()):
            continue
        taken = [(n, a, b) for a, b in sentence_spans(text) if a >= e][:n_after]
        # a heading stating a view the article rebuts ("2. Sozial bedeutet uneigennützig") is answered where the text
        # turns against it ("Ein Blick in den Duden belegt *jedoch* …", the fourth sentence under it, perhaps in the
        # next passage): up to two more, not past the next numbered heading
        if not any(_CONTRAST.search(text[a:b]) for _, a, b in taken):
            order, i = _in_article(passages, n, s)
            following = list(itertools.takewhile(lambda o: not _LIST_ITEM.match(_text(o, passages)),
                                                 order[i + 1:i + 1 + n_after + 2] if i is not None else []))
            turn = next((k for k, o in enumerate(following) if k >= n_after and _CONTRAST.search(_text(o, passages))), None)
            if turn is not None:
                taken += [o[2] for o in following[n_after:turn + 1]]  # the first n_after are taken already
        out += taken
    return out


_CONTRAST = re.compile(r"\b(jedoch|allerdings|in Wahrheit|tatsächlich|dennoch|however|in fact)\b", re.I)


def _same_paragraph(first, second, passages: list[Passage]) -> bool:
    """Are two sentences of an article (as `_article_sentences` gives them) in one paragraph: no line
    break between them in a passage holding the gap? A sentence never leans on another paragraph. Two
    chunks that meet between them do not show the gap: taken as one paragraph."""
    end, start = first[1], second[0]
    doc = passages[first[2][0] - 1].doc_id
    gaps = [p.text[end - p.start:start - p.start] for p in passages if p.doc_id == doc and p.start <= end and start <= p.end]
    return not gaps or "\n" not in gaps[0]


def _with_following_questions(chosen, passages: list[Passage]):
    """For "Welche Fragen sollte man sich … stellen?": a chosen question brings the questions after it
    ("…: Was erwarte ich von einem Kontakt? Was erwarten meine Ansprechpartner …? Welche Ziele …?")."""
    out = list(chosen)
    for n, s, e in chosen:
        if not passages[n - 1].text[s:e].rstrip().endswith("?"):
            continue
        order, i = _in_article(passages, n, s)
        for following in order[i + 1:i + 6] if i is not None else []:
            if not _text(following, passages).rstrip().endswith("?"):
                break
            out.append(following[2])
    return out


def _in_article(passages: list[Passage], n: int, start: int):
    """The sentences of passage n's article (`_article_sentences`) and the index of the one starting at
    `start` in passage n (None when no sentence starts there: a list block, a joined point)."""
    order = _article_sentences(passages, passages[n - 1].doc_id)
    at = passages[n - 1].start + start
    return order, next((k for k, (begin, _, _) in enumerate(order) if begin == at), None)


def _article_sentences(passages: list[Passage], doc_id: str):
    """(start in the article, end, (passage number, start, end)) of every sentence the retrieved
    passages hold of one article, in reading order (overlapping chunks give a sentence once)."""
    seen = {}
    for n, p in enumerate(passages, start=1):
        if p.doc_id == doc_id:
            for s, e in sentence_spans(p.text):
                seen.setdefault((p.start + s, p.start + e), (n, s, e))
    return sorted((a, b, c) for (a, b), c in seen.items())


def _text(sentence, passages: list[Passage]) -> str:
    n, s, e = sentence[2]
    return passages[n - 1].text[s:e]


def _within_none(chosen, passages: list[Passage]):
    """Without the pieces that another chosen piece holds (compared in the article: chunks overlap)."""
    def span(c):
        p = passages[c[0] - 1]
        return p.doc_id, p.start + c[1], p.start + c[2]

    spans = {c: span(c) for c in chosen}
    return [c for c in chosen if not any(o != c and spans[o][0] == spans[c][0] and spans[o][1] <= spans[c][1] and spans[c][2] <= spans[o][2]
                                         and (spans[o] != spans[c] or o < c) for o in chosen)]


def rank_sentences(question: str, passages: list[Passage], embeddings, check: Answerability | None = None,
                   lists: bool = False):
    """The quotable sentences of the passages, best first, with their scores: closest to the
    question, holding its terms and the kind of answer it asks for, not only its topic. `lists`:
    each list also competes as one block (its items one by one are too short to match a question
    that asks for all of them); a chosen block is quoted item by item."""
    candidates = answer_candidates(passages)
    if lists:
        candidates = candidates + list_blocks(candidates, passages)
    wants_questions = bool(_ASKS_FOR_QUESTIONS.search(question))
    reasons = bool(check and check.answer_type == "reason")
    # a point led in by short questions is compared by its statement: questions resemble any question
    # float64, as the model's lists were before the store kept them: the same scores, the same ties
    vectors = process_store(embeddings).sentences([
        _statement(passages[n - 1].text[s:e]) if not wants_questions else passages[n - 1].text[s:e] for n, s, e in candidates]).astype(np.float64)
    about = without_descriptions(question)  # not "the *satirical* checklist": the checklist's introduction says "ironisch"
    query = np.asarray(ranking_vector(question, embeddings.embed_query(about), embeddings))
    asked = content_words(about)
    terms = set(check.terms) if check else asked
    asking = asked_sentences(about)
    if check and asking != about and _POINTS_BACK.match(asking):
        # "Ich zähle fleißig Klicks und Likes. *Reicht das*, um zu sehen, ob …?": what "das" stands for is in the
        # context before the question, and the answer speaks of it ("Die üblichen Metriken des Marketings …")
        terms |= content_words(about[:len(about) - len(asking)])
    # a German verb is no part of a compound ("stellen" in "fest*gestellt*"); a noun is ("Kontrolle" in "Kontrollverlust")
    german = german_probability(question) >= 0.5
    english = bool(check) and not german
    verbs = {t for t, word in check.words.items() if word.islower()} if check and german else set()
    evidence = evidence_pattern(question, check.answer_type) if check else None
    # a quoted phrase points at the one or two sentences holding it, not at a word used throughout ('sozial')
    phrases = [re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.I) for phrase in quoted_phrases(question)]
    quoted = [p for p in phrases if 0 < sum(bool(p.search(passages[n - 1].text[s:e])) for n, s, e in candidates) <= 2]
    found_in, words_of = [], []
    for n, s, e in candidates:
        sentence = passages[n - 1].text[s:e]
        words = content_words(sentence)
        words_of.append(words)
        # a term found as itself or in a compound of the sentence (not the other way round: "Recruiting-Instrument"
        # is no "Kontrollinstrument")
        found = {t for t in terms if t in words or len(t) >= 5 and t not in verbs and any(t in w for w in words)}
        if check and len(found) < len(terms):  # the others as the sentence says them in other words or in German
            found |= similar_terms({t: check.words[t] for t in terms - found if t in check.words}, sentence, embeddings, RANKING_SIMILARITY)
        if english and len(found) < len(terms):  # last, an English term by the dictionary's German for it
            found |= translated_terms({t: check.words[t] for t in terms - found if t in check.words}, words).keys()
        found_in.append(found)
    weight = _term_weights(terms, found_in)
    total = sum(weight.values())
    scores, repeats = [], {}
    for (n, s, e), vector, found, words in zip(candidates, vectors, found_in, words_of):
        sentence = passages[n - 1].text[s:e]
        overlap = sum(weight[t] for t in found) / total if total else 0.0
        score = float(vector @ query) + 0.1 * overlap - 0.005 * n
        quoting = any(phrase.search(sentence) for phrase in quoted)
        score += 0.1 if quoting else 0.0  # the article's words, quoted
        score += 0.03 if evidence is not None and evidence.search(sentence) else 0.0
        score += 0.03 if lists and _ENUMERATION.search(sentence) else 0.0
        score += 0.03 if reasons and _CAUSE.search(sentence) else 0.0
        if len(words - asked) < (1 if sentence.rstrip()[-1:] in _SENTENCE_END else 2) and not quoting:
            # only repeats the question's topic (a heading, a teaser); a whole sentence adding one word
            # says something ("Social Media kann man *nebenher* machen.")
            repeats[(n, s, e)] = score
            score -= 0.2
        if not wants_questions and _only_a_question(sentence):
            score -= QUESTION_PENALTY  # the article's own question ("Was macht den Erfolg … aus?") answers nothing
        scores.append(score)
    # a sentence saying only what the question says, with the sentence after it, which goes on to the answer: one
    # piece, scored as the first ("Wer soll sich nebenher um Social Media kümmern?": "Social Media kann man nebenher
    # machen. *Schauen wir mal, was unser Azubi oder Praktikant da alles reißen kann.*")
    for (n, s, e), score in repeats.items():
        text = passages[n - 1].text
        nxt = next(((m, a, b) for m, a, b in candidates if m == n and a >= e and not text[e:a].strip()), None)
        if nxt is not None and "\n" not in text[e:nxt[1]] and (n, s, nxt[2]) not in candidates and text[s:nxt[2]].rstrip()[-1:] in _SENTENCE_END:
            candidates.append((n, s, nxt[2]))
            scores.append(score)
    order = np.argsort(scores)[::-1]
    return [candidates[i] for i in order], [scores[i] for i in order]


def _term_weights(terms: set[str], found_in: list[set[str]]) -> dict[str, float]:
    """Each term by how few candidate sentences hold it (BM25's idf): "Kontrollinstrumente", in one
    sentence, says more than "Medien", in most ("Welche drei Dinge braucht man, um Kontrollinstrumente
    für soziale Medien einzuführen?" ranked a sentence about Medien first)."""
    n = len(found_in)
    return {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t in terms for df in [sum(t in f for f in found_in)]}


def _statement(text: str) -> str:
    """The statement after the short questions leading into it ("Feedback? Wozu …? *Wir wollen …!*")."""
    pieces = re.split(r"(?<=\?)\s+(?=\S)", text.strip())
    return pieces[-1] if len(pieces) > 1 and not pieces[-1].endswith("?") and "\n" not in text.strip() else text


def _numbered_item(text: str, n: int, n_sentences: int) -> list[tuple[int, int, int]]:
    """The line numbered n of the first passage; a heading ("2. Sozial bedeutet uneigennützig", no full
    stop) with the sentences after it that explain it."""
    line = item_line(text, n)
    if line is None:
        return []
    chosen = [(1, *line)]
    if text[line[0]:line[1]].rstrip()[-1:] not in (".", "!", "?") and not _LIST_ITEM.match(text[line[1]:].lstrip()):
        chosen += [(1, s, e) for s, e in sentence_spans(text) if s > line[1]][:n_sentences - 1]
    return chosen


def _only_a_question(sentence: str) -> bool:
    """A question of the article's own, not a list or a statement leading up to one ("…: Was erwarte ich?")."""
    return sentence.rstrip().rstrip('"“”»«').endswith("?") and ":" not in sentence and "\n" not in sentence and not _LIST_ITEM.match(sentence)


def _stating_sentence(question: str, candidates, passages: list[Passage], check: Answerability | None, chosen=()):
    """For a number, date or role question: the best-ranked sentence of the evidence window the
    check answered from that holds the asked-for kind of answer. The answer must quote what made the
    question answerable; the closest sentences often only name its topic ("… betont Egbert Wege,
    Partner bei Roland Berger" for "What share of companies act strategically according to Roland
    Berger?", whose "17 Prozent" is in the window's other sentence)."""
    if not (check and check.type_found and check.window and check.answer_type in ("number", "year", "role", "person", "organisation", "place", "employer")):
        return None
    pattern = evidence_pattern(question, check.answer_type)
    n, start, end = check.window
    text = passages[n - 1].text
    stated = next((c for c in candidates if c[0] == n and start <= c[1] and c[2] <= end and pattern.search(text[c[1]:c[2]])), None)
    # Another article's sentence is not needed when the chosen ones hold an answer of the kind already (d9en12:
    # "jedes dritte Unternehmen" of the Infobrief, and the window the check read was the Springer article's "78
    # Prozent … laut Bitkom"; dev: citation precision .944 -> .948, no fact lost)
    if stated is not None and chosen and all(passages[c[0] - 1].doc_id != passages[n - 1].doc_id for c in chosen) \
            and any(pattern.search(passages[c[0] - 1].text[c[1]:c[2]]) for c in chosen):
        return None
    return stated


def answer_candidates(passages: list[Passage]) -> list[tuple[int, int, int]]:
    """(passage number, start, end) of the sentences and list items worth quoting. Short questions
    run on into the statement answering them: "Feedback? Wozu brauchen wir Feedback? Wir wollen
    nichts ändern …!" is one point of the ironic checklist, and its statement alone does not say
    what it is about."""
    candidates, seen = [], set()  # overlapping chunks repeat sentences
    for n, passage in enumerate(passages, start=1):
        run_start = None  # where a run of short questions began
        for s, e in sentence_spans(passage.text):
            sentence = passage.text[s:e]
            if _LIST_ITEM.match(sentence):
                run_start = None
            elif sentence.rstrip().endswith("?") and len(sentence) < 40 and "\n" not in sentence:
                if run_start is None or "\n" in passage.text[run_start:s]:
                    run_start = s
                continue
            elif run_start is not None:
                s, run_start = (run_start if "\n" not in passage.text[run_start:s] else s), None
                sentence = passage.text[s:e]
            if sentence in seen:
                continue
            complete = len(sentence) >= 30 and sentence[-1] in _SENTENCE_END
            if complete or _LIST_ITEM.match(sentence):
                seen.add(sentence)
                candidates.append((n, s, e))
    return candidates or [(1, 0, len(passages[0].text))]


def list_blocks(candidates, passages) -> list[tuple[int, int, int]]:
    """(passage number, start, end) of each run of two or more list items."""
    blocks, run = [], []
    for n, s, e in candidates + [(0, 0, 0)]:
        if n and _LIST_ITEM.match(passages[n - 1].text[s:e]) and (not run or run[-1][0] == n):
            run.append((n, s, e))
            continue
        if len(run) >= 2:
            blocks.append((run[0][0], run[0][1], run[-1][2]))
        run = [(n, s, e)] if n and _LIST_ITEM.match(passages[n - 1].text[s:e]) else []
    return blocks


def _whole_lists(best, candidates, passages: list[Passage]):
    """A chosen list item, list block or sentence introducing a list brings the whole list along,
    item by item."""
    out = []
    for n, s, e in best:
        text = passages[n - 1].text
        if "\n" in text[s:e].strip() and _LIST_ITEM.match(text[s:e]):  # a block: its items
            out += [_whole_line(m, a, text) for m, a, b in candidates if m == n and s <= a and b <= e and _LIST_ITEM.match(text[a:b])
                    and "\n" not in text[a:b]]  # the items, not the block itself (a candidate too)
            continue
        out.append((n, s, e))
        if not (_LIST_ITEM.match(text[s:e]) or text[s:e].rstrip().endswith(":")):
            continue
        items = [_whole_line(m, a, text) for m, a, b in candidates if m == n and _LIST_ITEM.match(text[a:b]) and "\n" not in text[a:b]]
        out += items or _run_in_list((n, s, e), passages)
    return out


def _whole_line(n: int, start: int, text: str) -> tuple[int, int, int]:
    """A list item is its whole line ("4. Vorsicht! Kein Einsatz … ohne Strategie" is split in two sentences)."""
    end = text.find("\n", start)
    return n, start, len(text) if end < 0 else end


def _run_in_list(intro, passages: list[Passage]) -> list[tuple[int, int, int]]:
    """The paragraph a sentence ending in a colon introduces, when that sentence ends its own
    paragraph: a list written as prose ("Strategien werden überbewertet! … Ein Ziel? Wofür ein Ziel?
    …" after "Diese Checkliste soll … zeigen, …:"), whose short items no sentence ranking keeps.
    (passage number, start, end) pieces in reading order; a paragraph cut by a chunk boundary continues
    in another retrieved passage of the same article, found by the passages' offsets in the article."""
    n, _, end = intro
    text = passages[n - 1].text
    if not text[end:].startswith("\n"):
        return []
    start = len(text) - len(text[end:].lstrip())
    if start >= len(text):
        return []
    pieces, doc = [], passages[n - 1].doc_id
    while True:
        passage = passages[n - 1]
        stop = passage.text.find("\n", start)
        stop = len(passage.text) if stop < 0 else stop
        pieces.append((n, start, stop))
        if stop < len(passage.text):
            return pieces
        covered = passage.start + stop  # the paragraph runs on past this passage's end
        following = [(m, p) for m, p in enumerate(passages, start=1) if p.doc_id == doc and p.start < covered < p.end]
        if not following:
            return pieces
        n, nxt = following[0]
        start = covered - nxt.start
        start += len(nxt.text[start:]) - len(nxt.text[start:].lstrip())
