"""What an answer is: the result object every caller gets, its citations and timings,
and the helper that assembles it while the pipeline runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from .answerability import Answerability
from .articles import ArticleInfo
from .grounding import SentenceSupport
from .retrieval import Passage


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
    page: str | None = None  # in a PDF: "3", or "3-4" when the quote runs over a page break

    def page_label(self, language: str) -> str:
        """ "S. 3" / "p. 3" ("pp. 3–4"), or "" outside PDFs."""
        if not self.page:
            return ""
        page = self.page.replace("-", "–")
        return f"S. {page}" if language == "de" else f"{'pp' if '–' in page else 'p'}. {page}"


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
    raw_answer: str | None = None  # the model's own text before verification (None: no model wrote it), for audits

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Turn:
    question: str
    result: AnswerResult


@dataclass
class Answer:
    """An answer text with its citations and per-sentence support: what a stage hands on."""

    text: str
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    sentences: list[SentenceSupport] = field(default_factory=list)
    fallback: str | None = None
    invalid_citations: list[int] = field(default_factory=list)
    refusal_reason: str | None = None
    raw_answer: str | None = None


class Draft:
    """The fields of the result known so far (question, passages, backend) and the clock."""

    def __init__(self, **fields):
        self.started = time.perf_counter()
        self.timings = Timings()
        self.fields = fields

    def elapsed(self) -> float:
        return round(time.perf_counter() - self.started, 4)

    def token(self) -> None:
        """The first generated piece: time to first token."""
        if self.timings.ttft_s is None:
            self.timings.ttft_s = self.elapsed()

    def result(self, answer: Answer) -> AnswerResult:
        self.timings.total_s = self.elapsed()
        return AnswerResult(answer=answer.text, refused=answer.refused, citations=answer.citations,
                            sentences=answer.sentences, fallback=answer.fallback, invalid_citations=answer.invalid_citations,
                            refusal_reason=answer.refusal_reason, raw_answer=answer.raw_answer, timings=self.timings,
                            **self.fields)

    def finish(self, answer: Answer) -> Iterator[str | AnswerResult]:
        """An answer decided before generation (metadata, refusal): its text, then the result."""
        self.token()
        yield answer.text
        yield self.result(answer)


def header_passage(info: ArticleInfo) -> Passage:
    """The article's header (title, kind, source, author, date) as a citable passage."""
    return Passage(f"{info.doc_id}#header", info.doc_id, info.title, info.header(), 0, 0, 1.0, rank=1,
                   author=info.author, source=info.source)


def make_citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    """A citation whose offsets point into the cleaned article text."""
    return Citation(n, passage.doc_id, passage.chunk_id, passage.title, passage.text[start:end],
                    passage.start + start, passage.start + end, passage.author,
                    quote_pages(passage.pages, passage.start + start, passage.start + end))


def quote_pages(pages: str | None, start: int, end: int) -> str | None:
    """The page (or page range) of article text start:end, from a chunk's "3@0,4@5812"."""
    if not pages:
        return None
    starts = [(int(n), int(at)) for n, at in (entry.split("@") for entry in pages.split(","))]
    first = max((n for n, at in starts if at <= start), default=starts[0][0])
    last = max((n for n, at in starts if at < end), default=first)
    return str(first) if last == first else f"{first}-{last}"


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
