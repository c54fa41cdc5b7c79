"""The answer pipeline: condense → retrieve → gate → prompt → generate → verify.

One entry point (`Assistant.stream` / `Assistant.ask`) serves the CLI, the UI
and the eval runner. Generation and condensing are LCEL chains
(prompt | chat model | parser); grounding is enforced here, after generation,
not trusted to the model.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

from .chunking import sentence_spans
from .config import Settings
from .answerability import Answerability, AnswerabilityCheck, TYPE_EVIDENCE
from .articles import ArticleInfo, article_question, metadata_answer, named_articles, without_names
from .grounding import SentenceSupport, check_citations, content_words, score_sentences
from .index import Index
from .language import german_probability
from .llm import Backend, create_backend, default_backend_name
from .reader import MAX_SENTENCES, read
from .prompts import EXTRACTIVE_INTRO, FALLBACK_NOTICE, FALLBACK_REASONS, MISSING_KIND, PARTIAL, REFUSAL
from .retrieval import Passage, Retriever

MAX_QUESTION_CHARS = 2000


@dataclass
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    title: str
    quote: str  # exact text of the article: article_text[start:end] == quote
    start: int
    end: int
    author: str | None = None


@dataclass
class Timings:
    retrieval_s: float = 0.0
    ttft_s: float | None = None
    total_s: float = 0.0


@dataclass
class AnswerResult:
    question: str
    answer: str
    language: str
    refused: bool
    citations: list[Citation]
    sentences: list[SentenceSupport]
    backend: str
    model: str
    timings: Timings
    standalone_question: str = ""
    retrieved: list[Passage] = field(default_factory=list)
    fallback: str | None = None  # why the extractive answer replaced the model's
    invalid_citations: list[int] = field(default_factory=list)
    notice: str | None = None  # e.g. the question was shortened
    refusal_reason: str | None = None  # why the question was refused (gate, answerability, metadata)
    answerability: Answerability | None = None
    reader: list[int] | None = None  # the LLM reader's chosen candidate sentences ([] = none answers)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Turn:
    question: str
    result: AnswerResult


# Words that make a question depend on the one before it.
_FOLLOWUP = re.compile(
    r"\b(dazu|darüber|davon|dafür|daran|dabei|er|sie|es|ihn|ihm|dies\w*|der artikel|das|"
    r"it|its|they|them|this|that|these|those|the article|there)\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "vierte": 4, "vierten": 4,
    "fünfte": 5, "fünften": 5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}
_ARTICLE_REF = re.compile(r"\b(\w+)\s+(artikel|quelle|source|article)\b|\b(artikel|quelle|source|article)\s*\[?(\d)\]?", re.IGNORECASE)


def question_language(question: str) -> str:
    return "de" if german_probability(question) >= 0.5 else "en"


def referenced_docs(question: str, history: list[Turn]) -> list[str] | None:
    """'der zweite Artikel' / 'source 2' → the document cited as that one in the last answer."""
    if not history:
        return None
    m = _ARTICLE_REF.search(question)
    if not m:
        return None
    n = _ORDINALS.get((m.group(1) or "").lower()) or (int(m.group(4)) if m.group(4) else None)
    last = history[-1].result
    # Cited articles first (the ones the user saw as sources), then the other retrieved ones.
    docs = list(dict.fromkeys([c.doc_id for c in last.citations] + [p.doc_id for p in last.retrieved]))
    return [docs[n - 1]] if n and n <= len(docs) else None


def is_followup(question: str, history: list[Turn]) -> bool:
    return bool(history) and (len(question.split()) <= 6 or bool(_FOLLOWUP.search(question)))


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
            self._answerability = AnswerabilityCheck(self.index.model.embeddings, self.settings.answer_min_coverage,
                                                     self.settings.answer_word_similarity, self.settings.answer_min_coverage_en)
        return self._answerability

    def backend(self, name: str | None = None) -> Backend:
        name = name or default_backend_name(self.settings)
        if name not in self._backends:
            self._backends[name] = create_backend(name, self.settings)
        return self._backends[name]

    def ask(self, question: str, history: list[Turn] | None = None, backend: str | None = None, **kwargs) -> AnswerResult:
        result = None
        for event in self.stream(question, history, backend, **kwargs):
            if isinstance(event, AnswerResult):
                result = event
        return result

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        backend: str | None = None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | AnswerResult]:
        """Yields answer text pieces as they are generated, then the verified AnswerResult."""
        started = time.perf_counter()
        history = history or []
        question, notice = clean_question(question)
        lang = question_language(question)
        chosen = self.backend(backend)
        mode = mode or ("hybrid" if self.settings.hybrid else "dense")

        # condense
        standalone = question
        if is_followup(question, history):
            standalone = self._condense(chosen, question, history, lang)
        doc_filter = referenced_docs(question, history) or named_articles(standalone, self.retriever.articles()) or None

        # retrieve + gate
        passages = self.retriever.search(standalone, k=k or self.settings.k, mode=mode, doc_ids=doc_filter)
        timings = Timings()
        base = dict(question=question, language=lang, backend=chosen.name, model=chosen.model,
                    standalone_question=standalone, retrieved=passages, notice=notice)

        def finish(text: str, refused: bool, citations=(), sentences=(), **extra) -> Iterator[str | AnswerResult]:
            timings.ttft_s = timings.total_s = round(time.perf_counter() - started, 4)
            yield text
            yield AnswerResult(answer=text, refused=refused, citations=list(citations), sentences=list(sentences),
                               timings=timings, **{**base, **extra})

        # a question about an article itself: answered from its metadata
        asked_about = article_question(standalone, self.retriever.articles(), doc_filter, passages)
        if asked_about:
            info, attribute = asked_about
            header = header_passage(info)
            text, refused = metadata_answer(info, attribute, lang)
            base["retrieved"] = [header] + passages
            citation = Citation(1, info.doc_id, header.chunk_id, info.title, header.text, 0, 0, info.author)
            sentence = SentenceSupport(text, [1], True, 1.0, 0, len(text), f"article metadata: {attribute}")
            yield from finish(text, refused, [citation], [sentence], refusal_reason=f"the article states no {attribute}" if refused else None)
            return

        gate_passages = passages if mode != "bm25" else self.retriever.search(standalone, mode="dense", doc_ids=doc_filter)
        decision = self.retriever.gate(standalone, gate_passages)
        timings.retrieval_s = round(time.perf_counter() - started, 4)
        if not decision.relevant or not passages:
            yield from finish(REFUSAL[lang], True, refusal_reason=decision.reason or "no passage")
            return

        # answerability: does the evidence hold what is asked? (features; with an LLM also its reader step)
        asked = without_names(standalone, self.retriever.articles()) if doc_filter else standalone
        check = self.answerability.check(asked, [p.text for p in passages[:3]], self.retriever.domain_words())
        base["answerability"] = check
        refusal = None if check.answerable else check.reason
        evidence = None
        if chosen.chat_model is not None and self.settings.reader != "off":
            candidates = self.rank_sentences(standalone, passages, check)[0][:MAX_SENTENCES]
            candidates.sort(key=lambda c: (c[0], c[1]))  # in reading order
            picked = read(chosen, standalone, [passages[n - 1].text[a:b] for n, a, b in candidates])
            timings.retrieval_s = round(time.perf_counter() - started, 4)
            base["reader"] = picked
            if picked == []:
                refusal = refusal or "reader: no sentence states it"
            elif picked:  # None: the reader failed, the features decide
                evidence = [candidates[i - 1] for i in picked]
                if self.settings.reader == "reader":
                    refusal = None  # the reader decides
        if refusal:
            text, citations, sentences = self.partial_answer(check, passages, lang)
            yield from finish(text, True, citations, sentences, refusal_reason=refusal)
            return

        if chosen.chat_model is None:
            text, citations, sentences = self.extractive_answer(standalone, passages, lang, check)
            yield from finish(text, False, citations, sentences)
            return

        # generate (streaming)
        from .prompts import format_evidence, format_passages

        pieces: list[str] = []
        error = None
        try:
            # The reader's sentences, under their passages' numbers, make a short prompt (fast prefill).
            given = format_evidence(passages, evidence) if evidence else format_passages(passages)
            for piece in self._answer_chain(chosen, lang).stream({"question": standalone, "passages": given}):
                if timings.ttft_s is None:
                    timings.ttft_s = round(time.perf_counter() - started, 4)
                pieces.append(piece)
                yield piece
        except Exception as exc:  # server down, timeout, bad response: fall back, never crash
            error = f"{exc.__class__.__name__}: {str(exc)[:200]}"

        # verify
        result = self._verify("".join(pieces), error, passages, lang, chosen, timings, base)
        timings.total_s = round(time.perf_counter() - started, 4)
        if result.fallback:
            yield "\n\n" + result.answer
        yield result

    # -- steps --------------------------------------------------------------
    def _condense(self, backend: Backend, question: str, history: list[Turn], lang: str) -> str:
        previous = history[-1].result.standalone_question or history[-1].question
        if backend.chat_model is not None:
            from langchain_core.messages import AIMessage, HumanMessage
            from langchain_core.output_parsers import StrOutputParser

            from .prompts import condense_prompt

            messages = []
            for turn in history[-3:]:
                messages += [HumanMessage(turn.question), AIMessage(turn.result.answer[:1000])]
            try:
                chain = condense_prompt(lang) | backend.chat_model | StrOutputParser()
                rewritten = chain.invoke({"history": messages, "question": question}).strip()
                # Accept only a plausible rewrite: short, and about what was asked.
                if 0 < len(rewritten) <= 400 and content_words(rewritten) & content_words(f"{previous} {question}"):
                    return rewritten
            except Exception:
                pass  # condensing is a help, not a must: fall through to history-aware retrieval
        # History-aware retrieval: the previous question gives the follow-up its topic.
        return f"{previous} {question}"

    def _answer_chain(self, backend: Backend, lang: str):
        from langchain_core.output_parsers import StrOutputParser

        from .prompts import answer_prompt

        return answer_prompt(lang) | backend.chat_model | StrOutputParser()

    def _verify(self, raw: str, error, passages, lang, backend, timings, base) -> AnswerResult:
        text, check = check_citations(raw.strip(), len(passages))
        # Small models append the refusal sentence to a real answer: keep the answer.
        for phrase in REFUSAL.values():
            pattern = re.compile(re.escape(phrase.rstrip(".")) + r"\s*(\[\d+\])*\s*\.?")
            if pattern.search(text) and pattern.sub("", text).strip():
                text = pattern.sub("", text).strip()
        if error is None and _is_refusal(text, lang):
            return AnswerResult(answer=text, refused=True, citations=[], sentences=[], timings=timings,
                                invalid_citations=check.invalid, **base)
        sentences = score_sentences(text, [p.text for p in passages], self.index.model.embeddings,
                                    self.settings.support_threshold, self.settings.support_threshold_en) if error is None else []
        supported = [s for s in sentences if s.supported]
        if error is not None or not supported:
            reason = FALLBACK_REASONS["error" if error else "unsupported"][lang].format(backend=backend.name, error=error)
            answer, citations, extractive_sentences = self.extractive_answer(base["standalone_question"], passages, lang)
            notice = FALLBACK_NOTICE[lang].format(reason=reason)
            return AnswerResult(answer=f"{notice}\n\n{answer}", refused=False, citations=citations,
                                sentences=extractive_sentences, timings=timings, fallback=reason,
                                invalid_citations=check.invalid, **base)
        if self.settings.drop_unsupported:
            text = " ".join(s.text for s in supported)
            sentences = supported
        citations = citations_for(sentences, passages)
        return AnswerResult(answer=text, refused=False, citations=citations, sentences=sentences, timings=timings,
                            invalid_citations=check.invalid, **base)

    def extractive_answer(self, question: str, passages: list[Passage], lang: str, check: Answerability | None = None):
        """The sentences of the passages that answer the question, each with its [n]: closest to the
        question, holding its terms and the kind of answer it asks for; a list is kept whole."""
        candidates, scores = self.rank_sentences(question, passages[:3], check)
        best = [c for c, score in zip(candidates, scores) if score >= scores[0] - 0.03][: self.settings.extractive_sentences]
        if check and check.answer_type == "list":
            best = _whole_lists(best, candidates, passages)
        chosen = sorted(set(best), key=lambda c: (c[0], c[1]))
        return self._quote(chosen, passages, lang, EXTRACTIVE_INTRO[lang])

    def rank_sentences(self, question: str, passages: list[Passage], check: Answerability | None = None):
        """The quotable sentences of the passages, best first, with their scores: closest to the
        question, holding its terms and the kind of answer it asks for, not only its topic."""
        candidates = answer_candidates(passages)
        embeddings = self.index.model.embeddings
        vectors = np.asarray(embeddings.embed_documents([passages[n - 1].text[s:e] for n, s, e in candidates]))
        query = np.asarray(embeddings.embed_query(question))
        asked = content_words(question)
        terms = set(check.terms) if check else asked
        evidence = TYPE_EVIDENCE.get(check.answer_type) if check else None
        scores = []
        for (n, s, e), vector in zip(candidates, vectors):
            sentence = passages[n - 1].text[s:e]
            words = content_words(sentence)
            overlap = len(terms & words) / len(terms) if terms else 0.0
            score = float(vector @ query) + 0.1 * overlap - 0.005 * n
            score += 0.03 if evidence is not None and evidence.search(sentence) else 0.0
            if len(words - asked) < 2:
                score -= 0.2  # only repeats the question's topic (a heading, a teaser)
            scores.append(score)
        order = np.argsort(scores)[::-1]
        return [candidates[i] for i in order], [scores[i] for i in order]

    def partial_answer(self, check: Answerability, passages: list[Passage], lang: str):
        """What the articles do state about the question's own words, and that they do not give what
        is asked; a plain refusal when no sentence shares a word with the question."""
        stems = set(check.terms)
        scored = []
        for n, s, e in answer_candidates(passages[:3]):
            shared = len(content_words(passages[n - 1].text[s:e]) & stems)
            if shared:
                scored.append((-shared, n, s, e))
        if not scored:
            return REFUSAL[lang], [], []
        chosen = sorted((n, s, e) for _, n, s, e in sorted(scored)[:2])
        missing = ", ".join(check.missing) or MISSING_KIND[lang].get(check.answer_type, MISSING_KIND[lang]["other"])
        intro, closing = PARTIAL[lang]
        return self._quote(chosen, passages, lang, intro, closing.format(missing=missing))

    def _quote(self, chosen, passages, lang, intro: str, closing: str = ""):
        quote_open, quote_close = ("„", "“")
        parts, sentences, citations = [], [], []
        for n, s, e in chosen:
            quote = passages[n - 1].text[s:e]
            part = f"{quote_open}{quote}{quote_close} [{n}]" if lang == "en" else f"{quote} [{n}]"
            parts.append(part)
            sentences.append(SentenceSupport(part, [n], True, 1.0, reason="quoted from the passage"))
            if n not in {c.n for c in citations}:
                citations.append(make_citation(n, passages[n - 1], s, e))
        body = "\n".join(f"- {p}" for p in parts)
        text = f"{intro}\n\n{body}" + (f"\n\n{closing}" if closing else "")
        return text, citations, sentences


def answer_candidates(passages: list[Passage]) -> list[tuple[int, int, int]]:
    """(passage number, start, end) of the sentences and list items worth quoting."""
    candidates, seen = [], set()  # overlapping chunks repeat sentences
    for n, passage in enumerate(passages, start=1):
        for s, e in sentence_spans(passage.text):
            sentence = passage.text[s:e]
            if sentence in seen:
                continue
            complete = len(sentence) >= 30 and sentence[-1] in '.!?"“”)'
            if complete or _LIST_ITEM.match(sentence):
                seen.add(sentence)
                candidates.append((n, s, e))
    return candidates or [(1, 0, len(passages[0].text))]


_LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*])\s+\S")


def _whole_lists(best, candidates, passages):
    """A chosen list item (or the sentence introducing a list) brings the whole list along."""
    out = list(best)
    for n, s, e in best:
        text = passages[n - 1].text
        if not (_LIST_ITEM.match(text[s:e]) or text[s:e].rstrip().endswith(":")):
            continue
        out += [(m, a, b) for m, a, b in candidates if m == n and _LIST_ITEM.match(text[a:b])]
    return out


def header_passage(info: ArticleInfo) -> Passage:
    """The article's header (title, kind, source, author, date) as a citable passage."""
    return Passage(f"{info.doc_id}#header", info.doc_id, info.title, info.header(), 0, 0, 1.0, rank=1,
                   author=info.author, source=info.source)


def make_citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    """A citation whose offsets point into the cleaned article text."""
    return Citation(n, passage.doc_id, passage.chunk_id, passage.title, passage.text[start:end],
                    passage.start + start, passage.start + end, passage.author)


def citations_for(sentences: list[SentenceSupport], passages: list[Passage]) -> list[Citation]:
    """One citation per cited passage, quoting its sentence that best supports the answer."""
    citations: dict[int, Citation] = {}
    for sentence in sentences:
        for n in sentence.citations:
            if n in citations:
                continue
            span = sentence.evidence.get(n) if sentence.evidence else None
            start, end = span if span else (0, len(passages[n - 1].text))
            citations[n] = make_citation(n, passages[n - 1], start, end)
    return [citations[n] for n in sorted(citations)]


def _is_refusal(text: str, lang: str) -> bool:
    plain = re.sub(r"\[\d+\]", "", text).strip().lower()
    return any(plain.startswith(REFUSAL[x].lower()[:30]) for x in ("de", "en")) and len(plain) < 160


def clean_question(question: str) -> tuple[str, str | None]:
    """Printable, single-spaced, bounded. Raises AssistantError when empty."""
    from .errors import AssistantError

    question = " ".join("".join(c if c.isprintable() else " " for c in question or "").split())
    if not question:
        raise AssistantError("Die Frage ist leer. / The question is empty.")
    if len(question) > MAX_QUESTION_CHARS:
        notice = (f"Die Frage war {len(question):,} Zeichen lang; nur die ersten {MAX_QUESTION_CHARS:,} werden verwendet. / "
                  f"The question was {len(question):,} characters long; only the first {MAX_QUESTION_CHARS:,} are used.")
        return question[:MAX_QUESTION_CHARS], notice
    return question, None
