"""German-aware BM25 over the chunks of the collection (bm25s + Snowball stemming).

The index is saved under the data directory together with the collection
revision it was built from, and rebuilt only when that revision changes.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import faults

STOPWORDS = "de"  # bm25s's German stopword list; English questions hit few German words anyway


# Both spellings of the 1996 reform are in use: an article of 2013 writes "Potential", "Selbständige", a user
# "Potenzial", "selbstständig" (d28de06 was matched to neither). One form before stemming, in the index and the
# question alike. TOKENIZER names this rule: a saved BM25 index of another one is built again.
_SPELLINGS = [(re.compile(r"selbstst"), "selbst"), (re.compile(r"enti(?=al|ell)"), "enzi"), (re.compile(r"graph"), "graf"),
              (re.compile(r"^photo"), "foto")]
TOKENIZER = "german-snowball+spellings-1"


class _Stemmer:
    """Snowball's German stemmer after the spelling variants are made one."""

    def __init__(self):
        import Stemmer

        self._snowball = Stemmer.Stemmer("german")

    def stemWord(self, word: str) -> str:
        return self._snowball.stemWord(_one_spelling(word))

    def stemWords(self, words: list[str]) -> list[str]:
        return self._snowball.stemWords([_one_spelling(w) for w in words])


def _one_spelling(word: str) -> str:
    for pattern, spelling in _SPELLINGS:
        word = pattern.sub(spelling, word)
    return word


@lru_cache(maxsize=1)
def _stemmer() -> _Stemmer:
    return _Stemmer()


def tokenize(texts: list[str]):
    import bm25s

    return bm25s.tokenize(texts, lower=True, stopwords=STOPWORDS, stemmer=_stemmer(), show_progress=False)


@dataclass
class BM25Hit:
    chunk_id: str
    score: float


class BM25Index:
    def __init__(self, retriever, chunk_ids: list[str], revision: str):
        self._retriever = retriever
        self.chunk_ids = chunk_ids
        self.revision = revision
        self._sorted_vocab: list[str] | None = None  # for knows()

    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str], revision: str) -> "BM25Index":
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, chunk_ids, revision)

    def save(self, folder: Path) -> None:
        """Write to a temporary folder, then swap it in, so readers never see half an index.
        The temporary name is unique: two processes may save at the same time."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        tmp.mkdir()
        try:
            if self.chunk_ids:
                self._retriever.save(str(tmp))
            (tmp / "chunk_ids.json").write_text(json.dumps({"revision": self.revision, "tokenizer": TOKENIZER, "ids": self.chunk_ids}))
            faults.wrote("bm25 files")
            old = folder.with_name(f"{folder.name}.old-{uuid.uuid4().hex[:8]}")
            if folder.exists():
                folder.rename(old)
                faults.wrote("bm25 old moved aside")
            tmp.rename(folder)
            faults.wrote("bm25 swapped in")
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _remove_leftovers(folder)

    @classmethod
    def load(cls, folder: Path, revision: str) -> "BM25Index | None":
        """The saved index if it was built from `revision`, else None."""
        import bm25s

        try:
            saved = json.loads((folder / "chunk_ids.json").read_text())
            if saved["revision"] != revision or saved.get("tokenizer") != TOKENIZER:
                return None
            retriever = bm25s.BM25.load(str(folder)) if saved["ids"] else bm25s.BM25()
            if json.loads((folder / "chunk_ids.json").read_text())["revision"] != revision:
                return None  # another process swapped in a newer index while this one read
        except (OSError, ValueError, KeyError):
            return None
        return cls(retriever, saved["ids"], revision)

    def knows(self, word: str) -> bool:
        """Does any indexed chunk hold this word: its stem, or a longer word starting with it
        ("Obama" in "Obamas", which the German stemmer leaves whole)?"""
        if not self.chunk_ids:
            return False
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._retriever.vocab_dict)
        for token in tokenize([word]).vocab:
            i = bisect.bisect_left(self._sorted_vocab, token)
            if i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(token):
                return True
        return False

    def search(self, query: str, k: int) -> list[BM25Hit]:
        if not self.chunk_ids:
            return []
        tokens = tokenize([query])
        if not tokens.vocab:  # only stopwords or punctuation
            return []
        k = min(k, len(self.chunk_ids))
        docs, scores = self._retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [BM25Hit(self.chunk_ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


def _remove_leftovers(folder: Path) -> None:
    """Temporary folders of savers that died (SIGKILL) before they could clean up."""
    for leftover in folder.parent.glob(f"{folder.name}.*-*"):
        kind, _, rest = leftover.name[len(folder.name) + 1 :].partition("-")
        pid = rest.split("-")[0]
        if kind == "old" or (kind == "tmp" and pid.isdigit() and not _alive(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

