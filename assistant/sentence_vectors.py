"""Vectors embedded once and kept on disk: the sentences of chunks, for the sentence reranker, and
the answerability check's single words.

A paraphrased question matches the one sentence that states its fact better than the whole
600-character chunk around it (measured in eval/results/retrieval.md). The reranker needs every
candidate chunk's sentences embedded; they are embedded the first time a chunk is a candidate and
stored in SQLite (`<data dir>/sentence-vectors.sqlite3`, keyed by the embedding model and the
sentence text), so later questions and processes reuse them. Chroma holds one vector per chunk
and cannot hold these without a second collection filled at ingest (five times the ingest work
at a million chunks, for sentences that are mostly never candidates).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import numpy as np

from .chunking import sentence_spans

MIN_SENTENCE_CHARS = 20  # shorter pieces (a heading word, "1.") match anything


def sentences_of(text: str) -> list[str]:
    return list(_sentences_of(text))


@lru_cache(maxsize=4096)
def _sentences_of(text: str) -> tuple[str, ...]:
    """Cached: the same chunks come back question after question, and splitting them (pysbd) cost more than
    looking up their vectors."""
    found = [text[s:e] for s, e in sentence_spans(text) if e - s >= MIN_SENTENCE_CHARS]
    return tuple(found or [text])


class SentenceVectors:
    def __init__(self, embeddings, model_name: str, path: Path | None):
        self.embeddings = embeddings
        self.model_name = model_name
        self.path = path
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._disk_ok = path is not None

    def of(self, texts: list[str]) -> list[np.ndarray]:
        """Per chunk text, the matrix of its sentences' vectors (one row per sentence)."""
        per_text = [sentences_of(t) for t in texts]
        vectors = self._vectors([s for sentences in per_text for s in sentences], self.embeddings.embed_documents, "")
        return [np.stack([vectors[s] for s in sentences]) for sentences in per_text]

    def sentences(self, texts: list[str]) -> np.ndarray:
        """Sentences embedded as passages, one row each (the sentences an answer is chosen from)."""
        if not texts:
            return np.empty((0, 0), dtype=np.float32)
        vectors = self._vectors(texts, self.embeddings.embed_documents, "")
        return np.stack([vectors[t] for t in texts])

    def documents(self, texts: list[str]) -> np.ndarray:
        """Whole texts embedded as passages, one row each (a chunk the vector query did not score)."""
        vectors = self._vectors(texts, self.embeddings.embed_documents, "chunk\n")
        return np.stack([vectors[t] for t in texts])

    def queries(self, texts: list[str]) -> np.ndarray:
        """Short texts embedded as queries, one row each (the answerability check's single words)."""
        embed = lambda batch: [self.embeddings.embed_query(t) for t in batch]  # noqa: E731
        vectors = self._vectors(texts, embed, "query\n")
        return np.stack([vectors[t] for t in texts])

    def _vectors(self, texts: list[str], embed, kind: str) -> dict[str, np.ndarray]:
        """text -> vector, from memory, disk or `embed` (a list of texts -> their vectors); `kind`
        prefixes the key, so a word embedded as a query never meets the same word as a passage."""
        keys = {t: self._key(kind + t) for t in texts}
        missing = [t for t, k in keys.items() if k not in self._memory]
        if missing:
            self._load([keys[t] for t in missing])
            missing = [t for t in missing if keys[t] not in self._memory]
        if missing:
            new = {keys[t]: v for t, v in zip(missing, np.asarray(embed(missing), dtype=np.float32))}
            self._memory.update(new)
            self._save(new)
        return {t: self._memory[k] for t, k in keys.items()}

    def best_similarity(self, query_vector, texts: list[str]) -> list[float]:
        """Per text, the cosine of its closest sentence to the (normalised) query vector."""
        query = np.asarray(query_vector, dtype=np.float32)
        return [float((m @ query).max()) for m in self.of(texts)]

    def _key(self, sentence: str) -> str:
        return hashlib.sha1(f"{self.model_name}\n{sentence}".encode()).hexdigest()

    # -- disk: a cache; any error turns it off for the process and search goes on ----------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return db

    def _load(self, keys: list[str]) -> None:
        if not self._disk_ok:
            return
        try:
            with self._lock, closing(self._connect()) as db, db:
                for i in range(0, len(keys), 500):
                    part = keys[i:i + 500]
                    rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                    for key, blob in rows:
                        self._memory[key] = np.frombuffer(blob, dtype=np.float32)
        except (sqlite3.Error, OSError):
            self._disk_ok = False

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        if not self._disk_ok:
            return
        try:
            with self._lock, closing(self._connect()) as db, db:
                db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", [(k, v.tobytes()) for k, v in vectors.items()])
        except (sqlite3.Error, OSError):
            self._disk_ok = False


_PROCESS_STORES: dict[int, SentenceVectors] = {}


def process_store(embeddings) -> SentenceVectors:
    """This embedding model's vectors kept for the process: answer sentences are ranked for the check's best
    article and again for the answer, and the same sentences come back question after question. The index's
    store on disk once a retriever made one (share()), else one in memory. Keyed by id(): the store holds
    the model, so its id is never reused by another."""
    return _PROCESS_STORES.setdefault(id(embeddings), SentenceVectors(embeddings, "", None))


def share(store: SentenceVectors) -> SentenceVectors:
    """Make the retriever's store the process's store of its model: the sentence rerank embeds the candidate
    chunks' sentences, and the answer's ranking then finds them there instead of embedding them again."""
    _PROCESS_STORES[id(store.embeddings)] = store
    return store
