"""Measure one pipeline on one corpus in this process, and write the figures as JSON.

    python -m assistant.bench.worker ours  --corpus DIR --data DIR --out FILE [--chroma-url URL] [--llm]
    python -m assistant.bench.worker naive --corpus DIR --data DIR --out FILE
    python -m assistant.bench.worker llm   --corpus DIR --data DIR --out FILE --llm N --llm-model GGUF
    python -m assistant.bench.worker naive-cold --corpus DIR --data DIR   (start-up: one search, then exit)

Each size runs in a fresh process, so the peak RSS reported is that of one pipeline at one size.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from ..config import PROJECT_DIR, Settings, offline_environment
from ..evaluation.baseline import NaivePipeline
from ..evaluation.metrics import percentile
from ..evaluation.questions import load_questions

QUESTIONS = PROJECT_DIR / "eval" / "questions.jsonl"
K = 5


def percentiles(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 0.5), 2), "p95_ms": round(percentile(ms, 0.95), 2), "n": len(ms)}


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process. VmHWM, not getrusage's ru_maxrss: after fork+exec
    ru_maxrss still counts the parent's memory, VmHWM starts afresh with the new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # not Linux


def search_latencies(search, qs: list[dict], repeat: int) -> dict:
    search(qs[0]["question"])  # warm caches once
    return percentiles([timed(lambda: search(q["question"]))[1] for _ in range(repeat) for q in qs])


# -- ours ---------------------------------------------------------------------
def measure_ours(args) -> dict:
    from ..chain import Assistant
    from ..embeddings import load_embedding_model
    from ..index import Index
    from ..retrieval import Retriever

    settings = Settings(data_dir=args.data, chroma_url=args.chroma_url or "", backend="extractive")
    model = load_embedding_model(settings)
    out: dict = {"system": "ours", "store": "server" if args.chroma_url else "embedded"}

    report, seconds = timed(lambda: Index(settings, model).ingest([args.corpus]))
    out["chunks"] = Index(settings, model).count()
    out["ingest"] = {"seconds": round(seconds, 2), "embedded": report.added + report.updated,
                     "embed_seconds": round(report.write_seconds, 2),
                     "chunks_per_s": round((report.added + report.updated) / seconds, 1) if report.changed else None}
    noop = [timed(lambda: Index(settings, model).ingest([args.corpus])) for _ in range(3)]
    out["noop_reingest_s"] = round(percentile([seconds for _, seconds in noop], 0.5), 3)
    out["noop_embedded"] = sum(report.added + report.updated for report, _ in noop)

    index = Index(settings, model)
    retriever = Retriever(index, settings)
    folder_had_bm25 = (settings.bm25_dir / "chunk_ids.json").exists()
    _, first = timed(retriever.bm25)
    _, load = timed(Retriever(index, settings).bm25)  # a new process would do this: load from disk
    _, build = timed(lambda: index.build_bm25("bench"))  # the ingest saved BM25; its build is timed on its own
    out["bm25"] = {"first_s": round(first, 3), "first_was": "load" if folder_had_bm25 else "build", "load_s": round(load, 3),
                   "build_s": round(build, 3)}

    qs = load_questions(args.questions)
    out["search"] = {mode: search_latencies(lambda q: retriever.search(q, k=K, mode=mode, rerank=False), qs, args.repeat)
                     for mode in ("dense", "bm25", "hybrid")}
    # the chain's retrieval: hybrid, then the sentence rerank (its first pass embeds the candidates' sentences)
    out["search"]["rerank"] = search_latencies(lambda q: retriever.search(q, k=K, mode="hybrid", rerank=True), qs, args.repeat)
    assistant = Assistant(settings, index)
    out["answer_extractive"] = search_latencies(lambda q: assistant.ask(q, backend="extractive"), qs, 1)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure_llm(args) -> dict:
    """Time to first token and output speed of the local model through the whole chain, on an
    index already built in --data. llama.cpp streams one token per piece, so the pieces after
    the first over the time after it give tokens/s."""
    from ..chain import Assistant
    from ..llm.llamacpp import model_path

    settings = Settings(data_dir=args.data, llamacpp_model=args.llm_model)
    assistant = Assistant(settings)
    qs = [q for q in load_questions(args.questions) if q["answerable"]][: args.llm]
    ttft, speeds, refused = [], [], 0
    backend = assistant.backend("llamacpp")
    backend.wait_ready()
    for q in qs:
        started, first, last, pieces = time.perf_counter(), None, None, 0
        for event in assistant.stream(q["question"], backend="llamacpp"):
            if isinstance(event, str) and event:
                now = time.perf_counter()
                first = first or now
                last, pieces = now, pieces + 1
            elif not isinstance(event, str) and event.refused:
                refused += 1
        if first is not None and pieces > 1:
            ttft.append(first - started)
            speeds.append((pieces - 1) / (last - first))
    return {"model": backend.model, "path": str(model_path(settings)), "questions": len(qs), "refused": refused,
            "ttft": percentiles(ttft) if ttft else None,
            "tokens_per_s_median": round(percentile(speeds, 0.5), 1) if speeds else None,
            "peak_rss_mb": peak_rss_mb()}


# -- the naive LangChain pipeline (assistant/evaluation/baseline.py) --------
def measure_naive(args) -> dict:
    naive = NaivePipeline(args.corpus, args.data / "naive-chroma", k=K)
    out: dict = {"system": "naive", "store": "embedded"}
    chunks, split_s = timed(naive.split)
    _, ingest_s = timed(lambda: naive.ingest(chunks))
    seconds = split_s + ingest_s
    out["chunks"] = len(chunks)
    out["ingest"] = {"seconds": round(seconds, 2), "embedded": len(chunks), "embed_seconds": round(ingest_s, 2),
                     "chunks_per_s": round(len(chunks) / seconds, 1)}
    # The template has no incremental path: re-running it embeds everything again
    # (and into the same collection, duplicates every chunk). Not re-measured.
    out["noop_reingest_s"] = out["ingest"]["seconds"]
    out["noop_reingest_note"] = "no incremental ingest: a re-run re-embeds everything (= ingest time, not re-measured)"
    _, build = timed(lambda: naive.build_retrievers(chunks))
    out["bm25"] = {"first_s": round(build, 3), "first_was": "build", "load_s": round(build, 3)}  # rebuilt at every start

    qs = load_questions(args.questions)
    out["search"] = {
        "dense": search_latencies(lambda q: naive.store.similarity_search(q, k=K), qs, args.repeat),
        "bm25": search_latencies(naive.bm25.invoke, qs, args.repeat),
        "hybrid": search_latencies(naive.hybrid.invoke, qs, args.repeat),
    }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def naive_cold(args) -> None:
    """A fresh process of the naive pipeline up to its first hybrid search result."""
    naive = NaivePipeline(args.corpus, args.data / "naive-chroma", k=K)
    naive.open()
    naive.build_retrievers(naive.split())
    naive.hybrid.invoke("Was bedeutet das lateinische Wort socius?")


def main() -> None:
    offline_environment()
    parser = argparse.ArgumentParser()
    parser.add_argument("system", choices=["ours", "naive", "naive-cold", "llm"])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions per search mode")
    parser.add_argument("--chroma-url", default="")
    parser.add_argument("--llm", type=int, default=5, help="llm: time N answers from the local model")
    parser.add_argument("--llm-model", default="", help="the GGUF file for --llm")
    args = parser.parse_args()
    if args.system == "naive-cold":
        return naive_cold(args)
    figures = {"ours": measure_ours, "naive": measure_naive, "llm": measure_llm}[args.system](args)
    args.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
