"""The index: the Chroma store (assistant/store.py) plus the way to fill it (assistant/ingestion.py),
one writer at a time (assistant/writelock.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import ingestion
from .errors import AssistantError
from .ingestion import IngestReport, Progress
from .store import Store
from .writelock import write_lock


class Index(Store):
    """What the CLI, the app, the eval and the tests open: read it as a Store, fill it here.

    Every write holds the write lock, first catches up with what other processes wrote
    (revision), and ends with the BM25 index saved for the new revision, so readers in any
    process load it instead of rebuilding it. `wait`: seconds to wait for another writer
    (0: refuse at once with who is writing, -1: for ever)."""

    def ingest(self, paths: list[Path], progress: Progress | None = None, prune: bool = True,
               replace: bool = False, wait: float = 0) -> IngestReport:
        """Add or update the articles in `paths`; with `prune`, drop documents whose file under
        one of the given directories no longer exists; with `replace`, take over document ids
        that other files hold."""
        with write_lock(self.settings.data_dir, f"ingest of {len(paths)} path(s)", wait) as recovered, self._failing_clearly():
            self.revision()
            report = ingestion.ingest(self, paths, progress, prune, replace, recovered)
            self._save_bm25()
            return report

    def remove(self, doc_ids: list[str], wait: float = 0) -> int:
        with write_lock(self.settings.data_dir, f"removal of {', '.join(doc_ids)[:100]}", wait) as recovered, self._failing_clearly():
            self.revision()
            removed = ingestion.remove(self, doc_ids, recovered)
            self._save_bm25()
            return removed

    def rebuild(self, paths: list[Path], progress: Progress | None = None, wait: float = 0) -> IngestReport:
        """Delete the collection and embed everything in `paths` again, under one lock."""
        with write_lock(self.settings.data_dir, "rebuild", wait), self._failing_clearly():
            _ = self.model  # loaded (an embedding server answers) before the old collection is deleted
            self.drop()
            report = ingestion.ingest(self, paths, progress, prune=False)
            self._save_bm25()
            return report

    def _save_bm25(self) -> None:
        if self.collection() is not None:
            self.bm25(self.revision())

    @contextmanager
    def _failing_clearly(self) -> Iterator[None]:
        """A write that fails (disk full, read-only or forbidden store) becomes one clear message."""
        try:
            yield
        except AssistantError:
            raise
        except Exception as exc:
            if not isinstance(exc, OSError) and not type(exc).__module__.startswith(("chromadb", "sqlite3")):
                raise  # a bug, not a failed write: keep its traceback
            text = str(exc).lower()
            if "full" in text or "no space" in text or getattr(exc, "errno", None) == 28:
                cause = "the disk is full: free some space"
            elif "readonly" in text or "read-only" in text or "permission" in text or getattr(exc, "errno", None) in (1, 13, 30):
                cause = "the index cannot be written (read-only file system or no permission): make it writable"
            else:
                cause = "check the store"
            raise AssistantError(
                f"Writing the index at {self.location} failed ({exc.__class__.__name__}: {exc}); {cause}. "
                f"Every article written completely before the failure stays in the index; run the same "
                f"command again to finish the rest."
            ) from exc
