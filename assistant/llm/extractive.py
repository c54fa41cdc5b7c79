"""No LLM: the answer is the passages' own sentences, quoted, each with its [n].

Which sentences is decided in assistant/sentence_choice.py. The partial answer (what the
articles do state, and that they do not give what is asked) is built here too, for every
backend's refusals.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..answerability import Answerability
from ..config import EXTRACTIVE_SENTENCES
from ..grounding import SentenceSupport, content_words
from ..prompts import EXTRACTIVE_INTRO, MISSING_KIND, PARTIAL, REFUSAL
from ..results import Answer, make_citation
from ..retrieval import Passage, answer_passages
from ..sentence_choice import SAME_ARTICLE_MARGIN, answer_candidates, best_sentences
from .base import AnswerRequest, Backend


class ExtractiveBackend(Backend):
    name = "extractive"
    model = "quotes from the articles (no LLM)"

    def __init__(self, embeddings, n_sentences: int = EXTRACTIVE_SENTENCES):
        self.embeddings = embeddings
        self.n_sentences = n_sentences

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        answer = extractive_answer(request.asked or request.question, request.passages, request.lang, self.embeddings,
                                   request.check, self.n_sentences, request.several_articles, request.parts)
        yield answer.text
        yield answer


def extractive_answer(question: str, passages: list[Passage], lang: str, embeddings,
                      check: Answerability | None = None, n_sentences: int = EXTRACTIVE_SENTENCES, several_articles: bool | None = None,
                      parts: list[str] | None = None) -> Answer:
    """The best sentences of the top passages (those close to the best), in reading order; from more than
    one article only for a question about several (`several_articles`; None: read from the question), and
    the best one of each thing it asks of them (`parts`)."""
    chosen = best_sentences(question, passages, embeddings, check, n_sentences, margin=SAME_ARTICLE_MARGIN,
                            several=several_articles, parts=parts)
    return _quote(chosen, passages, lang, EXTRACTIVE_INTRO[lang])


def partial_answer(check: Answerability, passages: list[Passage], lang: str) -> Answer:
    """What the articles do state about the question's own words, and that they do not give what
    is asked; a plain refusal when no sentence shares a word with the question."""
    stems = set(check.terms)
    scored = []
    for n, s, e in answer_candidates(answer_passages(passages)):
        shared = len(content_words(passages[n - 1].text[s:e]) & stems)
        if shared:
            scored.append((-shared, n, s, e))
    if not scored:
        return Answer(REFUSAL[lang], refused=True)
    chosen = sorted((n, s, e) for _, n, s, e in sorted(scored)[:2])
    # the kind of answer when that is what the evidence lacks ("den Namen der Organisation" for "Bei welcher
    # Bank …"), else the question's words it lacks
    kind = MISSING_KIND[lang].get(check.answer_type, MISSING_KIND[lang]["other"])
    missing = kind if not check.type_found and check.answer_type != "other" else ", ".join(check.missing) or kind
    intro, closing = PARTIAL[lang]
    answer = _quote(chosen, passages, lang, intro, closing.format(missing=missing))
    answer.refused = True
    return answer


def quoted_answer(chosen, passages: list[Passage], lang: str) -> Answer:
    """The chosen sentences ((passage number, start, end)), quoted with their citations."""
    return _quote(chosen, passages, lang, EXTRACTIVE_INTRO[lang])


def _quote(chosen, passages, lang, intro: str, closing: str = "") -> Answer:
    parts, sentences, citations = [], [], []
    for n, s, e in chosen:
        quote = passages[n - 1].text[s:e]
        part = f"„{quote}“ [{n}]" if lang == "en" else f"{quote} [{n}]"
        parts.append(part)
        sentences.append(SentenceSupport(part, [n], True, 1.0, reason="quoted from the passage"))
        if n not in {c.n for c in citations}:
            citations.append(make_citation(n, passages[n - 1], s, e))
    body = "\n".join(f"- {p}" for p in parts)
    text = f"{intro}\n\n{body}" + (f"\n\n{closing}" if closing else "")
    return Answer(text, citations=citations, sentences=sentences)


def create(settings, embeddings) -> ExtractiveBackend:
    return ExtractiveBackend(embeddings, settings.grounding.extractive_sentences)
