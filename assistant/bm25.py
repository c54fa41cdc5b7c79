"""German-aware BM25 over the chunks of the collection (bm25s + Snowball stemming).

The index is saved under the data directory together with the collection
revision it was built from, and rebuilt only when that revision changes.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STOPWORDS = "de"  # bm25s's German stopword list; English questions hit few German words anyway


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("german")


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

    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str], revision: str) -> "BM25Index":
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, chunk_ids, revision)

    def save(self, folder: Path) -> None:
        """Write to a temporary folder, then swap it in, so readers never see half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        if self.chunk_ids:
            self._retriever.save(str(tmp))
        (tmp / "chunk_ids.json").write_text(json.dumps({"revision": self.revision, "ids": self.chunk_ids}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, revision: str) -> "BM25Index | None":
        """The saved index if it was built from `revision`, else None."""
        import bm25s

        try:
            saved = json.loads((folder / "chunk_ids.json").read_text())
            if saved["revision"] != revision:
                return None
            retriever = bm25s.BM25.load(str(folder)) if saved["ids"] else bm25s.BM25()
        except (OSError, ValueError, KeyError):
            return None
        return cls(retriever, saved["ids"], revision)

    def search(self, query: str, k: int) -> list[BM25Hit]:
        if not self.chunk_ids:
            return []
        tokens = tokenize([query])
        if not tokens.vocab:  # only stopwords or punctuation
            return []
        k = min(k, len(self.chunk_ids))
        docs, scores = self._retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [BM25Hit(self.chunk_ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
