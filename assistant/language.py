"""Offline language detection with lingua: German vs English, and whether a question is in another language."""

from __future__ import annotations

import re
from functools import lru_cache

# A capitalised word inside a sentence: a German noun or a name ("Hansjörg Leichsenring's",
# "CIO.de"). Names carry no language but sway lingua on short questions: "When was Hansjörg
# Leichsenring's CIO.de article published?" was German at 0.90. German keeps its function words.
_INNER_CAPITALISED = re.compile(r"(?<![.?!:]\s)(?<![¿¡])(?<!^)\b[A-ZÄÖÜ][\w.&:+'’-]*")
_WORD = re.compile(r"[^\W\d_]{2,}")
# A quoted title or phrase is in the article's language, not the asker's: "What kind of text is 'Wie man
# auf KEINEN Fall in Social Media erfolgreich wird!'?" was answered in German. A quote mark after a
# letter is an apostrophe ("don't", "companies' views").
_QUOTED = re.compile(r"(?<!\w)[\"„“‚‘»«'][^\"„“‚‘»«']{8,200}[\"“”‘’«»'](?!\w)")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()


def german_probability(text: str) -> float:
    """Probability in [0, 1] that the text is German (0.5 when there is no signal)."""
    from lingua import Language

    if not any(c.isalpha() for c in text):
        return 0.5
    unquoted = _QUOTED.sub(" ", text)
    if len(_WORD.findall(unquoted)) >= 2:
        text = unquoted
    rest = _INNER_CAPITALISED.sub(" ", text)
    if len(_WORD.findall(rest)) >= 2:  # else too little is left to judge: the whole text
        text = rest
    probability = _detector().compute_language_confidence(text, Language.GERMAN)
    if 0.2 < probability < 0.8:
        # a close call (a German word typed lower case, "the infobrief PDF", sways lingua): the function words
        # of only one of the two languages decide ("What's the file name of the infobrief PDF you can download?")
        german, english = _function_words(text)
        if english >= 2 and not german:
            return min(probability, 0.2)
        if german >= 2 and not english:
            return max(probability, 0.8)
    return probability


def _function_words(text: str) -> tuple[int, int]:
    """How many words of the text are German-only and English-only function words (bm25s's lists)."""
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

    words = [w.lower() for w in _WORD.findall(text)]
    german_only, english_only = set(STOPWORDS_GERMAN) - set(STOPWORDS_EN), set(STOPWORDS_EN) - set(STOPWORDS_GERMAN)
    return sum(w in german_only for w in words), sum(w in english_only for w in words)


def detect_language(text: str) -> str:
    """"de" or "en"; German wins ties, since the corpus is German."""
    return "de" if german_probability(text) >= 0.5 else "en"


# Languages a user of a German/English assistant is likely to type instead (lingua's names).
OTHER_LANGUAGES = ("FRENCH", "SPANISH", "ITALIAN", "DUTCH", "PORTUGUESE", "POLISH", "TURKISH", "RUSSIAN", "SWEDISH",
                   "DANISH", "CZECH", "CHINESE", "JAPANESE", "ARABIC")


@lru_cache(maxsize=1)
def _wide_detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.GERMAN, Language.ENGLISH] + [getattr(Language, name) for name in OTHER_LANGUAGES]
    # Low accuracy mode (trigrams only): its first detection loads in 0.1 s instead of 2.3 s, which
    # every `assistant ask` paid; the same verdict on every dev and test question and on the
    # foreign questions of tests/test_chain.py.
    return (LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.25)
            .with_low_accuracy_mode().build())


def foreign_language(text: str) -> str | None:
    """The language's English name when the text is confidently neither German nor English (needs three
    words or a non-Latin script: short questions are too easily mistaken), else None. Names are no
    words of a language: "Wer ist Elke Frank?" looked Czech."""
    rest = _INNER_CAPITALISED.sub(" ", text)
    enough = len(_WORD.findall(rest)) >= 3
    if not enough and all(c.isascii() or not c.isalpha() or c in "äöüßÄÖÜ" for c in text):
        return None
    language = _wide_detector().detect_language_of(rest if enough else text)
    if language is None or language.name in ("GERMAN", "ENGLISH"):
        return None
    return language.name.capitalize()
