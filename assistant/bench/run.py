"""Drive the benchmark: for each size, write the corpus, measure our pipeline and
the naive one (each in its own process), optionally our pipeline against a real
`chroma run` server, then the cold starts; write bench.json, bench.md and plots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..config import Settings
from ..servers import free_port, wait_for_http
from .report import write_report
from .startup import measure_startup
from .synthetic import write_corpus


def run_worker(system: str, corpus: Path, data: Path, out: Path, extra: list[str] | None = None, env: dict | None = None,
               questions: Path | None = None) -> dict:
    """`questions`: the question file searched and answered (default: the worker's, eval/questions.jsonl)."""
    cmd = [sys.executable, "-m", "assistant.bench.worker", system, "--corpus", str(corpus), "--data", str(data), "--out", str(out)]
    if questions is not None:
        cmd += ["--questions", str(questions)]
    started = time.perf_counter()
    done = subprocess.run(cmd + (extra or []), capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{system} worker failed on {corpus}:\n{done.stderr[-3000:]}")
    print(f"  {system}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return json.loads(out.read_text())


def chroma_server(path: Path):
    """A real `chroma run` on `path`; returns (process, url) once it answers."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/api/v2/heartbeat", proc)
    return proc, url


def fresh_dir(folder: Path, models: Path) -> Path:
    """An empty data directory that shares the exported e5 model (exported once per run)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "models").symlink_to(models.resolve(), target_is_directory=True)
    return folder


def remeasure(ours: dict, corpus: Path, run: Path, questions: Path | None = None) -> dict:
    """Our figures after a change to the code, without embedding the store again: the
    worker runs on the store already built (its ingest is a no-op), and the ingest
    figures and peak RSS of the first run are kept. Written back to ours.json."""
    first = run / "ours-first.json"
    if not first.exists():
        first.write_text(json.dumps(ours, indent=2))
    ours = json.loads(first.read_text())
    again = run_worker("ours", corpus, run / "ours", run / "ours-again.json", questions=questions)
    merged = {**again, "ingest": ours["ingest"], "peak_rss_mb": max(ours["peak_rss_mb"], again["peak_rss_mb"]),
              "remeasured": "no-op re-ingest, BM25 load, searches and answers measured again on the built store"}
    (run / "ours.json").write_text(json.dumps(merged, indent=2))
    return merged


def measure_size(size: str, settings: Settings, work: Path, models: Path, args) -> dict:
    if size == "corpus":
        corpus = settings.corpus_dir
    else:
        corpus = work / f"corpus-{size}"
        write_corpus(int(size), corpus, settings.corpus_dir, settings.ingest.chunk_size, settings.ingest.chunk_overlap)
    run = work / f"run-{size}"
    run.mkdir(parents=True, exist_ok=True)
    figures = {}
    reuse = args.reuse and (run / "ours.json").exists()
    questions = args.questions
    figures["ours"] = json.loads((run / "ours.json").read_text()) if reuse else run_worker(
        "ours", corpus, fresh_dir(run / "ours", models), run / "ours.json", questions=questions)
    if reuse and args.remeasure:
        figures["ours"] = remeasure(figures["ours"], corpus, run, questions)
    if args.llm and size == "corpus":
        figures["llm"] = run_worker("llm", corpus, run / "ours", run / "llm.json",
                                    ["--llm", str(args.llm), "--llm-model", args.llm_model], questions=questions)
    if not args.no_naive:
        reuse = args.reuse and (run / "naive.json").exists()
        figures["naive"] = json.loads((run / "naive.json").read_text()) if reuse else run_worker(
            "naive", corpus, fresh_dir(run / "naive", models), run / "naive.json", questions=questions)
    if size in args.server_sizes:
        # The server serves the store the embedded run just built (no second
        # embedding pass); the no-op re-ingest and the searches go over HTTP.
        proc, url = chroma_server(run / "ours" / "chroma")
        try:
            figures["server"] = run_worker("ours", corpus, run / "ours", run / "server.json", ["--chroma-url", url], questions=questions)
        finally:
            proc.terminate()
            proc.wait(30)
    return figures


def run_bench(args) -> Path:
    settings = Settings()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    models = work / "models"
    if settings.embedding == "e5" and settings.e5_runtime != "onnx":  # the sentence-transformers folder, shared
        from ..e5_export import export_e5

        export_e5(models / "multilingual-e5-small")
    results_file = args.out / "bench.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results.setdefault("sizes", {})
    for size in args.sizes:
        print(f"size {size}:", file=sys.stderr, flush=True)
        # merged: a later run for one pipeline keeps the figures of the others
        results["sizes"][size] = {**results["sizes"].get(size, {}), **measure_size(size, settings, work, models, args)}
        _save(results, results_file)  # a long run keeps what it has measured
    if not args.no_startup:
        print("cold starts:", file=sys.stderr, flush=True)
        data = work / "run-corpus" / "ours"
        if not (data / "chroma").exists():
            measure_size("corpus", settings, work, models, args)
        naive = None if args.no_naive else work / "run-corpus" / "naive"
        results["startup"] = measure_startup(data, naive, args.startup_runs)
    command = "assistant bench " + " ".join(sys.argv[2:])
    results["commands"] = [c for c in results.get("commands", []) if c != command] + [command]
    results["machine"] = _machine()
    _save(results, results_file)
    return write_report(results, args.out)


def _save(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
