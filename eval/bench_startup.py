"""Cold-start figures: `python app.py` to a usable page, and `assistant ask` to its first answer,
on a ready machine (index already built). Run: .venv/bin/python eval/bench_startup.py [--runs 3]"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_start(env: dict) -> float:
    """Seconds from process start until the page's config (what the browser loads first) is served."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(PROJECT / "app.py"), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2)
                return time.perf_counter() - started
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("app.py exited")
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(20)


def ask_start(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "assistant"), "ask", "Was bedeutet das lateinische Wort socius?", "--backend", "extractive"],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp, "ASSISTANT_BACKEND": "extractive"}
        subprocess.run([str(BIN / "assistant"), "ingest"], env=env, check=True, capture_output=True)
        ask = [ask_start(env) for _ in range(args.runs)]
        app = [app_start(env) for _ in range(args.runs)]
    print(f"assistant ask, process start to first extractive answer: median {statistics.median(ask):.2f} s over {args.runs} runs ({', '.join(f'{x:.2f}' for x in ask)})")
    print(f"python app.py, process start to usable page: median {statistics.median(app):.2f} s over {args.runs} runs ({', '.join(f'{x:.2f}' for x in app)})")


if __name__ == "__main__":
    main()
