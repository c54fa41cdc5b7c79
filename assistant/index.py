"""The index: the Chroma store (assistant/store.py) plus the way to fill it (assistant/ingestion.py)."""

from __future__ import annotations

from pathlib import Path

from . import ingestion
from .ingestion import IngestReport, Progress
from .store import Store


class Index(Store):
    """What the CLI, the app, the eval and the tests open: read it as a Store, fill it here."""

    def ingest(self, paths: list[Path], progress: Progress | None = None, prune: bool = True) -> IngestReport:
        """Add or update the articles in `paths`; with `prune`, drop documents whose file under
        one of the given directories no longer exists."""
        return ingestion.ingest(self, paths, progress, prune)

    def remove(self, doc_ids: list[str]) -> int:
        return ingestion.remove(self, doc_ids)
