"""Any OpenAI-compatible endpoint (OpenAI, vLLM, LM Studio, llama.cpp's server, Ollama's /v1)."""

import os

from ..config import Settings
from . import Backend


def create(settings: Settings) -> Backend:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.openai_base_url or None,
        model=settings.openai_model,
        # A local server needs no key, but the client insists on one.
        api_key=os.environ.get(settings.openai_api_key_env) or "not-needed",
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
        temperature=settings.temperature,
        max_completion_tokens=settings.max_tokens,
        streaming=True,
    )
    return Backend("openai", settings.openai_model, model)
