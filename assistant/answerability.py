"""Does the retrieved evidence contain what the question asks? (the extractive reader's check)

Two features decide it, both explainable and printed with every decision:
- the kind of answer asked for (a number, a year or date, a person's job, a list, a reason, …)
  must occur in the evidence: "Wie viele Mitarbeiter …" needs a count there, next to the thing
  counted; "Wie alt …" an age, "Wie viel Euro …" an amount, "Was ist … von Beruf?" a job word
  in a sentence naming the person; "Wer leitet …", "Bei welcher Bank …", "In welcher Stadt …" a
  name of a person, organisation or place that the question does not already give (the kinds and
  their evidence: answer_kinds.py, names: entities.py);
- the question's specific terms (its content words minus question words and words
  that every article uses) must occur together in one evidence window (a sentence with
  its neighbours): "employees of Roland Berger" needs both. German terms match by stem
  or inside a compound; a term that does not (an English word against German text)
  matches by the e5 similarity of the two words.
In German questions nouns count fully and other words half; in English ones names count
`name_weight_en` (term_weights).
The share of terms that must be covered and the word-similarity bar are settings,
cross-validated on the dev questions (assistant/evaluation/calibrate.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .chunking import sentence_spans, window_around
from .answer_kinds import (ANSWER_TYPES, ASKS_FOR_A_PERSON, AUXILIARIES, PERSON_RELATION, ENGLISH_NEGATION, IN_A_UNIT, ROLE_QUESTION_STEMS, SHARE_OF_MONEY, answer_type,
                           evidence_pattern, number_kind)
from .grounding import content_words
from .language import german_probability
from .entities import place_names, places
from .names import question_names
from .question import asked_sentences, without_descriptions
from .sentence_vectors import process_store
from . import bilingual
from .bilingual import translations
from .synonyms import synonym_stems

# Words that shape a question but are not what it is about.
_QUESTION_WORDS = (
    "laut artikel artikeln beitrag beitrags text texts autor autorin quelle quellen sagt sagen sage nennt nennen genannt erwähnt "
    "erwähnen beschreibt beschreiben beschrieben steht stehen gibt geben welche welcher welches welchen wieviel wieviele viele "
    "according article articles piece post text says said tell tells mention mentions mentioned name names named describe describes "
    "described discuss discusses discussed diskutiert bespricht behandelt state states stated give gives given which what does many much long kind type sort list three four five drei vier fünf "
    "zwei two infobrief checkliste checklist newsletter blog fazit conclusion genau eigentlich konkret denn überhaupt stimmt true really "
    "about have has had does did tell ask asks asked readers reader leser something anything thing things else also "
    "etwas irgendwie sonst auch quasi them themselves theirs very leute people "  # people in general ("Wie viele der *Leute* in Deutschland, die …")
    # German question words and modal verbs: they shape the question, the evidence never repeats them
    "wovor wofür woran worauf womit wodurch wozu woher wohin worüber worum wessen inwiefern weshalb warum wieso weswegen "
    "soll sollte sollten sollen muss musste müssen kann könnte können darf dürfen wird werden würde würden "
    "could should would must might shall when where why who whom whose how "  # "who carried it out and *when*?"
    "wann wer wen wem wo wurde wurden worden gab were been being do done "  # "*Wann wurde* die Studie … durchgeführt?"
    "beide beiden beider both jeweils respectively "  # "Welche Werte nennen die *beiden*?": which articles, not what they hold
    # function words the English stopword list lacks ("mentions *some* everyday ways … which *ones*?"); not "only",
    # "than", German particles ("einfach", "ganze"): dropping them cost dev questions that need them
    "ones some whether your yours another even while whilst "
    # English verbs and fillers that carry no content against German text
    "take takes taking took place happen happens happened come comes came going goes make makes made need needs play plays "
    "played role mean means meant call called get gets got way ways like used uses become becomes give really actually "
    "kind share percentage proportion number amount prozent prozentsatz anteil anzahl "  # the kind of number, not its content
    "rolle spielt spielen spielte "  # "Welche Rolle spielt …" is the German "What role does … play"
    "geht gehen umgehen umgeht deal deals dealt handle handles frage question "  # "Wie geht X mit der Frage nach Y um?"
    "least mindestens wenigstens "  # a bound ("signed up with *at least* one network"), never what the evidence says
    "explain explains explained simple simply briefly term terms work works "  # "Can you explain in simple terms how … works?"
    "example examples instance instances beispiel beispiele "  # what a list is of ("What examples does it give?"), never what it says
    "vorher zuvor zuerst beforehand yourself yourselves myself ourselves "  # "Which questions should I ask myself beforehand?"
    "best beste besten bester bestes "  # "What's the best way to descale …?", "Wie geht das am besten?": a wish, not a topic (d29en23)
    "heißt heisst heißen lautet lauten "  # "Wie *heißt* der Fachbeitrag …?": the asking verb, never in the evidence
    "bitte please kurz quick quickly garantiert stichpunkt stichpunkte stichpunkten zähl zähle aufzählen auflisten bullet points"  # how to answer
).split()
# Ordinals and number words ask for one specific item ("das dritte Missverständnis"): they count fully.
_ORDINAL_WORD = re.compile(r"(erst|zweit|dritt|viert|fünft|sechst|siebt|acht|neunt|zehnt|letzt)(e|er|es|en|em)?|"
                           r"zwei|drei|vier|fünf|sechs|sieben|neun|zehn", re.I)
# Units of a number question: the thing counted is the word after them.
_UNITS = "prozent percent percentage share anteil proportion number anzahl zahl amount betrag".split()
# A question word: the kind of answer is read where the question starts.
# English words every article is about (the German ones come from the corpus itself).
_DOMAIN_EN = "social media company companies business businesses firm firms network networks networking online internet use using".split()


# A question pointing back at the context before it ("Wie heißt der?", "What examples does it give?")
_REFERS_BACK = re.compile(r"\b(?:der|die|das|den|dem)\s*\?\s*$|\b(?:es|er|ihn|ihm|dies\w*|dort|dabei|dazu|davon|darüber|damit|darin|"
                          r"it|its|they|them|their|this|that|these|those|there|he|she|him|his|her)\b", re.I)


# an elliptical question asking what the context asked, of something else
_WHAT_ABOUT = re.compile(r"(?:and\s+)?(?:what|how)\s+about\b|(?:und|was ist)\s+mit\b|(?:und\s+)?wie (?:ist|sieht) es (?:bei|mit)\b|"
                         r"(?:und\s+)?wie steht es (?:um|mit)\b", re.I)


@dataclass
class Answerability:
    answerable: bool
    answer_type: str  # year, number, reason, list or other
    terms: list[str]  # the question's specific terms (stems)
    missing: list[str]  # terms no evidence window holds
    type_found: bool
    coverage: float
    window: tuple[int, int, int] | None = None  # (passage number, start, end) of the best evidence window
    reason: str = ""
    matched: dict[str, str] = field(default_factory=dict)  # term -> the evidence word that matched it
    attributed: bool = True  # the evidence comes from the source the question names ("laut Elke Frank")
    second_found: bool = True  # a date or figure asked second ("…, and when did they start?") is in the window too
    placed: bool = True  # every place the question names is in the window ("in Österreich")
    words: dict[str, str] = field(default_factory=dict)  # term stem -> the question's word


@lru_cache(maxsize=1)
def _question_stems() -> frozenset[str]:
    return frozenset(content_words(" ".join(_QUESTION_WORDS)) | content_words(" ".join(_DOMAIN_EN)))


def specific_terms(question: str, domain: frozenset[str]) -> dict[str, str]:
    """Content words of the question that say what it is about: stem -> word as written."""
    skip = _question_stems() | domain
    return {stem: word for stem, word in sorted(surface_words(question).items()) if stem not in skip}


def windows(text: str) -> list[tuple[int, int]]:
    """Every sentence with its neighbours."""
    spans = sentence_spans(text) or [(0, len(text))]
    return [window_around(spans, i) for i in range(len(spans))]


# A second question after "and"/"und" asking for a date or a number.
_SECOND_ASK = re.compile(r"(?:\band\b|\bund\b)\s+(when|wann|how many|how much|how long|wie viele|wie viel|wie lange|seit wann|since when|"
                         r"in which year|in welchem jahr)\b", re.I)

PLACE_TRANSLATION = 0.93  # e5 word similarity of a place's name in two languages ("Vienna"/"Wien" .98, "Germany"/"Deutschland" .94)
SIMILAR_DISCOUNT = 0.5  # how much less a match by word similarity counts in choosing the evidence window


class AnswerabilityCheck:
    def __init__(self, embeddings, min_coverage: float, word_similarity: float, min_coverage_en: float | None = None,
                 vectors=None, name_weight_en: float = 1.0):
        self.embeddings = embeddings
        self.vectors = vectors  # a SentenceVectors store (on disk), else vectors are kept for the process
        self.min_coverage = min_coverage
        # English terms meet German text only through word embeddings: they match less often.
        self.min_coverage_en = min_coverage if min_coverage_en is None else min_coverage_en
        self.word_similarity = word_similarity
        self.name_weight_en = name_weight_en

    def check(self, question: str, passages: list[str], domain: frozenset[str], german: bool | None = None,
              articles: list[str] | None = None) -> Answerability:
        """`german`: the question's language when the caller knows it (else detected, German vs English).
        `articles`: for each passage, its article's header: a statement asked for by its source ("laut
        Leichsenring") may also come from the source's own article, not only from a window naming it."""
        asked = asked_sentences(question)
        # the kind asked for, read in the asking sentences ("… showing *how few* companies … What numbers does each
        # give?" asks for numbers); in the whole question when they do not say
        kind = answer_type(asked)
        if kind == "other":
            kind = answer_type(question)
        # statements of context before the question ("Wir sind ein kleiner Onlineshop …") are no terms the
        # evidence must hold, unless the question itself names too little and points back to them ("… verweist
        # auf ein Video. Wie heißt *der*?"); "Welche drei Fragen sollten wir uns vorher stellen?" asks in general
        # nor are words describing the article ("in dieser *sarkastischen* Liste, was man alles falsch machen kann – …")
        terms = specific_terms(without_descriptions(asked), domain)
        if len(terms) < 2:
            terms = specific_terms(asked, domain)
        if (len(terms) < 2 and _REFERS_BACK.search(asked)) or _WHAT_ABOUT.match(asked.strip()):
            # "… keep an eye on what's said online. *What about the big corporations?*": the same asked of another
            terms = specific_terms(question, domain)
        source = attribution(question, terms)
        # the passages whose article is the source's own (its name in the article's header)
        by_source = [bool(source and articles and len(self.matches({t: terms[t] for t in source}, articles[n])) == len(source))
                     for n in range(len(passages))]
        german = german_probability(question) >= 0.5 if german is None else german
        evidence = evidence_pattern(question, kind)
        # the counted thing, the whole a share is of ("Prozent ihres *Umsatzes*"), or the dated event;
        # an amount or an age need not share its sentence ("How much did Obama's campaign raise …":
        # "30 Millionen aus dem Crowdfunding")
        sub_kind = number_kind(question) if kind == "number" else None
        counted = sub_kind in ("count", "percent")
        focus = focus_term(question, terms, german) if kind == "year" or counted else None
        by_word = {word: stem for stem, word in terms.items()}
        if sub_kind == "money" and not german:
            # an English amount of a named company or person ("What was *Microsoft*'s revenue in 2013?") is
            # in a sentence naming it; "30 Millionen" of the next sentence is Obama's crowdfunding. The
            # question's first name, by its last word ("Deutsche *Telekom*"); a window without it holds no amount of it
            focus = next((by_word[name[-1]] for name in question_names(question) if name[-1] in by_word), None)
        if kind == "role":  # the person: the job word must be in a sentence that names them
            focus = next((t for t, word in terms.items() if word[:1].isupper() and t not in ROLE_QUESTION_STEMS), None)
        # a German counted thing is found by stem or compound, so its absence means something; an
        # English one meets German text only through word similarity ("apprentices" / "Auszubildende"
        # .87): there a number anywhere in the window counts
        focus_required = focus is not None and (german and counted or sub_kind == "money" and not german)
        if sub_kind == "percent" and not german:
            # a share of an amount ("What share of P&G's *revenue* …") is said with the amount, matched by
            # word similarity ("Umsatz"); "50 Prozent aller P&G-Innovationen" is a share of something else
            money = SHARE_OF_MONEY.search(question)
            if money and money.group(1) in by_word:
                focus, focus_required = by_word[money.group(1)], True
        # an English qualifier is said in German only by a translation: without the dictionary, no rule
        qualifier = (_qualifier(asked, terms, focus) if german else _qualifier_en(asked, terms) if bilingual.available() else None) \
            if counted else None
        # a share of a named whole ("Anteil *der Unternehmen*") is not given by a share of another whole; "Welcher Anteil
        # läuft über soziale Kanäle?" names none ("70 Prozent der Diskussion … über Social Media-Kanäle" answers it)
        share_of_whole = sub_kind == "percent" and bool(_SHARE_OF_A_WHOLE.search(asked))
        ordinals = bool(_ordinal_phrases(asked))
        # (key: attributed, qualifier said, answers with the ordinal asked, covered count, -passage number), type found, window, matched, similar
        best = None
        for n, text in enumerate(passages, start=1):
            for start, end in windows(text):
                piece = text[start:end]
                matched, similar = self.matches_and_similar(terms, piece, english=not german)
                type_found = evidence is None or ((not focus_required or focus in matched)
                                                  and _type_near(evidence, piece, matched.get(focus), share_of_whole))
                attributed = not source or by_source[n - 1] or all(t in matched for t in source)
                if type_found and source and not by_source[n - 1] and kind in ("number", "year") and evidence is not None:
                    # a figure "laut Egbert Wege" is in the sentence naming him or the next ("Zu diesem Schluss
                    # kommt … Roland Berger … Demnach agieren nur 17 Prozent …"), not anywhere in the window
                    type_found = _near_source(evidence, piece, [matched[t] for t in source if t in matched])
                # a word of the question itself is better evidence than a similar word: German junk pairs
                # ("Agentur"/"Medien", "läuft"/"hört") pass the bar and outnumbered the window stating the
                # answer ("Online-Agentur Zieltraffic … 70 Prozent der Diskussion rund um …"); the asked kind
                # of answer counts as one more word ("… von jedem *zehnten Mittelstandsunternehmen*" against a
                # window with one more term and no figure of Mittelständler)
                said = not qualifier or _said(qualifier, terms[qualifier], piece, german)
                # a window holding the kind of answer and speaking of another one of the thing asked ("im dritten
                # Lehrjahr" for "in the first year") comes after one holding it for the one asked
                answers = type_found and not self._other_ordinal(asked, piece) if ordinals else True
                key = (attributed, said, answers, len(matched) - SIMILAR_DISCOUNT * len(similar) + type_found, -n)
                if best is None or key > best[0]:
                    best = (key, type_found, (n, start, end), matched, similar)
        if best is None:
            return Answerability(False, kind, list(terms), list(terms), False, 0.0, reason="no evidence", words=dict(terms))
        (attributed, said, _, _, _), type_found, window, matched, similar = best
        missing = [terms[t] for t in terms if t not in matched]
        weights = term_weights(question, terms, focus, german, self.name_weight_en)
        total = sum(weights.values())
        coverage = 1.0 - sum(weights[t] for t in terms if t not in matched) / total if total else 1.0
        reasons = []
        if coverage < (self.min_coverage if german else self.min_coverage_en):
            reasons.append(f"the evidence does not mention: {', '.join(missing)}")
        if not type_found:
            reasons.append(f"the evidence holds no {kind}")
        if not attributed:
            reasons.append(f"no evidence comes from {' '.join(terms[t] for t in source)}")
        if not said:
            # "Prozent der Gespräche *über Versicherungen*": the whole a share or count is of, said by its own
            # word, a compound or a synonym ("Geldhäuser" / "Banken"); e5 similarity takes a neighbour for it
            # ("Versicherungen" / "Thema" of "rund um das Thema Banken")
            reasons.append(f"the evidence does not mention: {terms[qualifier]}")
        unplaced = _places_not_in(asked, by_word, matched)
        if unplaced:
            reasons.append(f"the evidence does not mention: {', '.join(unplaced)}")
        other = self._other_ordinal(asked, passages[window[0] - 1][window[1]:window[2]])
        if other:
            reasons.append(f"the evidence speaks of the {other}")
        relation = _asked_relation(asked, terms) if kind == "person" else None
        if relation and (relation not in matched or relation in similar):
            # "Wie heißt der *Vorstandsvorsitzende* von Roland Berger?": a person named in the window is not its
            # holder unless the window says the relation by its own word, a compound or a translation ("Egbert
            # Wege, Partner bei Roland Berger" names no chairman; e5 word similarity took "vorantreiben" for it)
            type_found = False
            reasons.append(f"the evidence names no {terms[relation]}")
        second, second_found = _SECOND_ASK.search(question), True
        if second and kind not in ("year", "number"):
            # "Which processes did Telekom restructure, *and when did they start*?": a date or figure asked
            # second must be in the window too
            asked = question[second.start(1):]
            second_kind = answer_type(asked)
            n, start, end = window
            if second_kind in ("year", "number") and not evidence_pattern(asked, second_kind).search(
                    _aside_removed(passages[n - 1][start:end], *(matched[t] for t in matched if t not in similar))):
                second_found = False
                reasons.append(f"the evidence holds no {second_kind}")
        return Answerability(not reasons, kind, list(terms), missing, type_found, round(coverage, 3), window, "; ".join(reasons), matched,
                             attributed, second_found, not unplaced, dict(terms))

    def _other_ordinal(self, question: str, window: str) -> str | None:
        """The window's ordinal phrase when the question asks about another one of the same thing: "bei
        seiner *zweiten Wahl*" against "Barack Obamas *erster Wahlerfolg*" (else None)."""
        for asked_n, noun, _ in _ordinal_phrases(question):
            said = [(n, word, phrase) for n, word, phrase in _ordinal_phrases(window)
                    if word[:4].lower() == noun[:4].lower() or self.matches({noun.lower(): noun}, word)]
            if said and all(n != asked_n for n, _, _ in said):
                return said[0][2]
        return None

    def matches(self, terms: dict[str, str], text: str) -> dict[str, str]:
        """term stem -> the word of `text` that matches it (same stem, compound, or a translation)."""
        return self.matches_and_similar(terms, text)[0]

    def matches_and_similar(self, terms: dict[str, str], text: str, english: bool = False) -> tuple[dict[str, str], set[str]]:
        """matches(), and which of them only by word similarity; an `english` question's words also by
        the dictionary's translations."""
        words = surface_words(_URL.sub(" ", text))  # "http" was "around" and "specific" by word similarity
        matched = {}
        unmatched = []
        for term in terms:
            hit = term if term in words else next((w for w in words if _compound(term, w)), None)
            if hit:
                matched[term] = words[hit]
            else:
                unmatched.append(term)
        if unmatched and self.word_similarity < 1.0 and words:
            pool = sorted(set(words.values()))
            sims = self._embed([terms[t] for t in unmatched]) @ self._embed(pool).T
            for row, term in zip(sims, unmatched):
                # a place matches only its own name in another language ("Austria"/"Österreich" .96), not
                # another place ("Österreich"/"Deutschland" .885, above the word bar)
                bar = PLACE_TRANSLATION if terms[term] in places() else self.word_similarity
                if row.max() >= bar:
                    matched[term] = pool[int(row.argmax())]
        if len(matched) < len(terms):  # last, the dictionary's German for what similarity missed, or a synonym
            rest = {t: terms[t] for t in unmatched if t not in matched}
            for term, stem in (translated_terms(rest, words) if english else synonym_terms(rest, words)).items():
                matched[term] = words[stem]
        return matched, set(unmatched) & matched.keys()

    def _embed(self, words: list[str]) -> np.ndarray:
        # Single words embedded as e5 queries on both sides separate translations
        # ("employees"/"Mitarbeiter" .92) from neighbours ("employees"/"Unternehmen" .87) best.
        # Kept on disk with the sentence vectors when given (a cold `assistant ask` embedded ~25 words).
        if self.vectors is None:
            self.vectors = process_store(self.embeddings)
        return self.vectors.queries(words)


def translated_terms(terms: dict[str, str], stems) -> dict[str, str]:
    """term stem -> the stem among `stems` (a German text's words) that the dictionary gives for the
    English term's word, as itself or in a compound ("television": Fernsehen, in "Fernsehwerbung")."""
    return _said_as(terms, stems, lambda term, word: _translation_stems(word))


def synonym_terms(terms: dict[str, str], stems) -> dict[str, str]:
    """term stem -> the stem among `stems` that is a synonym of the German noun term (OpenThesaurus:
    "Geldhäuser" / "Banken"), as itself or in a compound. Nouns only: the thesaurus's verbs and adjectives
    have many senses, and their synonyms' stems hide in unrelated words ("überlassen" found "beschreibt")."""
    return _said_as(terms, stems, lambda term, word: synonym_stems(term, True) if word[:1].isupper() else ())


def _said_as(terms: dict[str, str], stems, others) -> dict[str, str]:
    """term stem -> the first stem among `stems` that is one of others(term, word) (stems), or holds one."""
    found = {}
    for term, word in terms.items():
        said = others(term, word)
        hit = next((s for s in stems if any(g == s or _compound(g, s) for g in said)), None) if said else None
        if hit:
            found[term] = hit
    return found


@lru_cache(maxsize=20000)
def _translation_stems(word: str) -> tuple[str, ...]:
    from .bm25 import _stemmer

    return tuple(_stemmer().stemWords([g.lower() for g in translations(word)]))


def similar_terms(terms: dict[str, str], text: str, embeddings, bar: float) -> set[str]:
    """The term stems (of `terms`, stem -> word) that a word of `text` says at e5 word similarity >= bar, one
    of the two a noun or name (capitalised: "Kommentare" / "kommentiert", "departments" / "Bereichen"). Not a
    verb or adverb for another: "want" / "möchten", "bald" / "rasant" are as close, and pulled sentences that
    only share a way of speaking."""
    words = sorted(set(surface_words(text).values()))
    if not terms or not words:
        return set()
    vectors = process_store(embeddings)
    sims = vectors.queries(list(terms.values())) @ vectors.queries(words).T
    noun_columns = np.array([w[:1].isupper() for w in words])
    found = set()
    for (stem, word), row in zip(terms.items(), sims):
        if (row if word[:1].isupper() else np.where(noun_columns, row, -1.0)).max() >= bar:
            found.add(stem)
    return found


def surface_words(text: str) -> dict[str, str]:
    """Content-word stem -> the word as written (the stems are what content_words() gives)."""
    from .bm25 import _stemmer
    from .grounding import WORD, _stopwords

    words = [w for w in WORD.findall(text) if w.lower() not in _stopwords()]
    # "ROI", "KPI", "CIO": short, but specific ("der *ROI* in Prozent"); not a function word in capitals ("how *NOT* to succeed")
    words += [w for w in _ACRONYM.findall(text) if w.lower() not in _stopwords()]
    return dict(zip(_stemmer().stemWords([w.lower() for w in words]), words))


_ACRONYM = re.compile(r"\b[A-ZÄÖÜ]{3}\b")
_URL = re.compile(r"https?://\S+|www\.\S+")


def term_weights(question: str, terms: dict[str, str], focus: str | None = None, german: bool | None = None,
                 name_weight_en: float = 1.0) -> dict[str, float]:
    """How much each term counts towards coverage. In a German question a noun (capitalised, not the
    first word) names the thing asked about and counts fully; verbs, adjectives and adverbs are
    what a paraphrase changes ("geredet" for "diskutiert") and count half. The asked-about thing of
    a number or date question, and an ordinal or number word, count fully. In an English question
    a capitalised word (not the first) is a name: found verbatim in the German text, it says where
    the entity is, not whether the asked-for attribute is there ("In which *city* is Egbert Wege of
    Roland Berger based?" covered 4 of 6 terms by the names alone); it counts `name_weight_en`
    (cross-validated on the dev file), every other English term fully. `german`: the question's
    language when the caller knows it."""
    first = next(iter(re.findall(r"[^\W\d_]+", question)), "")
    if not (german_probability(question) >= 0.5 if german is None else german):
        return {t: name_weight_en if word[:1].isupper() and word != first else 1.0 for t, word in terms.items()}
    return {t: 1.0 if (word[:1].isupper() and word != first) or t == focus or _ORDINAL_WORD.fullmatch(word) else 0.5
            for t, word in terms.items()}


# "laut Elke Frank", "according to Roland Berger": whose statement the question asks for
_ATTRIBUTION = re.compile(r"\b(?i:laut|according to|nach angaben (?:von|der|des)|zufolge)\s+(?:(?i:dem|der|den|des|the)\s+)?"
                          r"([A-ZÄÖÜ][\w’'.-]*(?:\s+[A-ZÄÖÜ][\w’'.-]*)*)")


def attribution(question: str, terms: dict[str, str]) -> list[str]:
    """The specific terms naming the source a question attributes its fact to ("Wie hoch ist der ROI
    laut *Leichsenring*?"): the evidence must come from that source, a window naming it or the
    source's own article. Words naming an article ("laut Infobrief") are no terms, so no source."""
    match = _ATTRIBUTION.search(question)
    if not match:
        return []
    words = set(re.findall(r"[^\W\d_]+", match.group(1)))
    return [t for t, word in terms.items() if word in words]


_DETERMINERS_EN = frozenset("the a an his her its their this that".split())


def focus_term(question: str, terms: dict[str, str], german: bool | None = None) -> str | None:
    """The thing a number or date question asks about: the first specific term after its
    question words ("Wie viele *Mitarbeiter* …", "How many *employees* …")."""
    match = next((m for name, p in ANSWER_TYPES if name in ("year", "number") and (m := p.search(question))), None)
    if not match:
        return None
    by_word = {word: stem for stem, word in terms.items()}
    unit = IN_A_UNIT.search(question, max(0, match.start() - 3))
    if unit and unit.start() <= match.start():
        # an amount asked for in a unit is of the thing named before the unit: "Welche *ROI*-Quote in Prozent
        # hat Leichsenring …" asks for the ROI, not for Leichsenring ("70 Prozent der Diskussion" is no ROI)
        before = [w for w in re.findall(r"[^\W\d_]+", question[:unit.start()]) if w in by_word]
        if before:
            return by_word[before[0]]
    words = [w for w in re.findall(r"[^\W\d_]+", question[match.end():]) if w.lower() not in _UNITS][:4]
    # The counted thing is a noun: capitalised in German ("wie viele deutsche *Firmen*"); in English
    # a capitalised word is a name or a nationality ("how many *German* companies"), never it.
    german = german_probability(question) >= 0.5 if german is None else german
    if not german:  # English has no noun mark: the thing is what follows, before any verb
        # ("how many *employees* does …"; "how many don't keep an eye …" names none)
        before_verb = list(itertools.takewhile(lambda w: w.lower() not in AUXILIARIES and w.lower() not in ENGLISH_NEGATION, words))[:2]
        if not before_verb and words and words[0].lower() in AUXILIARIES:
            # "In which year did *Obama* win …", "When did Deutsche *Telekom* start …": the subject
            # after the auxiliary, a name, by its last word (a surname, the company without its
            # qualifier: the German text says "die Telekom")
            # and after a determiner ("In which year was the *Obama* election win …")
            subject = list(itertools.dropwhile(lambda w: w.lower() in _DETERMINERS_EN, words[1:]))
            name = list(itertools.takewhile(lambda w: w[:1].isupper(), subject))
            return next((by_word[w] for w in reversed(name) if w in by_word), None)
        words = before_verb
    # "Wie viel Prozent der *Leute*, die online sind, …": people in general are defined by the clause
    # after them (the text says "Internetnutzer"); no thing to require
    nouns = [w for w in words if w[:1].isupper() == german and w.lower() not in _ANYONE]
    return next((by_word[w] for w in nouns if w in by_word), None)


def _said(term: str, word: str, text: str, german: bool = True) -> bool:
    """Is the term in the text by its own stem, in a compound or by a synonym, an English one by a
    translation (not by e5 similarity)?"""
    words = surface_words(text)
    other = synonym_terms if german else translated_terms
    return term in words or any(_compound(term, w) for w in words) or bool(other({term: word}, words))


_SHARE_WORDS_DE = "Prozent|Anteil|Hälfte|Drittel|Viertel|Mehrheit|Großteil"  # a share of a whole, said in German
_SHARE_OF_A_WHOLE = re.compile(rf"\b(?:{_SHARE_WORDS_DE})\s+(?:der|des|aller|von)\b|"
                               r"\b(?:share|percentage|proportion|percent|fraction|portion|half|third|quarter|majority)\s+of\b", re.I)


# "what share of the discussion *about insurance* companies …"
_SHARE_ABOUT = re.compile(r"\b(?:share|percentage|proportion|percent|fraction|portion)\s+of\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,3}?"
                          r"(?:about|around|regarding|concerning|on the (?:topic|subject) of)\s+(?:the\s+)?([A-Za-z][\w-]+)", re.I)


# "what percentage of *Austrian* internet users", "what share of *internal* communication": a word before the whole
_SHARE_OF_KIND = re.compile(r"\b(?:share|percentage|proportion|percent|fraction|portion)\s+of\s+(?:the\s+|all\s+)?([A-Za-z][\w-]+)\s+(?:[a-z][\w-]+\s+)?"
                            r"(?:users|companies|firms|businesses|enterprises|corporations|communication|people|employees|customers|members)\b", re.I)


def _qualifier_en(question: str, terms: dict[str, str]) -> str | None:
    """The term of the noun an English share question's whole is about ("the discussion about *insurance*"), or
    of the word saying which of them ("*Austrian* internet users", "*internal* communication")."""
    match = _SHARE_ABOUT.search(question) or _SHARE_OF_KIND.search(question)
    by_word = {word: stem for stem, word in terms.items()}
    return by_word.get(match.group(1)) if match else None


def _qualifier(question: str, terms: dict[str, str], focus: str | None) -> str | None:
    """The term of the noun that qualifies the counted thing of a German number question: "der Gespräche
    *über Versicherungen*", "der Diskussionen rund um *Banken*", "der Internetnutzer in *Österreich*"."""
    counted = re.escape(terms[focus]) if focus else None
    # the counted thing, or the whole a share is of ("Wie hoch ist laut Zieltraffic der Anteil *der Diskussionen*
    # über …": the first noun after "Wie hoch" is the source)
    whole = rf"(?:{_SHARE_WORDS_DE})\s+(?:der|des|aller|von)\s+(?:[a-zäöüß]\w*\s+)?[A-ZÄÖÜ][\w-]+"
    thing = f"(?:{counted}|{whole})" if counted else whole
    match = re.search(rf"\b{thing}\s+(?:über|zu|rund um|um|bei|in|aus)\s+(?:den|die|das|dem|der)?\s*([A-ZÄÖÜ][\w-]+)", question)
    by_word = {word: stem for stem, word in terms.items()}
    return by_word.get(match.group(1)) if match else None


_ANYONE = frozenset("leute menschen personen people persons individuals".split())


_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "letzt": -1,
             "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_PHRASE = re.compile(r"\b(erst|zweit|dritt|viert|fünft|letzt)(?:e|er|es|en|em)\s+([A-ZÄÖÜ][\w-]{2,})|"
                             r"\b(first|second|third|fourth|fifth|last)\s+([a-zA-Z][\w-]{2,})", re.I)


def _ordinal_phrases(text: str) -> list[tuple[int, str, str]]:
    """(number, noun, phrase) of each ordinal before a noun ("zweiten Wahl", "erster Wahlerfolg", "first election")."""
    found = []
    for m in _ORDINAL_PHRASE.finditer(text):
        word, noun = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if noun.lower() not in _ORDINAL_SKIP:
            found.append((_ORDINALS[word.lower()], noun, m.group(0)))
    return found


_ORDINAL_SKIP = frozenset("mal time times place step blick sight linie line".split())  # "zum ersten Mal", "in erster Linie"


def _type_near(evidence, text: str, focus_word: str | None, share: bool = False) -> bool:
    """The kind of answer occurs in the text, in the same sentence as the asked-about thing if known; a
    share (`share`) not only as the share of another whole ("*78 Prozent der Internetnutzer* …; Tendenz
    insbesondere in der Generation 50 Plus weiter steigend" gives no share of the Generation 50 Plus)."""
    if focus_word is None:
        return bool(evidence.search(text))
    return any(focus_word in text[s:e] and evidence.search(_aside_removed(text[s:e], focus_word))
               and not (share and _of_another_whole(text[s:e], focus_word)) for s, e in sentence_spans(text))


# a share and the whole it is of: "78 Prozent der Internetnutzer", "jedes dritte Unternehmen" is read elsewhere
_SHARE_OF = re.compile(r"(?:\d[\d.,]*\s*(?:Prozent|%|percent)|Hälfte|Drittel|Viertel)\s+(?:der|des|aller|von|of(?:\s+(?:the|all))?)\s+"
                       r"(?:[a-zäöüß]\w*\s+)?([A-ZÄÖÜ][\w&-]*)")


def _of_another_whole(sentence: str, focus_word: str) -> bool:
    """Is every share the sentence gives with its whole a share of something else than the focus?"""
    shares = list(_SHARE_OF.finditer(sentence))
    focus = focus_word.lower()
    # the focus may be the word describing the whole ("ein Viertel der *größeren* Unternehmen")
    return bool(shares) and not any(w[:5] == focus[:5] or _compound(focus, w) or focus in m.group(0).lower().split()
                                    for m in shares for w in [m.group(1).lower()])


def _near_source(evidence, text: str, source_words: list[str]) -> bool:
    """The kind of answer occurs in a sentence naming the source or in the one after it."""
    spans = sentence_spans(text)
    naming = [i for i, (s, e) in enumerate(spans) if any(w in text[s:e] for w in source_words)]
    return any(evidence.search(text[slice(*spans[j])]) for i in naming for j in (i, i + 1) if j < len(spans))


def _asked_relation(question: str, terms: dict[str, str]) -> str | None:
    """The term saying how the asked-for person relates to what is named, when it follows the question word
    closely ("Wer *leitet* …", "Who is the *CEO* of …", "Wie heißt der *Vorstandsvorsitzende* …"); not a verb
    further on ("Who wrote …, and on which page is the passage *found*?")."""
    match = ASKS_FOR_A_PERSON.search(question)
    if not match:
        return None
    by_word = {word: stem for stem, word in terms.items()}
    following = re.findall(r"[^\W\d_]+", question[match.end():])[:4]
    return next((by_word[w] for w in following if w in by_word and re.fullmatch(PERSON_RELATION, w, re.I)), None)


def _places_not_in(question: str, by_word: dict[str, str], matched: dict[str, str]) -> list[str]:
    """The places the question names (`by_word`: its terms, word -> stem) that the evidence does not:
    "Wie viel Prozent der Internetnutzer in *Österreich* …" is not answered by the figure for
    Deutschland, however well the rest matches."""
    return [place for place in dict.fromkeys(place_names(question)) if place in by_word and by_word[place] not in matched]


def _aside_removed(sentence: str, *asked_words: str | None) -> str:
    """The sentence without the parentheses that do not name an asked-about word (only they do; any, for none):
    "(laut Studie …, Universität St. Gallen, 2013: http://…)" dates the study cited, not when the
    Telekom repositioned its processes; it does date the study ("… a study on the return on social
    media – who carried it out and *when*?")."""
    words = [w for w in asked_words if w]
    rest = re.sub(r"\([^()]*\)", " ", sentence)
    # kept when it names an asked word the rest does not: then it is what the question asks about
    return re.sub(r"\([^()]*\)", lambda m: m.group(0) if any(w in m.group(0) and w not in rest for w in words) else " ", sentence)


def _compound(term: str, word: str) -> bool:
    """A German compound holds the other word: "umsatz" in "jahresumsatz"."""
    short, long = sorted((term, word), key=len)
    if len(short) >= 5 and short in long:
        return True
    # a person by the thing ("Mittelständler", stem "mittelstandl") is found in the thing's compounds
    # ("Mittelstandsunternehmen"): the stem without the "-ler"
    return term.endswith("l") and len(term) >= 7 and term[:-1] in word
