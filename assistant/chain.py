"""The answer pipeline: condense → retrieve → gate → generate → verify.

One entry point (`Assistant.stream` / `Assistant.ask`) serves the CLI, the UI and the eval
runner (built by assistant/service.py). Every backend streams an answer the same way
(llm/base.py); grounding is enforced after generation (verify.py), not trusted to the model.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

from .answerability import Answerability, AnswerabilityCheck, specific_terms
from .articles import article_question, metadata_answer, named_articles, searched_text, without_names
from .cited_sources import asked_sources, citing_sentences
from .config import Settings
from .followup import condense, referenced_docs
from .grounding import SentenceSupport
from .index import Index
from .llm import Backend, create_backend, default_backend_name
from .llm.base import AnswerRequest
from .llm.extractive import partial_answer, quoted_answer
from .prompts import REFUSAL
from .question import NO_WORDS, answer_language, asked_parts, asks_several_articles, as_read, clean_question, has_words, without_descriptions
from .results import Answer, AnswerResult, Citation, Draft, Turn, header_passage
from .retrieval import Passage, Retriever, article_first, article_headers, leading_part, missing_item
from .sections import without_position
from .sentence_choice import best_article, best_sentences
from .verify import verify

__all__ = ["Assistant", "AnswerResult", "Turn"]


def checked_question(question: str, passages: list[Passage], doc_filter, retriever: Retriever) -> str:
    """What the answerability check reads (the chain, and eval-calibrate replaying it): not where in the article
    ("endet", "am Schluss"), nor the words naming or describing the article when the question names one, unless
    what is left names too little ("The article on the business case cites a study on the return on social
    media – *who carried it out and when?*": then the question with its description)."""
    located = without_position(question) if leading_part(passages) else question
    if not doc_filter:
        return located
    # a description first: "… according to the *post* weighing …" is no description once "post" is gone
    asked = without_names(without_descriptions(located), retriever.articles())
    if len(specific_terms(asked, retriever.domain_words())) < 2:
        asked = without_names(located, retriever.articles())
    return asked


# A question about one named article is searched in twice as many of its passages: an article of this corpus has 5-8,
# and the sentence answering "How … can a company make its social media effort bear fruit sooner?" (the blog post's
# "… desto eher wird Ihr Einsatz Früchte tragen") was in its sixth (dev: facts .874 -> .875, nothing lost)
NAMED_ARTICLE_K_FACTOR = 2
# Passages searched for the sentences citing a source: every chunk of the five articles here (5-8 an
# article); in a large index, the 60 closest to the question.
SOURCES_SEARCH_K = 60


class Assistant:
    def __init__(self, settings: Settings, index: Index | None = None):
        self.settings = settings
        self.index = index or Index(settings)
        self.retriever = Retriever(self.index, settings)
        self._backends: dict[str, Backend] = {}
        self._answerability: AnswerabilityCheck | None = None

    @property
    def answerability(self) -> AnswerabilityCheck:
        if self._answerability is None:
            a = self.settings.answerability
            self._answerability = AnswerabilityCheck(self.index.model.embeddings, a.min_coverage, a.word_similarity, a.min_coverage_en,
                                                     self.retriever.sentence_vectors(), a.name_weight_en)
        return self._answerability

    def backend(self, name: str | None = None) -> Backend:
        name = name or default_backend_name(self.settings)
        if name not in self._backends:
            self._backends[name] = create_backend(name, self.settings, self.index.model.embeddings)
        return self._backends[name]

    def ask(self, question: str, history: list[Turn] | None = None, backend: str | None = None, **kwargs) -> AnswerResult:
        result = None
        for event in self.stream(question, history, backend, **kwargs):
            if isinstance(event, AnswerResult):
                result = event
        return result

    def stream(self, question: str, history: list[Turn] | None = None, backend: str | None = None,
               k: int | None = None, mode: str | None = None) -> Iterator[str | AnswerResult]:
        """Yields answer text pieces as they are produced, then the verified AnswerResult."""
        history = history or []
        question, notice = clean_question(question)
        lang, foreign = answer_language(question)  # another language: answered in English, with a notice
        chosen = self.backend(backend)
        mode = mode or ("hybrid" if self.settings.retrieval.hybrid else "dense")
        draft = Draft(question=question, language=lang, backend=chosen.name, model=chosen.model,
                      notice=" ".join(n for n in (notice, foreign) if n) or None)
        if not has_words(question):
            yield from draft.finish(Answer(NO_WORDS, refused=True, refusal_reason="the question has no words"))
            return

        standalone = as_read(condense(chosen, question, history, lang), lang, self.retriever.written_forms(),
                             (self.retriever.capitalised_forms(), self.retriever.bm25().knows))
        doc_filter = referenced_docs(question, history) or named_articles(standalone, self.retriever.articles()) or None
        several = asks_several_articles(standalone) or len(doc_filter or []) > 1
        parts = asked_parts(standalone, self.retriever.articles()) if several else []
        if parts:  # two things asked of several articles: each searched (and later quoted) for itself
            passages, doc_filter, parts = self._search_by_part(parts, k or self.settings.retrieval.k, mode, doc_filter)
        query = searched_text(standalone, self.retriever.articles(), doc_filter)
        if not parts:
            passages = self.retriever.search_named(query, k=self._named_k(k, doc_filter), mode=mode, doc_ids=doc_filter)
        passages = self.retriever.part_first(standalone, passages, doc_filter)
        draft.fields.update(standalone_question=standalone, retrieved=passages)

        asked_about = article_question(standalone, self.retriever.articles(), doc_filter, passages)
        if asked_about:  # a question about an article itself: answered from its metadata
            yield from draft.finish(self._metadata_answer(*asked_about, lang, draft))
            return
        source_kind = asked_sources(standalone, self.retriever.articles(), self.retriever.domain_words())
        if source_kind:  # "Auf welche Studien stützt sich der Springer-Artikel?": every sentence citing one
            answer = self._sources_answer(standalone, source_kind, doc_filter, lang, draft)
            if answer is not None:
                yield from draft.finish(answer)
                return
        if missing_item(passages):  # "der siebte Punkt" of a five-point list
            reason = f"the article has no point {missing_item(passages)}"
            yield from draft.finish(Answer(REFUSAL[lang], refused=True, refusal_reason=reason))
            return
        gate_passages = self.retriever.gate_passages(standalone, query, passages, doc_filter, mode)
        decision = self.retriever.gate(standalone, gate_passages, cross_language=lang != "de")
        draft.timings.retrieval_s = draft.elapsed()
        if not decision.relevant or not passages:
            yield from draft.finish(Answer(REFUSAL[lang], refused=True, refusal_reason=decision.reason or "no passage"))
            return
        # what is asked, without the words naming or describing the article: what the check reads and the answer's
        # sentences are ranked by ("The blog post that opens by asking … – which university's study …?" quoted the opening)
        asked = checked_question(standalone, passages, doc_filter, self.retriever)
        check, evidence, refusal, passages = self._answerable(chosen, standalone, asked, passages, doc_filter, draft)
        draft.timings.retrieval_s = draft.elapsed()  # everything before generation: retrieval, checks, evidence
        if refusal:
            answer = partial_answer(check, passages, lang)
            answer.refusal_reason = refusal
            yield from draft.finish(answer)
            return

        pieces, answer, error = [], None, None
        try:
            for piece in chosen.stream(AnswerRequest(standalone, passages, lang, check, evidence, asked=asked,
                                                           several_articles=several or len(doc_filter or []) > 1, parts=parts)):
                if isinstance(piece, Answer):
                    answer = piece  # verbatim quotes: grounded by construction
                    continue
                draft.token()
                pieces.append(piece)
                yield piece
        except Exception as exc:  # server down, timeout, bad response: fall back, never crash
            error = f"{exc.__class__.__name__}: {str(exc)[:200]}"
        if answer is None:
            answer = verify("".join(pieces), error, standalone, passages, lang, chosen.name, self.settings, self.index.model.embeddings)
            answer.raw_answer = "".join(pieces)
            if answer.fallback:
                yield "\n\n" + answer.text
        yield draft.result(answer)

    def _search_by_part(self, parts: list[str], k: int, mode: str, doc_filter) -> tuple[list[Passage], list[str] | None, list[str]]:
        """The passages of each asked part in turn (each part's best first, then each one's second, …), the
        articles searched, and what was searched for each part (without the words naming an article). A part
        searches the articles it names, else those the question names when it names several, else all:
        "Vergleiche zwei Artikel: Wie viel Prozent … laut der Roland-Berger-Publikation …, und welcher Anteil …
        laut der Bitkom-Erhebung im Infobrief …?" had searched the Infobrief only, for both, and was refused for
        lack of Roland Berger's figure (d26de18)."""
        articles = self.retriever.articles()
        found, searched, queries = [], set(), []
        for part in parts:
            part_filter = named_articles(part, articles) or (doc_filter if len(doc_filter or []) > 1 else None)
            searched = None if searched is None or part_filter is None else searched | set(part_filter)
            queries.append(searched_text(part, articles, part_filter))
            found.append(self.retriever.search_named(queries[-1], k=k, mode=mode, doc_ids=part_filter))
        passages, seen = [], set()
        for p in itertools.chain.from_iterable(itertools.zip_longest(*found)):
            if p is not None and p.chunk_id not in seen:
                seen.add(p.chunk_id)
                passages.append(p)
        for rank, p in enumerate(passages[:k], start=1):
            p.rank = rank
        return passages[:k], sorted(searched) if searched else None, queries

    def _named_k(self, k: int | None, doc_filter) -> int:
        """How many passages to search for: more of the one article a question names."""
        k = k or self.settings.retrieval.k
        return NAMED_ARTICLE_K_FACTOR * k if doc_filter and len(doc_filter) == 1 else k

    # -- stages -------------------------------------------------------------
    def _answerable(self, backend: Backend, question: str, asked: str, passages: list[Passage], doc_filter, draft: Draft):
        """Does the evidence hold what is asked? The features decide; with an LLM also its reader step.
        Returns the check, the reader's evidence sentences (or None), the refusal reason (or None) and the
        passages, the best answering article's first."""
        # The question's language as answered: a French question is judged as cross-language (like
        # English), not by whether it looks more German than English.
        check: Answerability = self.answerability.check(asked, [p.text for p in passages[:3]], self.retriever.domain_words(),
                                                        german=draft.fields["language"] == "de", articles=article_headers(passages, 3))
        draft.fields["answerability"] = check
        refusal = None if check.answerable else check.reason
        if refusal is None and not doc_filter and not asks_several_articles(question):
            check, passages = self._best_article_first(asked, passages, check)
            draft.fields["retrieved"] = passages
        evidence = None
        reader = self.settings.llm.reader
        skip_reader = reader == "off" or (reader == "and-features" and refusal is not None)  # it could not change the outcome
        reading = None if skip_reader else backend.read(question, passages, check)
        if reading is not None:
            draft.fields["reader"] = reading.picked
            if reading.picked == []:
                refusal = refusal or "reader: no sentence states it"
            elif reading.picked:  # None: the reader failed, the features decide
                evidence = reading.evidence()
                if reader == "reader":
                    refusal = None  # the reader decides
        n = self.settings.llm.evidence_sentences
        if evidence is None and refusal is None and backend.generates and n:
            # compact evidence: the best sentences instead of whole passages, a short prompt to prefill
            evidence = best_sentences(asked, passages, self.index.model.embeddings, check, n)
        return check, evidence, refusal, passages

    def _best_article_first(self, asked: str, passages: list[Passage], check: Answerability):
        """The passages with the article of the best answering sentence first (sentence_choice.best_article),
        and the check's evidence window renumbered to match."""
        doc = best_article(asked, passages, self.index.model.embeddings, check)
        if doc is None:
            return check, passages
        ordered = article_first(passages, doc)
        if check.window:
            n, start, end = check.window
            check = replace(check, window=(ordered.index(passages[n - 1]) + 1, start, end))
        return check, ordered

    def _sources_answer(self, question: str, kind: str, doc_filter, lang: str, draft: Draft) -> Answer | None:
        """Every sentence of the named articles (else of all) that cites a source of the asked kind,
        quoted; None when none does (the question then goes the usual way, to the gate)."""
        every = self.retriever.search(question, k=SOURCES_SEARCH_K, mode="dense", doc_ids=doc_filter, rerank=False)
        found = citing_sentences(kind, every)
        if not found:
            return None
        # the passages holding them, renumbered, each article's in reading order
        order = sorted({n for n, _, _ in found}, key=lambda n: (every[n - 1].doc_id, every[n - 1].start))
        passages = [every[n - 1] for n in order]
        chosen = sorted(((order.index(n) + 1, s, e) for n, s, e in found))
        draft.fields["retrieved"] = passages
        return quoted_answer(chosen, passages, lang)

    @staticmethod
    def _metadata_answer(info, attributes: tuple[str, ...], lang: str, draft: Draft) -> Answer:
        header = header_passage(info)
        text, refused = metadata_answer(info, attributes, lang)
        unstated = " and no ".join(a for a in attributes if not getattr(info, a))
        draft.fields["retrieved"] = [header] + draft.fields["retrieved"]
        citation = Citation(1, info.doc_id, header.chunk_id, info.title, header.text, 0, 0, info.author)
        sentence = SentenceSupport(text, [1], True, 1.0, 0, len(text), f"article metadata: {', '.join(attributes)}")
        return Answer(text, refused=refused, citations=[citation], sentences=[sentence],
                      refusal_reason=f"the article states no {unstated}" if refused else None)
