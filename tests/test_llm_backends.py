"""The local (llama-cpp-python in-process) and hosted (OpenAI-compatible HTTP) paths, against
real parts: a tiny random-weight GGUF in llama-cpp-python and in `python -m llama_cpp.server`,
(fixtures in conftest.py). The real Qwen models are measured in eval/results/compare."""

import shutil
import subprocess
import sys

from assistant.chain import Assistant, Turn
from assistant.llm import default_backend_name


QUESTION = "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?"


def test_llamacpp_in_process_streams_and_the_verifier_catches_random_text(ready_index, tiny_model):
    settings = ready_index.settings.replace(**{"llamacpp_model": str(tiny_model), "max_tokens": 40, "llamacpp_ctx": 16384})
    assistant = Assistant(settings, ready_index)
    events = list(assistant.stream(QUESTION, backend="llamacpp"))
    result = events[-1]
    assert result.backend == "llamacpp" and result.model == "tiny.gguf"
    assert len(events) > 2 and result.timings.ttft_s is not None  # tokens were streamed
    # Random weights produce nothing the passages support: labelled extractive fallback.
    assert result.fallback and "nicht mit den Artikeln belegen" in result.fallback
    assert result.answer.startswith("Hinweis:") and "70 Prozent" in result.answer
    assert result.raw_answer and result.raw_answer == "".join(events[:-2])  # what the model wrote, kept for audits


def test_openai_backend_against_a_real_openai_compatible_server(ready_index, llama_server):
    settings = ready_index.settings.replace(**{"openai_base_url": llama_server, "openai_model": "tiny", "max_tokens": 40, "llm_timeout": 30})
    assistant = Assistant(settings, ready_index)
    first = assistant.ask(QUESTION, backend="openai")
    assert first.backend == "openai" and first.model == "tiny"
    assert first.timings.ttft_s is not None and first.fallback and "belegen" in first.fallback  # answered, not verified
    follow = assistant.ask("Und was sagt der zweite Artikel dazu?", history=[Turn(QUESTION, first)], backend="openai")
    assert follow.retrieved and follow.language == "de"  # condensing through the server did not break retrieval


def test_an_installed_local_model_becomes_the_default_backend(tmp_path, tiny_model):
    from assistant.config import Settings

    settings = Settings(data_dir=tmp_path)
    assert default_backend_name(settings) == "extractive"
    settings.models_dir.mkdir(parents=True)
    shutil.copy(tiny_model, settings.models_dir / "tiny.gguf")
    assert default_backend_name(settings) == "llamacpp"
    assert default_backend_name(settings.replace(**{"backend": "openai"})) == "openai"


def test_a_process_that_used_the_local_model_exits_without_a_traceback(tiny_model):
    # Held only by load_llama's cache, as in the app: freed during the interpreter's teardown.
    code = ("from assistant.llm.llamacpp import load_llama\n"
            f"load_llama({str(tiny_model)!r}, 512, 1).create_completion('Hallo', max_tokens=2)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr
