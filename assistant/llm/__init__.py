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
    if name not in BACKENDS:
        raise AssistantError(f"Unknown backend {name!r}. Available: {', '.join(BACKENDS)}.")
    module = importlib.import_module(BACKENDS[name])
    return module.create(settings)


def default_backend_name(settings: Settings) -> str:
    """The configured backend; otherwise llamacpp when a local model and llama-cpp-python exist."""
    if settings.backend:
        return settings.backend
    from .llamacpp import available

    return "llamacpp" if available(settings) else "extractive"
