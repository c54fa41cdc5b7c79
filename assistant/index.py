"""The Chroma store (embedded, or a server when a URL is set) and incremental ingestion.

Every chunk row carries a content hash; the first chunk of each document also
carries the document's hash and is written last, so it marks a document as
completely ingested. Re-ingesting compares hashes and embeds only what changed.
The collection is stamped with the embedding model's name and dimension.
"""

from __future__ import annotations

import hashlib
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .chunking import Chunk, chunk_article
from .config import Settings
from .corpus import Article, Skipped, article_context, load_articles
from .embeddings import EmbeddingModel, load_embedding_model
from .errors import AssistantError, ModelMismatchError

# Part of every document hash: bump it when cleaning or chunking changes.
PIPELINE_VERSION = "3"  # 3: article kind, and the article context embedded with each chunk

Progress = Callable[[int, int], None]  # (done, total) chunks embedded


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    write_seconds: float = 0.0  # embedding and storing the changed chunks

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.documents)} documents: {self.added} chunks added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged; {len(self.skipped)} files skipped"
        )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_metadata(article: Article, chunk: Chunk) -> dict:
    meta = {
        "doc_id": chunk.doc_id,
        "chunk_index": chunk.index,
        "title": chunk.title,
        "start": chunk.start,
        "end": chunk.end,
        "language": article.language,
        "author": article.author,
        "source": article.source,
        "date": article.date,
        "kind": article.kind,
        "context": article_context(article.kind, article.source, article.author, article.date),
    }
    meta = {key: value for key, value in meta.items() if value is not None}  # Chroma rejects None
    meta["chunk_hash"] = sha256(repr(sorted(meta.items())) + chunk.text)
    return meta


def _pipeline_parts(settings: Settings) -> list[str]:
    """What, besides the file, decides a document's chunks (one list for both hashes below)."""
    return [PIPELINE_VERSION, str(settings.chunk_size), str(settings.chunk_overlap), f"context={settings.chunk_context}"]


def embedded_text(text: str, meta: dict, settings: Settings, dense: bool = True) -> str:
    """What the dense (or BM25) index sees of a chunk: its article context line, then the chunk."""
    wanted = settings.chunk_context == "both" or (settings.chunk_context == "bm25" and not dense)
    return f"{meta['context']}\n\n{text}" if wanted and meta.get("context") else text


def pipeline_key(settings: Settings) -> str:
    return "/".join(_pipeline_parts(settings))


def document_hash(article: Article, settings: Settings) -> str:
    parts = _pipeline_parts(settings) + [article.title, article.text]
    parts += [article.author or "", article.source or "", article.date or "", article.kind or "", article.language]
    return sha256("\x1f".join(parts))


def marker(article: Article, doc_hash: str, n_chunks: int, settings: Settings) -> dict:
    """The metadata that marks a document's first chunk, and so the document, as ingested."""
    return {"doc_hash": doc_hash, "n_chunks": n_chunks, "path": article.path, "source_hash": article.source_hash,
            "text_hash": article.text_hash, "pipeline": pipeline_key(settings)}


class Index:
    """One Chroma collection plus the way to fill it."""

    def __init__(self, settings: Settings, model: EmbeddingModel | None = None):
        self.settings = settings
        self._model = model
        self._client = None
        self._store = None

    # -- connection -------------------------------------------------------
    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.chroma_dir.resolve())

    @property
    def client(self):
        if self._client is None:
            self._client = _connect(self.settings)
        return self._client

    @property
    def model(self) -> EmbeddingModel:
        if self._model is None:
            self._model = load_embedding_model(self.settings)
        return self._model

    def collection(self):
        """The raw chromadb collection, or None when it does not exist yet."""
        try:
            return self.client.get_collection(self.settings.collection)
        except AssistantError:
            raise
        except Exception as exc:  # chromadb raises NotFoundError / ValueError by version
            if "does not exist" in str(exc) or "not found" in str(exc).lower():
                return None
            raise AssistantError(f"Cannot open collection {self.settings.collection!r} at {self.location}: {exc}") from exc

    def stamp(self) -> dict:
        collection = self.collection()
        return dict(collection.metadata or {}) if collection is not None else {}

    def count(self) -> int:
        collection = self.collection()
        return collection.count() if collection is not None else 0

    def check_model(self) -> None:
        """Raise ModelMismatchError when the collection was built with another model."""
        stamp = self.stamp()
        built_with = stamp.get("embedding_model")
        if built_with and built_with != self.model.name:
            raise ModelMismatchError(
                f"The index at {self.location} (collection {self.settings.collection!r}) was built with the "
                f"embedding model {built_with!r} (dimension {stamp.get('embedding_dimension')}), but the "
                f"configured model is {self.model.name!r}. Vectors of different models cannot be mixed. "
                f"Run `assistant ingest --rebuild` to re-embed all articles with the configured model, "
                f"or set ASSISTANT_EMBEDDING back to the model the index was built with."
            )

    def store(self):
        """The langchain-chroma vector store, after the model check; creates the collection if needed."""
        if self._store is None:
            from langchain_chroma import Chroma

            self.check_model()
            self._store = Chroma(
                client=self.client,
                collection_name=self.settings.collection,
                embedding_function=self.model.embeddings,
                collection_metadata={
                    "embedding_model": self.model.name,
                    "embedding_dimension": self.model.dimension,
                    "revision": uuid.uuid4().hex,
                },
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._store

    def revision(self) -> str:
        """Changes whenever the collection's content changes (BM25 rebuilds on it)."""
        return str(self.stamp().get("revision", ""))

    def _bump_revision(self) -> None:
        collection = self.collection()
        collection.modify(metadata={**(collection.metadata or {}), "revision": uuid.uuid4().hex})

    def drop(self) -> None:
        """Delete the collection (for --rebuild). An embedded store that cannot be opened
        (corrupted) is moved aside, not deleted, and a new one is started."""
        self._store = None
        try:
            if self.collection() is not None:
                self.client.delete_collection(self.settings.collection)
        except AssistantError:
            folder = self.settings.chroma_dir
            if self.settings.chroma_url or not folder.is_dir():
                raise
            aside = folder.with_name(f"chroma.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            folder.rename(aside)
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()  # chromadb caches the failed client per path
            self._client = None
            print(f"the store at {folder} could not be opened; moved it to {aside}", file=sys.stderr)

    # -- reading ----------------------------------------------------------
    def documents(self) -> list[dict]:
        """One row per fully ingested document: the metadata of its first chunk."""
        collection = self.collection()
        if collection is None:
            return []
        rows = collection.get(where={"chunk_index": 0}, include=["metadatas"])
        return sorted(rows["metadatas"], key=lambda meta: meta["doc_id"])

    def all_chunks(self, batch: int = 5000) -> tuple[list[str], list[str], list[dict]]:
        """Every chunk's id, text and metadata, read in pages."""
        collection = self.collection()
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        total = collection.count() if collection is not None else 0
        for offset in range(0, total, batch):
            rows = collection.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            ids += rows["ids"]
            texts += rows["documents"]
            metas += rows["metadatas"]
        return ids, texts, metas

    # -- writing ----------------------------------------------------------
    def ingest(self, paths: list[Path], progress: Progress | None = None, prune: bool = True) -> IngestReport:
        """Add or update the articles in `paths`; with `prune`, drop documents whose
        file under one of the given directories no longer exists."""
        self.check_model()
        collection = self.collection()
        first_rows = {meta["doc_id"]: meta for meta in self.documents()}
        # A file with the same bytes under the same chunking settings is not even parsed again.
        known = {meta["path"]: meta for meta in first_rows.values() if meta.get("pipeline") == pipeline_key(self.settings)}
        articles, skipped = load_articles(paths, self.settings.max_file_bytes, known)
        report = IngestReport(skipped=skipped, documents=[a.doc_id for a in articles])

        # The document hash covers the text and the chunking settings: an unchanged
        # document is not chunked again.
        changed_articles, new_markers = [], []
        for article in articles:
            old = first_rows.get(article.doc_id)
            if article.unchanged:
                report.unchanged += int(old.get("n_chunks", 0))
                continue
            doc_hash = document_hash(article, self.settings)
            if old and old.get("doc_hash") == doc_hash:
                report.unchanged += int(old.get("n_chunks", 0))
                # same text from other bytes (or a store from before file hashes): note the file's hash
                new_markers.append((f"{article.doc_id}#0", {**old, **marker(article, doc_hash, int(old.get("n_chunks", 0)), self.settings)}))
            else:
                changed_articles.append((article, doc_hash))
        for i in range(0, len(new_markers), 1000):
            part = new_markers[i : i + 1000]
            collection.update(ids=[cid for cid, _ in part], metadatas=[meta for _, meta in part])

        pending = []
        old_hashes = self._chunk_hashes(collection, [a.doc_id for a, _ in changed_articles])
        for article, doc_hash in changed_articles:
            chunks = chunk_article(article, self.settings.chunk_size, self.settings.chunk_overlap)
            metas = [chunk_metadata(article, chunk) for chunk in chunks]
            old = old_hashes.get(article.doc_id, {})
            pending.append((article, doc_hash, chunks, metas, old))
            for chunk, meta in zip(chunks, metas):
                if chunk.chunk_id not in old:
                    report.added += 1
                elif old[chunk.chunk_id] != meta["chunk_hash"]:
                    report.updated += 1
                else:
                    report.unchanged += 1
            report.removed += len(set(old) - {c.chunk_id for c in chunks})

        if pending:  # langchain-chroma takes a second to import: only when writing
            started = time.perf_counter()
            self._write(pending, progress, report.added + report.updated)
            report.write_seconds = time.perf_counter() - started
            collection = self.collection()
        if prune:
            for doc_id, meta in first_rows.items():
                if _pruned(meta.get("path", ""), paths):
                    report.removed += self._delete_document(collection, doc_id)
                    report.removed_documents.append(doc_id)
        if report.changed or pending:
            self._bump_revision()
        return report

    def remove(self, doc_ids: list[str]) -> int:
        collection = self.collection()
        removed = sum(self._delete_document(collection, doc_id) for doc_id in doc_ids) if collection else 0
        if removed:
            self._bump_revision()
        return removed

    def _chunk_hashes(self, collection, doc_ids: list[str], batch: int = 500) -> dict[str, dict[str, str]]:
        """doc id -> {chunk id: chunk hash} of what the store holds, looked up in batches of documents."""
        found: dict[str, dict[str, str]] = {}
        if collection is None:
            return found
        for i in range(0, len(doc_ids), batch):
            rows = collection.get(where={"doc_id": {"$in": doc_ids[i : i + batch]}}, include=["metadatas"])
            for cid, meta in zip(rows["ids"], rows["metadatas"]):
                found.setdefault(meta["doc_id"], {})[cid] = meta.get("chunk_hash")
        return found

    def _write(self, pending, progress: Progress | None, total: int) -> None:
        """Embed and store the changed chunks of all pending documents in shared batches.

        Crash safety: a document counts as ingested only once its first chunk
        carries the new document hash. Its stale chunks are deleted first, its
        first chunk is written after all its others (batches are written in
        order), and an unchanged first chunk only gets its new marker at the end.
        An interrupted run therefore leaves every unfinished document marked as
        not ingested, and the next run redoes it.
        """
        from .embeddings import bulk_embeddings

        self.store()  # creates the stamped collection on first use
        embeddings = bulk_embeddings(self.settings, self.model, total)
        collection = self.collection()
        stale = sorted({cid for _, _, chunks, _, old in pending for cid in set(old) - {c.chunk_id for c in chunks}})
        for i in range(0, len(stale), 5000):
            collection.delete(ids=stale[i : i + 5000])

        queue, markers = [], []
        for article, doc_hash, chunks, metas, old in pending:
            done_marker = marker(article, doc_hash, len(chunks), self.settings)
            changed = [(c, m) for c, m in zip(chunks, metas) if old.get(c.chunk_id) != m["chunk_hash"]]
            changed.sort(key=lambda pair: pair[0].index == 0)  # the first chunk last
            queue += [(c, {**m, **done_marker} if c.index == 0 else m) for c, m in changed]
            if not any(c.index == 0 for c, _ in changed):
                markers.append((chunks[0].chunk_id, {**metas[0], **done_marker}))

        batch, done = self.settings.embed_batch_size, 0
        for i in range(0, len(queue), batch):
            part = queue[i : i + batch]
            # Written through the collection, not langchain-chroma's add_texts: what is embedded
            # (article context + chunk) differs from what is stored and quoted (the chunk).
            vectors = embeddings.embed_documents([embedded_text(c.text, m, self.settings) for c, m in part])
            collection.upsert(ids=[c.chunk_id for c, _ in part], embeddings=vectors,
                              documents=[c.text for c, _ in part], metadatas=[m for _, m in part])
            done += len(part)
            if progress:
                progress(done, total)
        if markers:
            collection.update(ids=[cid for cid, _ in markers], metadatas=[m for _, m in markers])

    def _delete_document(self, collection, doc_id: str) -> int:
        ids = collection.get(where={"doc_id": doc_id}, include=[])["ids"]
        if ids:
            collection.delete(ids=ids)
        return len(ids)


def _pruned(path: str, given: list[Path]) -> bool:
    """True when an indexed file lay under a given directory and is gone now."""
    if not path or Path(path).exists():
        return False
    resolved = Path(path).resolve()
    return any(g.is_dir() and resolved.is_relative_to(g.resolve()) for g in given)


def _connect(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise AssistantError(f"ASSISTANT_CHROMA_URL {settings.chroma_url!r} is not a URL like http://localhost:8000")
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise AssistantError(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({exc.__class__.__name__}). "
                f"Start it with `chroma run --path DIR --port PORT`, or unset ASSISTANT_CHROMA_URL "
                f"to use the embedded store."
            ) from exc
        return client
    path = settings.chroma_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise AssistantError(
            f"Cannot open the index at {path.resolve()}: {exc}. Check that the directory is writable "
            f"(ASSISTANT_DATA_DIR), or run `assistant ingest --rebuild` if the store is corrupted."
        ) from exc


def print_progress(total_hint: str = "embedding") -> Progress:
    """A tqdm progress bar on stderr, created on the first call."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=total_hint, unit="chunk", file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update
