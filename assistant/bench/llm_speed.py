"""Time a few dev questions through the local model (reader step, time to first token, total).

    python -m assistant.bench.llm_speed [--model qwen2.5-coder-1.5b-instruct.gguf] [-n 4]

Used for eval/results/llamacpp-process.md; the full per-model figures are `assistant eval`'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import PROJECT_DIR, load_settings, offline_environment
from ..evaluation.questions import load_questions
from ..service import open_assistant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench.llm_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct.gguf", help="a GGUF in the models folder")
    parser.add_argument("-n", type=int, default=4, help="how many dev questions (the first n answerable ones)")
    args = parser.parse_args(argv)
    offline_environment()
    assistant = open_assistant(load_settings())
    backend = f"llamacpp:{args.model}"
    problem = assistant.backend(backend).wait_ready()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    questions = [q["question"] for q in load_questions(Path(PROJECT_DIR / "eval" / "questions.jsonl")) if q.get("answerable")][: args.n]
    print("| question | reader s | TTFT s | total s | kept |\n|---|---:|---:|---:|---|")
    for question in questions:
        r = assistant.ask(question, backend=backend)
        ttft = f"{r.timings.ttft_s:.1f}" if r.timings.ttft_s is not None else "–"
        print(f"| {question} | {r.timings.retrieval_s:.1f} | {ttft} | {r.timings.total_s:.1f} | {'fallback' if r.fallback else 'yes'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
