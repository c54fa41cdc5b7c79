"""One way in: the assistant built from settings (the index opened, its embedding model checked,
the corpus ingested on the first run), used by the CLI, the app and the eval runner."""

from __future__ import annotations

import sys
from collections.abc import Callable

from .chain import Assistant
from .config import Settings
from .index import Index
from .ingestion import Progress
from .writelock import IndexBusyError

Log = Callable[[str], None]


def to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def progress_bar(description: str = "embedding") -> Progress:
    """A tqdm progress bar on stderr, created on the first call."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit="chunk", file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def ensure_corpus(index: Index, log: Log = to_stderr, progress: Progress | None = None) -> None:
    """First run: build the index from the corpus folder."""
    corpus = index.settings.corpus_dir
    if index.count() == 0 and corpus.exists():
        log(f"building the index from {corpus} (first run)")
        try:
            report = index.ingest([corpus], progress=progress or progress_bar())
        except IndexBusyError as busy:
            log(f"{busy} Waiting for it.")
            report = index.ingest([corpus], progress=progress or progress_bar(), wait=-1)
        log(report.summary())


def open_index(settings: Settings, log: Log = to_stderr, progress: Progress | None = None) -> Index:
    """The index, checked against the configured embedding model and filled on the first run."""
    index = Index(settings)
    index.check_model()
    ensure_corpus(index, log, progress)
    return index


def open_assistant(settings: Settings, log: Log = to_stderr, progress: Progress | None = None) -> Assistant:
    return Assistant(settings, open_index(settings, log, progress))
