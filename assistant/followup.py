"""Follow-up questions: detecting them, resolving "the second article", condensing to a standalone question."""

from __future__ import annotations

import re

from .grounding import content_words
from .llm.base import Backend
from .results import Turn

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


def is_followup(question: str, history: list[Turn]) -> bool:
    return bool(history) and (len(question.split()) <= 6 or bool(_FOLLOWUP.search(question)))


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


def condense(backend: Backend, question: str, history: list[Turn], lang: str) -> str:
    """The question itself, unless it follows up on the last one: then the backend's rewrite when
    it is plausible (short, about what was asked), else the previous question plus this one."""
    if not is_followup(question, history):
        return question
    previous = history[-1].result.standalone_question or history[-1].question
    rewritten = backend.condense(question, history, lang)
    if rewritten and len(rewritten) <= 400 and content_words(rewritten) & content_words(f"{previous} {question}"):
        return rewritten
    # History-aware retrieval: the previous question gives the follow-up its topic.
    return f"{previous} {question}"
