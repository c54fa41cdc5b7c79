"""Time one `Index.ingest` in this process, for before/after comparisons of the ingest code.
Uses only the API every version has, so an older checkout can be timed with the same script:

    PYTHONPATH=/tmp/before .venv/bin/python eval/time_ingest.py --data DIR --corpus DIR

Prints one JSON line: the code's location, chunks embedded, seconds, chunks/s."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import assistant
from assistant.config import Settings
from assistant.index import Index

parser = argparse.ArgumentParser()
parser.add_argument("--data", type=Path, required=True, help="data directory (with models/ for e5 bulk ingest)")
parser.add_argument("--corpus", type=Path, required=True)
args = parser.parse_args()

started = time.perf_counter()
report = Index(Settings(data_dir=args.data)).ingest([args.corpus])
seconds = time.perf_counter() - started
embedded = report.added + report.updated
print(json.dumps({"code": str(Path(assistant.__file__).parent.parent), "embedded": embedded, "unchanged": report.unchanged,
                  "seconds": round(seconds, 2), "chunks_per_s": round(embedded / seconds, 1) if embedded else None}))
