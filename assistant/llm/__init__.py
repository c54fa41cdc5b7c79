"""Answer backends, registered by name.

Each backend is one module in this package with a `create(settings, embeddings)` function
returning a `Backend` (llm/base.py): `extractive` quotes the passages, the LLM backends wrap
a LangChain chat model in the shared `ChatBackend` (llm/chat.py). Adding a backend = one new
module + one line in BACKENDS. Modules are imported only when chosen, so `assistant search`
never imports an LLM client.
"""

from __future__ import annotations

import importlib

from ..config import Settings
from ..errors import AssistantError
from .base import Backend

BACKENDS = {
    "extractive": "assistant.llm.extractive",
    "llamacpp": "assistant.llm.llamacpp",
    "openai": "assistant.llm.openai",
    "ollama": "assistant.llm.ollama",
}


def create_backend(name: str, settings: Settings, embeddings) -> Backend:
    """`name` is a backend, optionally with a model: "llamacpp:qwen2.5-coder-1.5b-instruct.gguf",
    "openai:gpt-4o-mini", "ollama:qwen2.5:7b"."""
    name, _, model = name.partition(":")
    if name not in BACKENDS:
        raise AssistantError(f"Unknown backend {name!r}. Available: {', '.join(BACKENDS)}.")
    if model:
        if name == "llamacpp":
            path = settings.models_dir / model
            settings = settings.replace(**{"llamacpp_model": str(path if path.exists() else model)})
        else:
            settings = settings.replace(**{f"{name}_model": model})
    module = importlib.import_module(BACKENDS[name])
    return module.create(settings, embeddings)


def default_backend_name(settings: Settings) -> str:
    """The configured backend; otherwise llamacpp when a local model and llama-cpp-python exist."""
    if settings.llm.backend:
        return settings.llm.backend
    from .llamacpp import available

    return "llamacpp" if available(settings) else "extractive"
