"""The local model's raw speed on this machine: prompt processing and generation, tokens/s.

    python -m assistant.bench.llm_raw [--model qwen2.5-coder-1.5b-instruct.gguf] [--runs 2]

No chain, no server: `llama_cpp.Llama` in this process after loading the CPU kernels the
product loads (llm/ggml_backends.py), 600 tokens of an article evaluated from an empty cache,
then 64 tokens generated one at a time (greedy). This separates the machine (and the build)
from the product: when `assistant eval` or `llm_speed` get slower, this says whether the CPU
prefills slower or the prompts got longer (eval/results/llamacpp-speed.md, "Stop 38"). The same
method as eval/results/llamacpp-build.md's table.
"""

from __future__ import annotations

import argparse
import time

from ..config import PROJECT_DIR, load_settings, offline_environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench.llm_raw", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct.gguf", help="a GGUF in the models folder")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    offline_environment()
    settings = load_settings()
    from ..llm.ggml_backends import load_cpu_backend

    variant = load_cpu_backend()
    from llama_cpp import Llama

    llm = Llama(str(settings.models_dir / args.model), n_ctx=2048, n_threads=settings.llamacpp.threads,
                n_threads_batch=settings.llamacpp.threads, verbose=False)
    article = sorted((PROJECT_DIR / "corpus").glob("*.txt"))[1].read_text(encoding="utf-8")
    prompt = llm.tokenize(f"<|im_start|>user\n{article}<|im_end|>\n<|im_start|>assistant\n".encode())[:600]
    print(f"CPU kernels: {variant or 'linked in'}; {args.model}, {settings.llamacpp.threads} threads")
    for run in range(1, args.runs + 1):
        llm.reset()
        started = time.perf_counter()
        llm.eval(prompt)
        prefill = time.perf_counter() - started
        started, tokens = time.perf_counter(), []
        for _ in range(64):
            token = llm.sample(temp=0.0)
            tokens.append(token)
            llm.eval([token])
        generation = time.perf_counter() - started
        print(f"run {run}: prompt {len(prompt) / prefill:.1f} tok/s ({prefill:.2f} s for {len(prompt)} tokens), "
              f"generation {64 / generation:.1f} tok/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
