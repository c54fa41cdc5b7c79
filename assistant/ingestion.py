"""Ingestion: hashing, planning what changed, and crash-safe writes into the store.

Every chunk row carries a content hash; the first chunk of each document also carries the
document's hash and is written last, so it marks a document as completely ingested.
Re-ingesting compares hashes and embeds only what changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import faults
from .chunking import Chunk, chunk_article
from .config import Settings
from .corpus import Article, Skipped, article_context, load_articles
from .documents import page_at
from .store import Store, embedded_text

# Part of every document hash: bump it when cleaning or chunking changes.
PIPELINE_VERSION = "8"  # 3: article kind, and the article context embedded with each chunk; 4: a quoted title does not split its sentence;
# 5: a sentence leaning on the one before it starts no chunk without it; 6: nor a short exclamation commenting on it;
# 7: the author's job (roles.py) in the metadata; 8: the tone a text gives itself ("ironisch")

Progress = Callable[[int, int], None]  # (done, total) chunks embedded


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # conflicts included, with their reason
    conflicts: list[str] = field(default_factory=list)  # document ids refused: taken by another file
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
        "role": article.role,
        "tone": article.tone,
        "context": article_context(article.kind, article.source, article.author, article.date),
        "pages": chunk_pages(article.pages, chunk.start, chunk.end) if article.pages else None,
    }
    meta = {key: value for key, value in meta.items() if value is not None}  # Chroma rejects None
    meta["chunk_hash"] = sha256(repr(sorted(meta.items())) + chunk.text)
    return meta


def chunk_pages(starts: list[int], start: int, end: int) -> str:
    """The pages a chunk spans, as "page@offset" where each begins ("3@0,4@5812", offsets in
    the article text): Chroma metadata holds no lists, and a citation's page is looked up in it."""
    first = page_at(start, starts)
    return ",".join(f"{n}@{starts[n - 1]}" for n in range(first, page_at(max(start, end - 1), starts) + 1))


def _pipeline_parts(settings: Settings) -> list[str]:
    """What, besides the file, decides a document's chunks (one list for both hashes below)."""
    return [PIPELINE_VERSION, str(settings.ingest.chunk_size), str(settings.ingest.chunk_overlap), f"context={settings.ingest.chunk_context}"]


def pipeline_key(settings: Settings) -> str:
    return "/".join(_pipeline_parts(settings))


def document_hash(article: Article, settings: Settings) -> str:
    parts = _pipeline_parts(settings) + [article.title, article.text]
    parts += [article.author or "", article.source or "", article.date or "", article.kind or "", article.language, article.role or "", article.tone or ""]
    return sha256("\x1f".join(parts))


def marker(article: Article, doc_hash: str, n_chunks: int, settings: Settings) -> dict:
    """The metadata that marks a document's first chunk, and so the document, as ingested."""
    return {"doc_hash": doc_hash, "n_chunks": n_chunks, "path": article.path, "source_hash": article.source_hash,
            "text_hash": article.text_hash, "pipeline": pipeline_key(settings)}


def ingest(store: Store, paths: list[Path], progress: Progress | None = None, prune: bool = True,
           replace: bool = False, recovered: bool = False) -> IngestReport:
    """Add or update the articles in `paths`; with `prune`, drop documents whose
    file under one of the given directories no longer exists. A document id that another
    existing file already holds in the index is refused unless `replace`. With `recovered`
    (the last writer died while writing), chunks of documents it left unfinished are deleted.
    The caller holds the write lock (Index does)."""
    store.check_model()
    collection = store.collection()
    first_rows = {meta["doc_id"]: meta for meta in store.documents()}
    # A file with the same bytes under the same chunking settings is not even parsed again.
    known = {meta["path"]: meta for meta in first_rows.values() if meta.get("pipeline") == pipeline_key(store.settings)}
    limits = store.settings.ingest
    articles, skipped = load_articles(paths, limits.max_file_bytes, known, limits.max_document_bytes)
    articles, conflicts = _without_conflicts(articles, first_rows, replace)
    report = IngestReport(skipped=skipped + conflicts, conflicts=[Path(c.path).stem for c in conflicts],
                          documents=[a.doc_id for a in articles])

    # The document hash covers the text and the chunking settings: an unchanged
    # document is not chunked again.
    changed_articles, new_markers = [], []
    for article in articles:
        old = first_rows.get(article.doc_id)
        if article.unchanged:
            report.unchanged += int(old.get("n_chunks", 0))
            continue
        doc_hash = document_hash(article, store.settings)
        if old and old.get("doc_hash") == doc_hash:
            report.unchanged += int(old.get("n_chunks", 0))
            # same text from other bytes (or a store from before file hashes): note the file's hash
            new_markers.append((f"{article.doc_id}#0", {**old, **marker(article, doc_hash, int(old.get("n_chunks", 0)), store.settings)}))
        else:
            changed_articles.append((article, doc_hash))
    for i in range(0, len(new_markers), 1000):
        part = new_markers[i : i + 1000]
        collection.update(ids=[cid for cid, _ in part], metadatas=[meta for _, meta in part])
        faults.wrote("marker")

    pending = []
    old_hashes = _chunk_hashes(store, [a.doc_id for a, _ in changed_articles])
    for article, doc_hash in changed_articles:
        chunks = chunk_article(article, store.settings.ingest.chunk_size, store.settings.ingest.chunk_overlap)
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

    if pending:
        started = time.perf_counter()
        _write(store, pending, progress, report.added + report.updated)
        report.write_seconds = time.perf_counter() - started
        collection = store.collection()
    if prune:
        for doc_id, meta in first_rows.items():
            if _pruned(meta.get("path", ""), paths):
                report.removed += _delete_document(collection, doc_id)
                report.removed_documents.append(doc_id)
    if recovered and collection is not None:
        report.removed += _delete_unfinished(collection, {a.doc_id for a in articles})
    # After a dead writer the content may have changed without a new revision: bump it anyway,
    # so readers (and the BM25 saved for the old revision) do not trust what they derived.
    if report.changed or pending or new_markers or (recovered and collection is not None):
        store.bump_revision()
        faults.wrote("revision")
    return report


def _without_conflicts(articles: list[Article], first_rows: dict[str, dict], replace: bool) -> tuple[list[Article], list[Skipped]]:
    """The articles whose id is free or already theirs; the others refused (unless `replace`).

    An id is taken when the index holds it from another file that still exists: uploading a
    second "000_x.txt" must not silently replace the article ingested from corpus/000_x.txt.
    A file that moved (its old path is gone) keeps its id.
    """
    if replace:
        return articles, []
    kept, refused = [], []
    for article in articles:
        held_by = first_rows.get(article.doc_id, {}).get("path")
        if held_by and held_by != article.path and Path(held_by).exists():
            refused.append(Skipped(article.path, f"the document id {article.doc_id!r} is already taken by {held_by}; "
                                   f"rename the file, or replace that article explicitly (`assistant ingest --replace`, "
                                   f"or 'replace' in the app's upload tab)"))
        else:
            kept.append(article)
    return kept, refused


def remove(store: Store, doc_ids: list[str], recovered: bool = False) -> int:
    """Delete documents (the caller holds the write lock); `recovered` as for ingest."""
    collection = store.collection()
    removed = sum(_delete_document(collection, doc_id) for doc_id in doc_ids) if collection else 0
    if removed or (recovered and collection is not None):
        store.bump_revision()
        faults.wrote("revision")
    return removed

def _chunk_hashes(store: Store, doc_ids: list[str]) -> dict[str, dict[str, str]]:
    """doc id -> {chunk id: chunk hash} of what the store holds."""
    found: dict[str, dict[str, str]] = {}
    ids, _, metas = store.chunks_of(doc_ids, with_text=False)
    for cid, meta in zip(ids, metas):
        found.setdefault(meta["doc_id"], {})[cid] = meta.get("chunk_hash")
    return found

def _write(store: Store, pending, progress: Progress | None, total: int) -> None:
    """Embed and store the changed chunks of all pending documents in shared batches.

    Order, for crash safety and so that an article being replaced never disappears:
    1. every changed chunk except the first of each document (the old first chunk, with the
       old document hash, still marks the old version as the complete one);
    2. the stale chunks (beyond the new end) are deleted;
    3. the first chunks, carrying the new document hash that marks the document as done.
    A run killed anywhere leaves each unfinished document without the new mark, and the next
    run redoes exactly what is missing (the chunk hashes say which chunks are current).
    A changed chunk is deleted and added again (see below), so between those two writes a reader
    misses that one chunk (a changed first chunk: the article's mark, for that moment).
    """
    from .embeddings import bulk_embeddings

    embeddings = bulk_embeddings(store.settings, store.model, total)
    collection = store.create()  # the stamped collection, created on first use
    bodies, firsts, markers = [], [], []
    for article, doc_hash, chunks, metas, old in pending:
        done_marker = marker(article, doc_hash, len(chunks), store.settings)
        for chunk, meta in zip(chunks, metas):
            if chunk.index == 0:
                if old.get(chunk.chunk_id) != meta["chunk_hash"]:
                    firsts.append((chunk, {**meta, **done_marker}))
                else:
                    markers.append((chunk.chunk_id, {**meta, **done_marker}))
            elif old.get(chunk.chunk_id) != meta["chunk_hash"]:
                bodies.append((chunk, meta))
    stale = sorted({cid for _, _, chunks, _, old in pending for cid in set(old) - {c.chunk_id for c in chunks}})
    stored = {cid for _, _, _, _, old in pending for cid in old}

    batch, done = store.settings.ingest.embed_batch_size, 0
    for queue, what in ((bodies, "chunks"), (firsts, "first chunks (marks)")):
        if queue is firsts:
            for i in range(0, len(stale), 5000):
                collection.delete(ids=stale[i : i + 5000])
                faults.wrote("stale chunks deleted")
        for i in range(0, len(queue), batch):
            part = queue[i : i + batch]
            # Written through the collection, not langchain-chroma's add_texts: what is embedded
            # (article context + chunk) differs from what is stored and quoted (the chunk).
            vectors = embeddings.embed_documents([embedded_text(c.text, m, store.settings) for c, m in part])
            # A new vector is never written over a stored id: the embedded store rebuilds its HNSW graph
            # from the write log at every start, applying an upsert of a stored id as an in-place update
            # in parallel with the other inserts, and about one start in twelve left a chunk unreachable
            # (a dense query silently returned the 21st nearest instead; answers differed run to run).
            # Deleted first, the id is added as a new graph node, and a small store with many deletions
            # is searched exhaustively by Chroma itself.
            replaced = [c.chunk_id for c, _ in part if c.chunk_id in stored]
            if replaced:
                collection.delete(ids=replaced)
            collection.add(ids=[c.chunk_id for c, _ in part], embeddings=vectors,
                           documents=[c.text for c, _ in part], metadatas=[m for _, m in part])
            faults.wrote(what)
            done += len(part)
            if progress:
                progress(done, total)
    for i in range(0, len(markers), 1000):
        part = markers[i : i + 1000]
        collection.update(ids=[cid for cid, _ in part], metadatas=[m for _, m in part])
        faults.wrote("marker")


def _delete_unfinished(collection, keep: set[str]) -> int:
    """Delete the chunks of documents that have no first chunk (so were never finished) and are
    not part of this run: what a writer that died while adding a new document left behind."""
    rows = collection.get(include=["metadatas"])
    finished = {m["doc_id"] for m in rows["metadatas"] if m.get("chunk_index") == 0 and m.get("doc_hash")}
    orphans = [cid for cid, m in zip(rows["ids"], rows["metadatas"]) if m["doc_id"] not in finished | keep]
    for i in range(0, len(orphans), 5000):
        collection.delete(ids=orphans[i : i + 5000])
        faults.wrote("unfinished chunks deleted")
    return len(orphans)


def _delete_document(collection, doc_id: str) -> int:
    ids = collection.get(where={"doc_id": doc_id}, include=[])["ids"]
    if ids:
        collection.delete(ids=ids)
        faults.wrote("document deleted")
    return len(ids)


def _pruned(path: str, given: list[Path]) -> bool:
    """True when an indexed file lay under a given directory and is gone now."""
    if not path or Path(path).exists():
        return False
    resolved = Path(path).resolve()
    return any(g.is_dir() and resolved.is_relative_to(g.resolve()) for g in given)
