"""A local GGUF model in-process through llama-cpp-python (optional extra: `pip install -e '.[llamacpp]'`).

The chat model adapter is written here (about 40 lines) because the only
LangChain one lives in langchain-community, which is being sunset.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from ..config import Settings
from ..errors import AssistantError
from .chat import ChatBackend

ROLES = {"human": "user", "ai": "assistant", "system": "system"}
# One llama.cpp context cannot serve two generations at once; UI users take turns.
_GENERATION_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def load_llama(path: str, n_ctx: int, n_threads: int):
    """Loaded once per process and path: loading takes seconds."""
    from llama_cpp import Llama

    llama = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    _LOADED.add(llama)
    return llama


_LOADED: weakref.WeakSet = weakref.WeakSet()  # every model load_llama made that is still alive


@atexit.register
def _close_models() -> None:
    """Free the loaded models before the interpreter tears its modules down: a Llama freed
    later prints "Exception ignored in Llama.__del__ … 'NoneType' object is not callable"."""
    for llama in list(_LOADED):
        llama.close()


class ChatLlamaCpp(BaseChatModel):
    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.1
    max_tokens: int = 400

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **options) -> dict[str, Any]:
        request = {
            "messages": [{"role": ROLES.get(m.type, "user"), "content": m.content} for m in messages],
            "temperature": self.temperature,
            "max_tokens": options.get("max_tokens") or self.max_tokens,
            "stop": stop or [],
        }
        if options.get("grammar"):  # GBNF text: llama.cpp only samples tokens the grammar allows
            from llama_cpp import LlamaGrammar

            request["grammar"] = LlamaGrammar.from_string(options["grammar"], verbose=False)
        return request

    def _generate(self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kwargs) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kwargs) -> Iterator[ChatGenerationChunk]:
        llama = load_llama(self.model_path, self.n_ctx, self.n_threads)
        with _GENERATION_LOCK:
            for part in llama.create_chat_completion(stream=True, **self._request(messages, stop, **kwargs)):
                token = part["choices"][0]["delta"].get("content") or ""
                if token:
                    if run_manager:
                        run_manager.on_llm_new_token(token)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=token))


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


def create(settings: Settings, embeddings) -> ChatBackend:
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        raise AssistantError(
            "The llamacpp backend needs llama-cpp-python: `.venv/bin/pip install -e '.[llamacpp]'` "
            "(it compiles for 7-16 minutes)."
        )
    path = model_path(settings)
    if path is None or not path.is_file():
        raise AssistantError(
            f"No local model found ({path or settings.models_dir}). Install one with "
            f"`assistant models install qwen2.5-0.5b` or set ASSISTANT_LLAMACPP_MODEL to a GGUF file."
        )
    model = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llamacpp.ctx,
        n_threads=settings.llamacpp.threads,
        temperature=settings.llm.temperature,
        max_tokens=settings.llm.max_tokens,
    )
    return ChatBackend("llamacpp", path.name, model, embeddings)
