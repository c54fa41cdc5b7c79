"""English words in German, from the FreeDict English-German dictionary (Debian package
dict-freedict-eng-deu, read where dictd keeps it; ASSISTANT_DICTIONARY_DIR for another place).

An English question meets German articles: its words are found in a sentence by e5 word similarity
(assistant/answerability.py), which misses translations that are not near in the model
("television" / "Fernsehwerbung" in the answer's ranking, "tinkerers" / "Tüftler"). A dictionary
says them. Without the package installed, translations() is empty and matching works as before.

Read by hand: the dictd format is two plain files (a tab-separated index of headword, base64 offset
and length; the entries, gzip-compressed), and no maintained Python package reads it without a
dictd server.
"""

from __future__ import annotations

import gzip
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

NAME = "freedict-eng-deu"
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_lock = threading.Lock()
_loaded: tuple[dict[str, list[tuple[int, int]]], bytes] | None = None

# What a translation line carries besides the words: grammar <masc>, notes [ugs.], objects "etw."
_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_OBJECT = re.compile(r"\b(etw|jdn|jdm|jds|jd)\.(/\w+\.)*\s*|\bsich\s+")
_GERMAN_WORD = re.compile(r"^[A-Za-zÄÖÜäöüß-]{4,}$")


def dictionary_dir() -> Path:
    return Path(os.environ.get("ASSISTANT_DICTIONARY_DIR", "/usr/share/dictd"))


def available() -> bool:
    return (dictionary_dir() / f"{NAME}.index").is_file() and (dictionary_dir() / f"{NAME}.dict.dz").is_file()


def _decode(number: str) -> int:
    value = 0
    for c in number:
        value = value * 64 + _B64[c]
    return value


def _load():
    """The index (single-word headwords only) and the entries; once per process (~1.5 s, 80 MB)."""
    global _loaded
    with _lock:
        if _loaded is None:
            index: dict[str, list[tuple[int, int]]] = {}
            with open(dictionary_dir() / f"{NAME}.index", encoding="utf-8") as lines:
                for line in lines:
                    word, offset, length = line.rstrip("\n").split("\t")
                    if word.isalpha():
                        index.setdefault(word.lower(), []).append((_decode(offset), _decode(length)))
            _loaded = index, gzip.open(dictionary_dir() / f"{NAME}.dict.dz").read()
    return _loaded


def _headwords(word: str) -> list[str]:
    """The word and its likely base forms: plural, comparative, past, -ing."""
    w = word.lower()
    forms = [w]
    for suffix, base in (("ies", "y"), ("es", ""), ("s", ""), ("ier", "y"), ("er", ""), ("est", ""),
                         ("ied", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if w.endswith(suffix) and len(w) - len(suffix) + len(base) >= 3:
            forms.append(w[: len(w) - len(suffix)] + base)
    # a doubled consonant before the ending: "bigger" -> "big", "planned" -> "plan"
    forms += [f[:-1] for f in forms[1:] if len(f) >= 4 and f[-1] == f[-2] and f[-1] not in "aeiouls"]
    return forms


def is_word(word: str) -> bool:
    """Is this word, or a base form of it, an English headword of the dictionary ("since", "universities")?
    False without the dictionary."""
    return available() and any(form in _load()[0] for form in _headwords(word))


@lru_cache(maxsize=20000)
def translations(word: str) -> frozenset[str]:
    """The German single words the dictionary gives for an English word and its base forms ("benefits":
    Leistungen; "benefit": Nutzen, Vorteil), e.g. "television" -> Fernsehen, Fernseher, Fernsehgerät, …;
    empty without the dictionary."""
    if not available():
        return frozenset()
    index, entries = _load()
    found: set[str] = set()
    for form in _headwords(word):
        for offset, length in index.get(form, []):
            found |= _entry_words(entries[offset:offset + length].decode("utf-8", "replace"))
    return frozenset(found)


def _entry_words(entry: str) -> set[str]:
    """The translations of one entry: its definition lines (not the headword, examples, notes,
    synonyms or cross-references), split at commas, each kept when it is one German word."""
    words = set()
    for line in entry.split("\n")[1:]:
        text = line.strip()
        if not text or text.startswith(('"', "Note:", "Synonym", "see:", "Antonym")):
            continue
        for part in _MARKUP.sub(" ", text).split(","):
            part = _OBJECT.sub("", part).strip(" .;:…")
            if _GERMAN_WORD.match(part):
                words.add(part)
    return words
