"""Ollama's native API through langchain-ollama."""

from ..config import Settings
from . import Backend


def create(settings: Settings) -> Backend:
    from langchain_ollama import ChatOllama

    model = ChatOllama(
        base_url=settings.ollama_base_url,
        model=settings.ollama_model,
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )
    return Backend("ollama", settings.ollama_model, model)
