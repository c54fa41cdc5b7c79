"""The Chroma store: connection (embedded, or a server when a URL is set), the embedding-model
stamp, recovery from a store that cannot be opened, and reads. Writing is assistant/ingestion.py.

The collection is created and written through chromadb directly, not langchain-chroma: what is
embedded for a chunk (its article context + the chunk) differs from what is stored and quoted
(the chunk), which langchain-chroma's add_texts cannot express. langchain-chroma is kept for
the naive rag-chroma baseline only (assistant/evaluation/baseline.py).
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

from .bm25 import BM25Index
from .config import Settings
from .embeddings import EmbeddingModel, load_embedding_model
from .errors import AssistantError, ModelMismatchError


def embedded_text(text: str, meta: dict, settings: Settings, dense: bool = True) -> str:
    """What the dense (or BM25) index sees of a chunk: its article context line, then the chunk."""
    context = settings.ingest.chunk_context
    wanted = context == "both" or (context == "bm25" and not dense)
    return f"{meta['context']}\n\n{text}" if wanted and meta.get("context") else text


@dataclass
class _Embedded:
    """This process's client for one embedded store, and the revision its in-memory vector
    index reflects."""

    client: object
    revision: str | None = None


# Embedded Chroma keeps each collection's vector index in the memory of the process that opened
# it: writes by another process reach SQLite (metadata, documents) but not that copy, so a query
# here would miss another process's chunks and still return deleted ones. One client per path is
# shared by every Store of this process and reopened when the collection's revision (written by
# every writer, read from SQLite) changes under it.
_embedded: dict[str, _Embedded] = {}
_embedded_lock = threading.Lock()
# A reader that saw the new revision before the writer of this process noted it as its own would take
# the write for another process's and reopen the store under it.
_revision_lock = threading.RLock()


class Store:
    """One Chroma collection, stamped with the embedding model that filled it."""

    def __init__(self, settings: Settings, model: EmbeddingModel | None = None):
        self.settings = settings
        self._model = model
        self._client = None  # a Chroma server's client; embedded clients live in _embedded

    # -- connection -------------------------------------------------------
    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.chroma_dir.resolve())

    @property
    def client(self):
        if self.settings.chroma_url:
            if self._client is None:
                self._client = _connect(self.settings)
            return self._client
        return self._shared().client

    def _shared(self) -> _Embedded:
        key = str(self.settings.chroma_dir.resolve())
        with _embedded_lock:
            if key not in _embedded:
                _embedded[key] = _Embedded(_connect(self.settings))
            return _embedded[key]

    def close(self) -> None:
        """Release this process's client for the store (its files are closed once no other
        Store of this process uses them). The next use opens it again."""
        if self.settings.chroma_url:
            self._client = None
            return
        key = str(self.settings.chroma_dir.resolve())
        with _embedded_lock:
            shared = _embedded.pop(key, None)
        if shared is not None:
            shared.client.close()

    def _reopen(self) -> None:
        """Drop this process's embedded client for the path; the next use opens it afresh."""
        from chromadb.api.shared_system_client import SharedSystemClient

        key = str(self.settings.chroma_dir.resolve())
        with _embedded_lock:
            _embedded.pop(key, None)
            # chromadb shares one System per path and process and has no public way to reload it;
            # forgetting it (without stopping it, so queries in flight in other threads finish)
            # makes the next client load the collection from disk.
            SharedSystemClient._identifier_to_system.pop(key, None)
            SharedSystemClient._identifier_to_refcount.pop(key, None)

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
        model = self.model  # first: a model that loads in the background does so while Chroma opens
        stamp = self.stamp()
        built_with = stamp.get("embedding_model")
        if built_with and built_with != model.name:
            raise ModelMismatchError(
                f"The index at {self.location} (collection {self.settings.collection!r}) was built with the "
                f"embedding model {built_with!r} (dimension {stamp.get('embedding_dimension')}), but the "
                f"configured model is {self.model.name!r}. Vectors of different models cannot be mixed. "
                f"Run `assistant ingest --rebuild` to re-embed all articles with the configured model, "
                f"or set ASSISTANT_EMBEDDING back to the model the index was built with."
            )

    def create(self):
        """The collection, after the model check; created (stamped, cosine space) if needed."""
        self.check_model()
        return self.client.get_or_create_collection(
            self.settings.collection,
            metadata={"embedding_model": self.model.name, "embedding_dimension": self.model.dimension,
                      "revision": uuid.uuid4().hex},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,  # vectors always come from our model, never chromadb's default
        )

    def revision(self) -> str:
        """Changes whenever the collection's content changes (BM25 rebuilds on it). Read per
        question: when another process wrote since this one last looked, the embedded store is
        reopened here, so dense search sees that write too."""
        if self.settings.chroma_url:
            return str(self.stamp().get("revision", ""))
        with _revision_lock:  # not between this process's own write of a revision and its note of it
            revision = str(self.stamp().get("revision", ""))
            shared = self._shared()
            if shared.revision is not None and shared.revision != revision:
                self._reopen()
                self._shared().revision = revision
            else:
                shared.revision = revision
        return revision

    def bump_revision(self) -> None:
        """After every write: readers (BM25, article list, other processes) rebuild what they derived."""
        collection = self.collection()
        revision = uuid.uuid4().hex
        with _revision_lock:
            collection.modify(metadata={**(collection.metadata or {}), "revision": revision})
            if not self.settings.chroma_url:
                self._shared().revision = revision  # this process's copy holds its own write

    def drop(self) -> None:
        """Delete the collection (for --rebuild). An embedded store that cannot be opened
        (corrupted) is moved aside, not deleted, and a new one is started."""
        try:
            if self.collection() is not None:
                self.client.delete_collection(self.settings.collection)
        except AssistantError:
            folder = self.settings.chroma_dir
            if self.settings.chroma_url or not folder.is_dir():
                raise
            aside = folder.with_name(f"chroma.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            folder.rename(aside)
            self._reopen()  # chromadb caches the failed client per path
            print(f"the store at {folder} could not be opened; moved it to {aside}", file=sys.stderr)

    # -- reading ----------------------------------------------------------
    def documents(self, batch: int = 20000) -> list[dict]:
        """One row per fully ingested document: the metadata of its first chunk. Kept per revision:
        the retriever, the answer chain and the app all ask, and at 1M chunks (93k documents) one
        read takes ~8 s through a server."""
        revision = self.revision()
        cached = getattr(self, "_documents", None)
        if cached and cached[0] == revision and revision:
            return cached[1]
        collection = self.collection()
        if collection is None:
            return []
        metas: list[dict] = []
        while True:  # in pages: one get of 93k rows fails in Chroma ("too many SQL variables", seen at 1M chunks)
            rows = collection.get(where={"chunk_index": 0}, include=["metadatas"], limit=batch, offset=len(metas))
            metas += rows["metadatas"]
            if len(rows["metadatas"]) < batch:
                break
        metas.sort(key=lambda meta: meta["doc_id"])
        self._documents = (revision, metas)
        return metas

    def bm25(self, revision: str) -> BM25Index:
        """The BM25 index of the chunks at `revision`: loaded from the data directory if it was
        saved for that revision (by a writer, or another reader), else built here and saved."""
        bm25 = BM25Index.load(self.settings.bm25_dir, revision)
        if bm25 is None:
            bm25 = self.build_bm25(revision)
            try:
                bm25.save(self.settings.bm25_dir)
            except OSError:
                pass  # a read-only or full data directory still searches, it just rebuilds next time
        return bm25

    def build_bm25(self, revision: str) -> BM25Index:
        """A BM25 index built from the store's chunks now (not saved)."""
        ids, texts, metas = self.all_chunks()
        return BM25Index.build(ids, [embedded_text(t, m, self.settings, dense=False) for t, m in zip(texts, metas)], revision)

    def chunks_of(self, doc_ids: list[str], with_text: bool = True, batch: int = 500) -> tuple[list[str], list[str], list[dict]]:
        """Every chunk's id, text (no texts without `with_text`) and metadata, of these documents, looked up
        in batches of documents."""
        collection = self.collection()
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        include = ["documents", "metadatas"] if with_text else ["metadatas"]
        for i in range(0, len(doc_ids) if collection is not None else 0, batch):
            rows = collection.get(where={"doc_id": {"$in": doc_ids[i : i + batch]}}, include=include)
            ids += rows["ids"]
            texts += rows["documents"] if with_text else []
            metas += rows["metadatas"]
        return ids, texts, metas

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
    path = settings.chroma_dir.resolve()  # the key chromadb shares its System under (see _reopen)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise AssistantError(
            f"Cannot open the index at {path.resolve()}: {exc}. Check that the directory is writable "
            f"(ASSISTANT_DATA_DIR), or run `assistant ingest --rebuild` if the store is corrupted."
        ) from exc


