"""Cold starts, each a fresh process on a ready machine (index already built):
`assistant ask` to its first extractive answer, `assistant search` to its first
results, `python app.py` to a usable page, and the naive pipeline to its first
hybrid search result."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ..config import PROJECT_DIR
from ..servers import free_port, wait_for_http

BIN = Path(sys.executable).parent
QUESTION = "Was bedeutet das lateinische Wort socius?"


def app_start(env: dict) -> float:
    """Seconds from process start until the page's config (what the browser loads first) is served."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(PROJECT_DIR / "app.py"), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_DIR)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/config", proc)
        return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(20)


def command_start(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def measure_startup(data_dir: Path, naive_dir: Path | None, runs: int = 3) -> dict:
    """Median seconds over `runs` for each kind of start; `data_dir` must hold a built index."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_BACKEND": "extractive"}
    assistant = str(BIN / "assistant")
    kinds = {
        "ask": lambda: command_start([assistant, "ask", QUESTION, "--backend", "extractive"], env),
        "search": lambda: command_start([assistant, "search", QUESTION], env),
        "app": lambda: app_start(env),
    }
    if naive_dir is not None:
        naive = [sys.executable, "-m", "assistant.bench.worker", "naive-cold", "--corpus", str(PROJECT_DIR / "corpus"),
                 "--data", str(naive_dir)]
        kinds["naive_search"] = lambda: command_start(naive, env)
    out = {}
    for name, start in kinds.items():
        seconds = [start() for _ in range(runs)]
        out[name] = {"median_s": round(statistics.median(seconds), 2), "runs": [round(s, 2) for s in seconds]}
    return out
