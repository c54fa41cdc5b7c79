"""The local (llama-cpp-python's server in a managed child process) and hosted (OpenAI-compatible
HTTP) paths, against real parts: a tiny quantized random-weight GGUF in `python -m assistant.llm.llama_server` (llama_cpp.server),
(fixtures in conftest.py). The real Qwen models are measured in eval/results/llamacpp-models.md."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

from assistant.chain import Assistant, Turn
from assistant.llm import default_backend_name


QUESTION = "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?"


def test_the_local_model_runs_in_its_own_process_and_the_verifier_catches_random_text(ready_index, tiny_model):
    settings = ready_index.settings.replace(**{"llamacpp_model": str(tiny_model), "max_tokens": 40, "llamacpp_ctx": 16384})
    assistant = Assistant(settings, ready_index)
    backend = assistant.backend("llamacpp")
    assert backend.wait_ready() is None and backend.server.pid not in (None, os.getpid())
    events = list(assistant.stream(QUESTION, backend="llamacpp"))
    result = events[-1]
    assert result.backend == "llamacpp" and result.model == "tiny.gguf"
    assert len(events) > 2 and result.timings.ttft_s is not None  # tokens were streamed
    # Random weights produce nothing the passages support: labelled extractive fallback.
    assert result.fallback and "nicht mit den Artikeln belegen" in result.fallback
    assert result.answer.startswith("Hinweis:") and "70 Prozent" in result.answer
    assert result.raw_answer and result.raw_answer == "".join(events[:-2])  # what the model wrote, kept for audits
    # max_tokens reaches the server: random weights never stop, and it once wrote until the context was full
    # (llama_cpp.server ignores the "max_completion_tokens" ChatOpenAI sends)
    runs = [int(n) for n in re.findall(r"eval time =.*?/\s*(\d+) runs", backend.server.log_path.read_text(errors="replace"))]
    assert runs and max(runs) <= 40, runs


def test_a_switch_of_language_loads_the_saved_prompt_start_instead_of_prefilling_it(ready_index, tiny_model):
    """The German and English answer prompts start differently, and the server reuses only the prefix a
    prompt shares with the one before: English, German, English prefilled the English system prompt and
    example twice. The server keeps the state of each prompt start (llm/prefix_cache.py): the second English
    question loads it (its log: "cache hit", then the prefix-match of the whole English start)."""
    import re

    from assistant.prompts import answer_prompt

    settings = ready_index.settings.replace(**{"llamacpp_model": str(tiny_model), "max_tokens": 5, "llamacpp_ctx": 16384})
    assistant = Assistant(settings, ready_index)
    backend = assistant.backend("llamacpp")
    assert backend.wait_ready() is None
    english = "What share of the discussion about banks takes place on social media channels?"
    list(assistant.stream(english, backend="llamacpp"))
    list(assistant.stream(QUESTION, backend="llamacpp"))
    seen = len(backend.server.log_path.read_text(encoding="utf-8", errors="replace"))
    list(assistant.stream(english, backend="llamacpp"))
    log = backend.server.log_path.read_text(encoding="utf-8", errors="replace")[seen:]
    start = answer_prompt("en").format_messages(question="", passages="")[:-1]  # system prompt and worked example
    start_bytes = sum(len(m.content.encode()) for m in start)  # the tiny model's vocabulary is byte-level
    hits = [int(n) for n in re.findall(r"(\d+) prefix-match hit", log)]
    assert "cache hit" in log and hits and hits[-1] >= start_bytes


def test_killing_the_model_process_during_an_answer_falls_back_then_restarts_it(ready_index, tiny_model):
    settings = ready_index.settings.replace(**{"llamacpp_model": str(tiny_model), "max_tokens": 200, "llamacpp_ctx": 16384,
                                               "llamacpp_threads": 1})
    assistant = Assistant(settings, ready_index)
    backend = assistant.backend("llamacpp")
    assert backend.wait_ready() is None
    first_pid, starts = backend.server.pid, backend.server.starts
    events, killed = [], False
    for event in assistant.stream(QUESTION, backend="llamacpp"):
        events.append(event)
        if isinstance(event, str) and not killed:
            os.kill(first_pid, signal.SIGKILL)  # a crash in native code, mid-answer
            killed = True
    result = events[-1]
    assert killed and result.fallback and "70 Prozent" in result.answer  # the labelled extractive answer
    assert result.answer.startswith("Hinweis:")

    during = assistant.ask(QUESTION, backend="llamacpp")  # the model is restarting: nothing waits
    assert "starting" in during.fallback and "SIGKILL" in during.fallback and "70 Prozent" in during.answer
    assert backend.wait_ready() is None
    assert backend.server.pid != first_pid and backend.server.starts == starts + 1
    after = assistant.ask(QUESTION, backend="llamacpp")
    assert after.raw_answer  # the restarted model wrote this answer


def test_no_model_process_outlives_the_process_that_started_it(tiny_model, tmp_path):
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from assistant.config import Settings\n"
            "from assistant.llm import create_backend\n"
            f"s = Settings(data_dir=Path({str(tmp_path)!r}), llamacpp_model={str(tiny_model)!r})\n"
            "b = create_backend('llamacpp', s, None)\n"
            "assert b.wait_ready() is None\n"
            "print(b.server.pid, flush=True)\n"
            "time.sleep(float(sys.argv[1]))\n")
    # A normal exit stops the model's process, without a traceback.
    done = subprocess.run([sys.executable, "-c", code, "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert gone(int(done.stdout.split()[0]))
    # Killed outright (SIGKILL, no atexit): the kernel stops the model's process too.
    parent = subprocess.Popen([sys.executable, "-c", code, "60"], stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    assert gone(pid)


def gone(pid: int, within: float = 15) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


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


def test_the_model_loads_the_best_cpu_kernels_without_amx(tiny_model):
    """The README's runtime-dispatch build installs one ggml-cpu library per CPU generation, which
    llama-cpp-python does not load: llm/ggml_backends.py loads the best one without AMX (whose
    matmul crashes on this CPU), in the decode check and in the model server's process."""
    from tiny_gguf import check_decodes

    from assistant.llm.ggml_backends import AMX_VARIANTS, variant_files

    variant = check_decodes(tiny_model).split()[-1]
    server = subprocess.run([sys.executable, "-m", "assistant.llm.llama_server", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert server.returncode == 0 and "--n_threads" in server.stdout
    if not variant_files():  # the CPU kernels are linked in: nothing to choose
        assert variant == "linked-in" and "CPU backend" not in server.stderr
        return
    assert variant not in AMX_VARIANTS and f"llama.cpp CPU backend: {variant} (" in server.stderr
    assert "AMX" not in server.stderr.split("CPU backend:")[1].splitlines()[0]
    flags = set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    if {"avx512f", "avx512vbmi", "avx512_vnni", "avx512_bf16"} <= flags:
        assert variant == "zen4"  # AVX-512 VBMI/VNNI/BF16: the fastest variant without AMX (1.55x prompt speed)
    elif "avx2" in flags and "fma" in flags:
        assert variant in ("haswell", "skylakex", "cannonlake", "cascadelake", "icelake", "cooperlake", "zen4", "alderlake")


def test_a_model_process_that_cannot_start_says_why(tmp_path):
    """A file that is no GGUF: the real model process exits while loading, and 'not ready' says how
    it ended and where its log is, instead of only 'not ready' (the stop-37 CI failure had nothing
    to go on)."""
    from assistant.llm.llamacpp import LocalBackend
    from assistant.llm.local_server import LocalModelServer

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    server = LocalModelServer(broken, 512, 1, tmp_path / "logs", start_timeout=120)
    backend = LocalBackend(server, chat_model=None, embeddings=None)
    try:
        problem = backend.wait_ready(60)
    finally:
        server.stop()
    assert problem and "broken.gguf is not ready" in problem
    assert "ended with exit code" in problem and str(server.log_path) in problem and "log:" in problem
