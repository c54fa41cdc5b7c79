"""Time dev questions through the local model: reader step, time to first token, total, kept.

    python -m assistant.bench.llm_speed [--model qwen2.5-coder-1.5b-instruct.gguf] [-n 12]

Settings come from the environment as everywhere (ASSISTANT_READER, ASSISTANT_EVIDENCE_SENTENCES,
ASSISTANT_LLAMACPP_DRAFT, ASSISTANT_LLAMACPP_BATCH, …), so one lever is measured per run; used for
eval/results/llamacpp-speed.md. The full per-model figures are `assistant eval`'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import PROJECT_DIR, load_settings, offline_environment
from ..evaluation.metrics import percentile
from ..evaluation.questions import load_questions
from ..service import open_assistant


def spread(questions: list[dict], n: int) -> list[dict]:
    """n answerable questions spread evenly over the file (German and English both)."""
    answerable = [q for q in questions if q.get("answerable")]
    step = max(1, len(answerable) // n)
    return answerable[::step][:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench.llm_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct.gguf", help="a GGUF in the models folder")
    parser.add_argument("-n", type=int, default=12, help="how many answerable dev questions (spread over the file)")
    parser.add_argument("--questions", type=Path, default=PROJECT_DIR / "eval" / "questions.jsonl")
    args = parser.parse_args(argv)
    offline_environment()
    assistant = open_assistant(load_settings())
    backend = f"llamacpp:{args.model}"
    problem = assistant.backend(backend).wait_ready()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    for warm_up in ("What does the Latin word socius mean?", "Was bedeutet das lateinische Wort socius?"):
        assistant.ask(warm_up, backend=backend)  # warm caches; the German prompt prefix is the last one kept
    rows = []
    print("| question | before generation s | TTFT s | total s | answer |\n|---|---:|---:|---:|---|")
    for q in spread(load_questions(args.questions), args.n):
        r = assistant.ask(q["question"], backend=backend)
        t = r.timings
        kept = "refused" if r.refused else ("fallback" if r.fallback else "kept")
        rows.append((t.retrieval_s, t.ttft_s, t.total_s, kept))
        ttft = f"{t.ttft_s:.1f}" if t.ttft_s is not None else "–"
        print(f"| {q['question']} | {t.retrieval_s:.1f} | {ttft} | {t.total_s:.1f} | {kept} |", flush=True)
    ttfts = [r[1] for r in rows if r[1] is not None]
    p50 = lambda xs: f"{percentile(xs, 0.5):.1f}" if xs else "–"  # noqa: E731
    print(f"\np50: before generation {p50([r[0] for r in rows])} s, TTFT {p50(ttfts)} s, total {p50([r[2] for r in rows])} s; "
          f"kept {sum(r[3] == 'kept' for r in rows)}, fallback {sum(r[3] == 'fallback' for r in rows)}, "
          f"refused {sum(r[3] == 'refused' for r in rows)} of {len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
