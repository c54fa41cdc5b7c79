"""Offline language detection (German vs English) with lingua."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()


def german_probability(text: str) -> float:
    """Probability in [0, 1] that the text is German (0.5 when there is no signal)."""
    from lingua import Language

    if not any(c.isalpha() for c in text):
        return 0.5
    return _detector().compute_language_confidence(text, Language.GERMAN)


def detect_language(text: str) -> str:
    """"de" or "en"; German wins ties, since the corpus is German."""
    return "de" if german_probability(text) >= 0.5 else "en"
