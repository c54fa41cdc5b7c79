"""LLM backends, registered by name.

Each backend is one module in this package with a `create(settings)` function
returning a LangChain chat model (or None for `extractive`, which needs no LLM).
Adding a backend = one new module + one line in BACKENDS. Modules are imported
only when chosen, so `assistant search` never imports an LLM client.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..errors import AssistantError

BACKENDS = {
    "extractive": "assistant.llm.extractive",
    "llamacpp": "assistant.llm.llamacpp",
    "openai": "assistant.llm.openai",
    "ollama": "assistant.llm.ollama",
}


@dataclass
class Backend:
    name: str
    model: str  # what answers, shown to the user
    chat_model: Any = None  # a LangChain BaseChatModel; None for extractive


def create_backend(name: str, settings: Settings) -> Backend:
    """`name` is a backend, optionally with a model: "llamacpp:qwen2.5-coder-1.5b-instruct.gguf",
    "openai:gpt-4o-mini", "ollama:qwen2.5:7b"."""
    name, _, model = name.partition(":")
    if name not in BACKENDS:
        raise AssistantError(f"Unknown backend {name!r}. Available: {', '.join(BACKENDS)}.")
    if model:
        if name == "llamacpp":
            path = settings.models_dir / model
            settings = settings.model_copy(update={"llamacpp_model": str(path if path.exists() else model)})
        else:
            settings = settings.model_copy(update={f"{name}_model": model})
    module = importlib.import_module(BACKENDS[name])
    return module.create(settings)


def default_backend_name(settings: Settings) -> str:
    """The configured backend; otherwise llamacpp when a local model and llama-cpp-python exist."""
    if settings.backend:
        return settings.backend
    from .llamacpp import available

    return "llamacpp" if available(settings) else "extractive"
