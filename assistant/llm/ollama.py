"""Ollama's native API through langchain-ollama."""

from ..config import Settings
from .chat import ChatBackend


def create(settings: Settings, embeddings) -> ChatBackend:
    from langchain_ollama import ChatOllama

    model = ChatOllama(
        base_url=settings.ollama.base_url,
        model=settings.ollama.model,
        temperature=settings.llm.temperature,
        num_predict=settings.llm.max_tokens,
        client_kwargs={"timeout": settings.llm.timeout},
    )
    return ChatBackend("ollama", settings.ollama.model, model, embeddings)
