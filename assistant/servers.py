"""Starting and waiting for local HTTP servers (`chroma run`, app.py, llama.cpp's server):
shared by the benchmark and the tests."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 120, log: Path | None = None) -> float:
    """Wait until `url` answers and return the seconds waited. Fails, with the tail of the
    server's `log` when given, if the process exits first or `timeout` passes (then it is killed)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            urllib.request.urlopen(url, timeout=2)
            return time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited before {url} answered{_tail(log)}")
            time.sleep(0.05)
    proc.kill()
    raise TimeoutError(f"{url} did not answer within {timeout} s{_tail(log)}")


def _tail(log: Path | None) -> str:
    return f":\n{log.read_text(errors='replace')[-3000:]}" if log and log.exists() else ""
