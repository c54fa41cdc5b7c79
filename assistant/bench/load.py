"""Load: N questions at once through the app's API, against the machine's limit.

For each queue concurrency (ASSISTANT_UI_CONCURRENCY) the app is started as `python app.py`
(extractive backend, an index built once), warmed up, then
1. the CPU time the app process spends per answer is measured over sequential questions
   (utime + stime of all its threads, from /proc), which gives the machine's limit:
   cores / CPU seconds per answer = answers per second at best;
2. N clients ask at the same moment (one gradio_client each, created beforehand); latency is
   from each client's call to its answer.
The report says how close the throughput comes to the limit.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ..servers import free_port, wait_for_http


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-int(share * 100) * len(ordered) // 100) - 1)]


def measure(app: Path, data: Path, concurrency: int, questions: list[str], sequential: int) -> dict:
    from gradio_client import Client

    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_BACKEND": "extractive",
           "ASSISTANT_UI_CONCURRENCY": str(concurrency), "HF_HUB_OFFLINE": "1"}
    log = open(data.parent / f"load-app-{concurrency}.log", "w")
    proc = subprocess.Popen([sys.executable, str(app), "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=app.parent)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, proc, 300)
        client = Client(url, verbose=False)
        for question in questions[:3]:  # warm-up: models loaded, BM25 read
            client.predict(question, "extractive", api_name="/ask")
        before, started = cpu_seconds(proc.pid), time.perf_counter()
        for question in questions[:sequential]:
            client.predict(question, "extractive", api_name="/ask")
        single_wall = (time.perf_counter() - started) / sequential
        cpu_per_answer = (cpu_seconds(proc.pid) - before) / sequential

        clients = [Client(url, verbose=False) for _ in questions]

        def ask(pair):
            own, question = pair
            asked = time.perf_counter()
            result = own.predict(question, "extractive", api_name="/ask")
            return time.perf_counter() - asked, "error" not in result and result.get("question") == question

        before, started = cpu_seconds(proc.pid), time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(questions)) as pool:
            answers = list(pool.map(ask, zip(clients, questions)))
        wall = time.perf_counter() - started
        cpu_under_load = cpu_seconds(proc.pid) - before
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    latencies = [seconds for seconds, _ in answers]
    cores = os.cpu_count() or 1
    limit = cores / cpu_per_answer
    return {
        "concurrency": concurrency, "questions": len(questions), "ok": sum(ok for _, ok in answers),
        "single_answer_s": single_wall, "cpu_per_answer_s": cpu_per_answer,
        "p50_s": nearest_rank(latencies, 0.5), "p95_s": nearest_rank(latencies, 0.95), "max_s": max(latencies),
        "wall_s": wall, "throughput_per_s": len(questions) / wall, "limit_per_s": limit,
        "share_of_limit": len(questions) / wall / limit, "cpu_busy": cpu_under_load / wall / cores,
        "cpu_per_answer_load_s": cpu_under_load / len(questions),
    }


def write_report(rows: list[dict], out: Path, command: str, label: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    json_path = out.with_suffix(".json")
    runs = json.loads(json_path.read_text()) if json_path.exists() else {}
    runs[label] = {"command": command, "rows": rows}
    json_path.write_text(json.dumps(runs, indent=2))
    lines = [
        "# Load: questions at once through the app's API",
        "",
        "Commands (one per run):",
        "",
        *[f"- {name}: `{run['command']}`" for name, run in runs.items()],
        "",
        f"Machine: {os.cpu_count()} cores. Limit = cores / CPU seconds per answer (the app process's utime+stime over sequential answers). "
        "One answer alone uses more CPU than one under load (its embedding threads spin while they wait for each other), so "
        "throughput can exceed that limit; the CPU-busy column (CPU time under load / (wall time × cores)) is how close the "
        "load comes to the machine itself.",
        "",
        "| run | queue concurrency | questions | ok | one answer alone | CPU per answer alone / under load | p50 | p95 | max | throughput | limit | share of limit | CPU busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in runs.items():
        for r in run["rows"]:
            lines.append(
                f"| {name} | {r['concurrency']} | {r['questions']} | {r['ok']} | {r['single_answer_s']:.2f} s | "
                f"{r['cpu_per_answer_s']:.2f} / {r.get('cpu_per_answer_load_s', float('nan')):.2f} s | "
                f"{r['p50_s']:.2f} s | {r['p95_s']:.2f} s | {r['max_s']:.2f} s | {r['throughput_per_s']:.2f}/s | {r['limit_per_s']:.2f}/s | "
                f"{r['share_of_limit']:.0%} | {r['cpu_busy']:.0%} |")
    out.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ..config import PROJECT_DIR, Settings
    from ..evaluation.questions import load_questions
    from ..index import Index

    parser = argparse.ArgumentParser(prog="python -m assistant.bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="1,2,4", help="queue concurrency values to measure")
    parser.add_argument("-n", type=int, default=50, help="questions at once")
    parser.add_argument("--sequential", type=int, default=10, help="sequential answers for the CPU time per answer")
    parser.add_argument("--app", type=Path, default=PROJECT_DIR / "app.py", help="the app to start (another checkout's app.py for 'before')")
    parser.add_argument("--work", type=Path, default=Path("data/bench/load"))
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", type=Path, default=Path("eval/results/load.md"))
    args = parser.parse_args(argv)

    questions = [q["question"] for q in load_questions(PROJECT_DIR / "eval" / "questions.jsonl")]
    questions = (questions * (args.n // len(questions) + 1))[: args.n]
    data = args.work / args.label / "data"
    if not data.exists():
        Index(Settings(data_dir=data)).ingest([PROJECT_DIR / "corpus"])  # the app would build it on first start
    rows = []
    for concurrency in [int(c) for c in args.concurrency.split(",")]:
        row = measure(args.app.resolve(), data.resolve(), concurrency, questions, args.sequential)
        print(json.dumps(row), file=sys.stderr)
        rows.append(row)
    write_report(rows, args.out, "python -m assistant.bench.load " + " ".join(argv if argv is not None else sys.argv[1:]), args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
