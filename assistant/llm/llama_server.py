"""`python -m assistant.llm.llama_server ARGS`: llama-cpp-python's OpenAI-compatible server
(`python -m llama_cpp.server ARGS`, same arguments) after registering the best CPU kernels
without AMX (llm/ggml_backends.py). llama_cpp.server itself loads no runtime-dispatch variant,
so with the README's build it would find no backend and load no model. Each model it loads keeps
the state of each prompt start (llm/prefix_cache.py).
"""

from __future__ import annotations

import sys


def main() -> None:
    from .ggml_backends import cpu_features, load_cpu_backend

    variant = load_cpu_backend()
    if variant is not None:
        features = ",".join(name for name, value in cpu_features().items() if value == "1")
        print(f"llama.cpp CPU backend: {variant} ({features})", file=sys.stderr, flush=True)
    from llama_cpp.server.__main__ import main as server_main

    from .prefix_cache import install

    install()  # a saved state per prompt start: a switch of language does not prefill the other prompt again

    sys.argv[0] = "llama_cpp.server"
    server_main()


if __name__ == "__main__":
    main()
