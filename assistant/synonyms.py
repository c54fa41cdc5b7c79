"""German words said with other German words, from OpenThesaurus (Debian package mythes-de, read
where LibreOffice keeps it; ASSISTANT_THESAURUS_DIR for another place).

A German question that paraphrases asks for "Geldhäuser" where the article says "Banken", and e5
word similarity does not tell a synonym from a neighbour ("Geldhäuser" / "Banken" is as close as
"Versicherungen" / "Thema"). The thesaurus does: only its synonyms are used, not the broader or
narrower terms it lists. Without the package installed, synonym_stems() is empty and matching works
as before.

Read by hand: a MyThes thesaurus is two plain files (an index of "word|offset" lines; at each
offset "word|count" and count lines "-|synonym|synonym …"); the Python packages that read it wrap
the C++ library and are not maintained.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path

NAME = "th_de_DE_v2"
_lock = threading.Lock()
_index: dict[str, list[int]] | None = None
_NOT_A_SYNONYM = re.compile(r"\((Oberbegriff|Unterbegriff|Antonym|Gegenteil)\)")
_NOTE = re.compile(r"\([^)]*\)")
_GERMAN_WORD = re.compile(r"^[A-Za-zÄÖÜäöüß-]{3,}$")


def thesaurus_dir() -> Path:
    return Path(os.environ.get("ASSISTANT_THESAURUS_DIR", "/usr/share/mythes"))


def available() -> bool:
    return (thesaurus_dir() / f"{NAME}.idx").is_file() and (thesaurus_dir() / f"{NAME}.dat").is_file()


def _stem(words: list[str]) -> list[str]:
    from .bm25 import _stemmer

    return _stemmer().stemWords([w.lower() for w in words])


def _load() -> dict[str, list[int]]:
    """Stem of each headword -> the offsets of its entries; once per process (~0.5 s)."""
    global _index
    with _lock:
        if _index is None:
            words, offsets = [], []
            with open(thesaurus_dir() / f"{NAME}.idx", encoding="utf-8") as lines:
                next(lines), next(lines)  # the encoding and the number of entries
                for line in lines:
                    word, _, offset = line.rstrip("\n").rpartition("|")
                    if " " not in word and offset.isdigit():
                        words.append(word)
                        offsets.append(int(offset))
            _index = {}
            for stem, offset in zip(_stem(words), offsets):
                _index.setdefault(stem, []).append(offset)
    return _index


def is_word(word: str) -> bool:
    """Does the thesaurus hold a word with this word's stem ("Ausnahme", "Erhebungen")? False without it."""
    return available() and bool(_load().get(_stem([word])[0]))


@lru_cache(maxsize=20000)
def synonym_stems(stem: str, nouns: bool = False) -> frozenset[str]:
    """The stems of the single-word synonyms of every word with this (Snowball) stem, only the nouns
    (capitalised) for a noun: "geldhaus" -> bank, bankhaus, sparkass, …; empty without the thesaurus."""
    if not available():
        return frozenset()
    words: set[str] = set()
    with open(thesaurus_dir() / f"{NAME}.dat", encoding="utf-8") as data:
        for offset in _load().get(stem, []):
            data.seek(offset)
            _, _, count = data.readline().rstrip("\n").rpartition("|")
            for _ in range(int(count) if count.isdigit() else 0):
                for synonym in data.readline().rstrip("\n").split("|")[1:]:
                    if not _NOT_A_SYNONYM.search(synonym):
                        word = _NOTE.sub("", synonym).strip()
                        if _GERMAN_WORD.match(word) and (word[:1].isupper() or not nouns):
                            words.add(word)
    # a stem of three letters ("alt", "fit") is in too many words to say anything
    return frozenset(s for s in _stem(sorted(words)) if len(s) >= 4) - {stem}
