"""One writer at a time: the lock every process takes before it writes the index.

The lock is an OS file lock (filelock, flock on Linux) on `<data dir>/index.lock`. The OS
drops it when its holder dies, even by SIGKILL, so a lock cannot go stale; what a dead
holder leaves behind is its note `index.lock.json` (pid, start, action), which the next
writer finds and reports as `recovered`. Processes that share the data directory (the app,
the CLI, the eval) are covered; writers on other machines sharing one Chroma server are not.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import AssistantError


class IndexBusyError(AssistantError):
    """Another process (or another session of the app) is writing the index."""


def _describe(note: dict) -> str:
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(note.get("started", 0)))
    return f"{note.get('action', 'an ingest')} started at {started} by pid {note.get('pid', '?')} on {note.get('host', '?')}"


@contextmanager
def write_lock(data_dir: Path, action: str, wait: float = 0) -> Iterator[bool]:
    """Hold the index's write lock while the block runs; yields True when the previous writer
    died while writing (its note was still there), so the caller can clean up after it.

    `wait` is how many seconds to wait for another writer (0: fail at once, -1: for ever).
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AssistantError(f"Cannot open the index in {data_dir}: {exc.strerror or exc}. Check that the directory is "
                             f"writable (ASSISTANT_DATA_DIR).") from exc
    note_path = data_dir / "index.lock.json"
    # A fresh FileLock per call: two threads of one process exclude each other as well.
    lock = FileLock(data_dir / "index.lock", thread_local=False)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        try:
            note = json.loads(note_path.read_text())
        except (OSError, ValueError):
            note = {}
        raise IndexBusyError(
            f"An ingest is already running on this index: {_describe(note)}. "
            f"Wait until it has finished, then try again."
        ) from None
    try:
        recovered = note_path.exists()
        note = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(),
                "action": action, "command": " ".join(sys.argv)[:300]}
        note_path.write_text(json.dumps(note))
        yield recovered
        # Only a write that ended normally removes the note: after an exception (disk full, a
        # model error) the store may be half written, and the next writer cleans up as after a kill.
        try:
            note_path.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only directory: the next writer takes the note as a crash and checks
    finally:
        lock.release()
