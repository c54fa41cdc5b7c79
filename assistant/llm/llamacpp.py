"""A local GGUF model through llama-cpp-python (optional extra: `pip install -e '.[llamacpp]'`),
run in a process of its own (llm/local_server.py: llama_cpp.server, watched and restarted) and
spoken to over its OpenAI-compatible API with langchain-openai's ChatOpenAI. A crash in the
model's native code ends that process, never the app: the answer falls back to the labelled
extractive one, and the next question starts the model again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..errors import AssistantError
from ..prompts import answer_prompt
from ..results import Turn
from .base import AnswerRequest
from .chat import ChatBackend
from .local_server import LocalModelServer, capped, server_for


class LocalBackend(ChatBackend):
    """A ChatBackend whose model lives in a managed child process. While that process starts
    (first use, or after a crash) nothing waits: answers fall back, condensing and the reader
    step are skipped."""

    def __init__(self, server: LocalModelServer, chat_model, embeddings):
        super().__init__("llamacpp", server.model.name, chat_model, embeddings)
        self.server = server

    def stream(self, request: AnswerRequest) -> Iterator[str]:
        self.server.require()  # LocalModelStarting: the chain gives the labelled extractive answer
        yield from super().stream(request)

    def condense(self, question: str, history: list[Turn], lang: str) -> str | None:
        return super().condense(question, history, lang) if self.server.ready() else None

    def read(self, question, passages, check):
        return super().read(question, passages, check) if self.server.ready() else None

    def wait_ready(self, timeout: float | None = None) -> str | None:
        if self.server.wait_ready(timeout):
            return None
        why = "; ".join(filter(None, (self.server.last_error, self.server.state())))
        return f"the local model {self.server.model.name} is not ready: {why}"


def installed_models(settings: Settings) -> list[Path]:
    """GGUF files in the models directory, newest first."""
    folder = settings.models_dir
    return sorted(folder.glob("*.gguf"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.exists() else []


def model_path(settings: Settings) -> Path | None:
    if settings.llamacpp.model:
        return Path(settings.llamacpp.model)
    models = installed_models(settings)
    return models[0] if models else None


def available(settings: Settings) -> bool:
    import importlib.util

    return model_path(settings) is not None and importlib.util.find_spec("llama_cpp") is not None


def server_options(settings: Settings) -> tuple[str, ...]:
    """llama_cpp.server arguments beyond model, context and threads."""
    s = settings.llamacpp
    options = ("--flash_attn", str(s.flash_attn))
    if s.draft == "prompt-lookup":
        options += ("--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(s.draft_tokens))
    return options


def create(settings: Settings, embeddings) -> LocalBackend:
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        raise AssistantError(
            "The llamacpp backend needs llama-cpp-python: `.venv/bin/pip install -e '.[llamacpp]'` "
            "(with the README's CMAKE_ARGS; it compiles for 10-17 minutes)."
        )
    path = model_path(settings)
    if path is None or not path.is_file():
        raise AssistantError(
            f"No local model found ({path or settings.models_dir}). Install one with "
            f"`assistant models install qwen2.5-0.5b` or set ASSISTANT_LLAMACPP_MODEL to a GGUF file."
        )
    from langchain_openai import ChatOpenAI

    server = server_for(path, settings.llamacpp.ctx, settings.llamacpp.threads, settings.data_dir / "logs",
                        server_options(settings))
    server.start()  # in the background: the first page and the first questions do not wait
    model = ChatOpenAI(
        base_url=server.base_url,
        model=path.name,
        api_key="not-needed",  # the local server checks none; the client insists on one
        timeout=settings.llm.timeout,
        max_retries=0,  # a dead local server is restarted, not retried
        temperature=settings.llm.temperature,
        max_completion_tokens=settings.llm.max_tokens,
        extra_body={"max_tokens": settings.llm.max_tokens},  # the cap the server reads (local_server.capped)
        streaming=True,
    )
    # The server keeps the KV cache of its last prompt: one German answer prompt with empty evidence
    # leaves the system prompt and worked example cached, so the first question prefills only its own part.
    server.warm_up = lambda: capped(model, 1).invoke(
        answer_prompt("de").format_messages(question="", passages=""))
    return LocalBackend(server, model, embeddings)
