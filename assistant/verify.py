"""Verification of a generated answer: valid citations, each sentence supported by a passage it
cites, and the decision to fall back to the extractive answer when nothing supported remains."""

from __future__ import annotations

import re

from .claim_check import ClaimChecks
from .config import Settings
from .grounding import check_citations, reattribute, score_sentences
from .llm.extractive import extractive_answer
from .prompts import EXAMPLE_WORDS, FALLBACK_NOTICE, FALLBACK_REASONS, REFUSAL
from .results import Answer, citations_for
from .retrieval import Passage


def verify(raw: str, error: str | None, question: str, passages: list[Passage], lang: str, backend_name: str,
           settings: Settings, embeddings) -> Answer:
    """The generated text `raw` (or the `error` that stopped it) as a checked Answer."""
    text, check = check_citations(raw.strip(), len(passages))
    text = _without_appended_refusal(text)
    if error is None and is_refusal(text):
        return Answer(text, refused=True, invalid_citations=check.invalid)
    checks = ClaimChecks.from_settings(settings.grounding)
    sentences = score_sentences(text, [p.text for p in passages], embeddings, settings.grounding.support_threshold,
                                settings.grounding.support_threshold_en, checks) if error is None else []
    for sentence in sentences:
        if any(word in sentence.text.lower() for word in EXAMPLE_WORDS):
            sentence.supported, sentence.reason = False, "copied from the prompt's worked example"
    g = settings.grounding
    moved = reattribute(sentences, [p.text for p in passages], embeddings, g.support_threshold, g.support_threshold_en, checks)
    supported = [s for s in sentences if s.supported]
    if error is not None or not supported:
        reason = FALLBACK_REASONS["error" if error else "unsupported"][lang].format(backend=backend_name, error=error)
        fallback = extractive_answer(question, passages, lang, embeddings, n_sentences=settings.grounding.extractive_sentences)
        fallback.text = f"{FALLBACK_NOTICE[lang].format(reason=reason)}\n\n{fallback.text}"
        fallback.fallback, fallback.invalid_citations = reason, check.invalid
        return fallback
    if settings.grounding.drop_unsupported:
        sentences = supported
    if moved or settings.grounding.drop_unsupported:  # the text is rebuilt from the kept sentences
        position = 0
        for sentence in sentences:
            sentence.start, sentence.end = position, position + len(sentence.text)
            position = sentence.end + 1
        text = " ".join(s.text for s in sentences)
    return Answer(text, citations=citations_for(sentences, passages), sentences=sentences, invalid_citations=check.invalid)


def _without_appended_refusal(text: str) -> str:
    """Small models append the refusal sentence to a real answer: keep the answer."""
    for phrase in REFUSAL.values():
        pattern = re.compile(re.escape(phrase.rstrip(".")) + r"\s*(\[\d+\])*\s*\.?")
        if pattern.search(text) and pattern.sub("", text).strip():
            text = pattern.sub("", text).strip()
    return text


def is_refusal(text: str) -> bool:
    plain = re.sub(r"\[\d+\]", "", text).strip().lower()
    return any(plain.startswith(REFUSAL[x].lower()[:30]) for x in ("de", "en")) and len(plain) < 160
