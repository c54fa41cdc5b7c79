"""Names and nouns a question misspells, read as the articles write them ("Leichsenrng" ->
"Leichsenring", "Bitcom" -> "Bitkom").

A word no article holds is missed by the keyword search, and in an English question a name no
article holds makes the gate refuse ("Leichsenrng occurs in no article", d31en14), though the user
plainly meant a name the articles use. A capitalised word of the question that no article holds is
replaced by the one word the articles write capitalised within one edit of it (two for words of eight
letters or more; Damerau-Levenshtein, by rapidfuzz), when exactly one is that close, and when it is no
word of either language either (a stopword, a word of OpenThesaurus or of the FreeDict English headwords:
"Ausnahme" is no misspelt "Zunahme", "Since" no misspelt "Sinne"). A name the
articles do not hold stays as it is when no such word is near ("Wegener" is three edits from "Wege"),
so a question about someone else is still refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from . import bilingual, synonyms
from .bm25 import tokenize

# A capitalised word of five letters or more, not part of a compound written with a hyphen
CAPITALISED_WORD = re.compile(r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]{4,}(?![\w-])")
LONG_WORD = 8  # letters from which two edits are allowed


def respelled(question: str, written: dict[str, str], known: Callable[[str], bool]) -> str:
    """The question with each capitalised word that `known` says no article holds replaced by the articles'
    spelling of the one word close to it (`written`: lower-case word -> how the articles write it,
    Retriever.capitalised_forms)."""
    choices = list(written)

    def spelled(m: re.Match) -> str:
        word = m.group(0)
        if known(word) or _a_word(word):
            return word
        limit = 1 if len(word) < LONG_WORD else 2
        near = process.extract(word.lower(), choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=2)
        if not near or (len(near) > 1 and near[1][1] == near[0][1]):
            return word  # none close, or two as close: no guess
        return written[near[0][0]]

    return CAPITALISED_WORD.sub(spelled, question)


def _a_word(word: str) -> bool:
    """A stopword, a German word of the thesaurus or an English word of the dictionary."""
    return not tokenize([word]).vocab or synonyms.is_word(word) or bilingual.is_word(word)
