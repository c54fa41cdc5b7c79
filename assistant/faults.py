"""Fault-injection points for the reliability tests (the way SQLite tests every write).

Every write to the index (a Chroma write, a BM25 file, a document marker, the revision) calls
`wrote(what)` right after it. With ASSISTANT_WRITE_LOG=FILE each write point is appended to FILE
(so a test can count them); with ASSISTANT_STOP_AFTER_WRITE=N the process stops itself (SIGSTOP)
right after its Nth write, so a test can kill it there, fill the disk or make the store read-only,
and let it go on. Unset (always, outside the tests), each call is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_count = 0


def wrote(what: str) -> None:
    global _count
    if "ASSISTANT_WRITE_LOG" not in os.environ and "ASSISTANT_STOP_AFTER_WRITE" not in os.environ:
        return
    _count += 1
    if log := os.environ.get("ASSISTANT_WRITE_LOG"):
        with open(log, "a") as out:
            out.write(f"{_count}\t{what}\n")
    if os.environ.get("ASSISTANT_STOP_AFTER_WRITE") == str(_count):
        os.kill(os.getpid(), signal.SIGSTOP)
