"""Any OpenAI-compatible endpoint (OpenAI, vLLM, LM Studio, llama.cpp's server, Ollama's /v1)."""

import os

from ..config import Settings
from .chat import ChatBackend


def create(settings: Settings, embeddings) -> ChatBackend:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.openai.base_url or None,
        model=settings.openai.model,
        # A local server needs no key, but the client insists on one.
        api_key=os.environ.get(settings.openai.api_key_env) or "not-needed",
        timeout=settings.llm.timeout,
        max_retries=settings.llm.retries,
        temperature=settings.llm.temperature,
        max_completion_tokens=settings.llm.max_tokens,
        streaming=True,
    )
    return ChatBackend("openai", settings.openai.model, model, embeddings)
