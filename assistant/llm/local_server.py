"""The local GGUF model in a process of its own: llama-cpp-python's OpenAI-compatible server
(`python -m assistant.llm.llama_server`: llama_cpp.server after loading the CPU kernels, see
llm/ggml_backends.py), started, watched and restarted by the app or the CLI.

Why a process: a crash in llama.cpp's native code (a kernel built for the wrong CPU, an
out-of-memory abort) kills the process it runs in. In a child it kills only the child: the
answer in flight falls back to the labelled extractive answer, and the next question starts
the model again. Starting never blocks: while the model loads, questions get the extractive
answer with a notice.
"""

from __future__ import annotations

import atexit
import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import AssistantError
from ..servers import free_port, wait_for_http


def capped(model, max_tokens: int, **body):
    """`model` (a ChatOpenAI talking to llama_cpp.server) bound to write at most `max_tokens`, with `body` in the
    request. The server reads only "max_tokens" from the body; ChatOpenAI sends its cap as "max_completion_tokens",
    which the server ignores: without the body's, a model that did not stop wrote until its context was full."""
    return model.bind(max_completion_tokens=max_tokens, extra_body={**body, "max_tokens": max_tokens})

class LocalModelStarting(AssistantError):
    """The local model's process is (re)starting; ask again in a few seconds."""


def _die_with_parent() -> None:
    """Run in the child before exec: Linux sends it SIGTERM when the app dies, even by SIGKILL,
    so no model process is left behind."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class LocalModelServer:
    def __init__(self, model: Path, n_ctx: int, n_threads: int, log_dir: Path, start_timeout: float = 300,
                 options: tuple[str, ...] = ()):
        self.model, self.n_ctx, self.n_threads = model, n_ctx, n_threads
        self.options = options  # further llama_cpp.server arguments (flash attention, speculative decoding)
        self.warm_up: Callable[[], object] | None = None  # a first request once it answers (fills the prompt cache)
        self.log_path = log_dir / f"llama-server-{model.stem}.log"
        self.start_timeout = start_timeout
        self.port = free_port()
        self.starts = 0  # how often the process was started (1 + restarts)
        self.last_error = ""
        self._proc: subprocess.Popen | None = None
        self._ready = False
        self._lock = threading.Lock()
        self._starting = False
        self._spawned_at = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def ready(self) -> bool:
        """True when the model answers; otherwise (not started, died, loading) starts it in the background."""
        if self._ready and self._proc is not None and self._proc.poll() is None:
            return True
        if self._ready and self._proc is not None:  # it died since it was last seen alive
            self.last_error = f"the local model's process ended with {self._describe(self._proc.returncode)}"
            self._ready = False
        self.start()
        return False

    def require(self) -> str:
        """The base URL, or LocalModelStarting with what is happening."""
        if self.ready():
            return self.base_url
        why = f" ({self.last_error})" if self.last_error else ""
        raise LocalModelStarting(f"the local model {self.model.name} is starting{why}; this answer is extractive")

    def start(self) -> None:
        """Start the process in the background unless it runs or is starting."""
        with self._lock:
            if self._starting or (self._ready and self._proc is not None and self._proc.poll() is None):
                return
            self._starting = True
        threading.Thread(target=self._run, name="local-model", daemon=True).start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the model answers (for the CLI and the tests); False at once when a start
        begun meanwhile failed (`last_error` says why), not after restarting it until the timeout."""
        deadline = time.monotonic() + (timeout or self.start_timeout)
        starts = self.starts
        while time.monotonic() < deadline:
            if self.starts > starts and not self._starting and self.last_error:
                return False  # before ready(), which would start it again
            if self.ready():
                return True
            time.sleep(0.1)
        return False

    def state(self) -> str:
        """What the process is doing, for a 'not ready' message: alive and for how long, or how
        it ended, and the last lines of its log."""
        proc = self._proc
        if proc is None:
            where = "no process started"
        elif proc.poll() is None:
            where = (f"process {proc.pid} alive for {time.monotonic() - self._spawned_at:.0f} s, "
                     f"not answering on port {self.port}")
        else:
            where = f"process {proc.pid} ended with {self._describe(proc.returncode)}"
        tail = ""
        if self.log_path.exists():
            lines = self.log_path.read_text(errors="replace").splitlines()[-5:]
            tail = "; log: " + " | ".join(line.strip() for line in lines)
        return f"{where} (started {self.starts}x){tail}"

    def stop(self) -> None:
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def _run(self) -> None:
        """Start the process, wait until it answers, then watch it. This thread stays while the
        child lives: Linux delivers PDEATHSIG when the thread that started the child ends."""
        ready = False
        try:
            proc = self._spawn()
            self._spawned_at = time.monotonic()
            ready = self._wait_answering(proc)
            if ready and self.warm_up is not None:
                try:
                    self.warm_up()
                except Exception:  # only a head start: the first question then prefills it instead
                    pass
        except Exception as exc:  # anything unforeseen is recorded, never a silent dead thread
            self.last_error = f"starting the local model failed: {exc!r}"
        finally:
            self._starting = False
        if ready:
            code = proc.wait()
            if self._proc is proc and self._ready:
                self._ready = False
                self.last_error = f"the local model's process ended with {self._describe(code)}"

    def _spawn(self) -> subprocess.Popen:
        old = self._proc
        if old is not None and old.poll() is None:
            old.kill()  # alive but not answering: replace it
            old.wait(5)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "assistant.llm.llama_server", "--model", str(self.model), "--host", "127.0.0.1",
                 "--port", str(self.port), "--n_ctx", str(self.n_ctx), "--n_threads", str(self.n_threads),
                 "--model_alias", self.model.name, *self.options],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
            )
        self._proc = proc
        self.starts += 1
        return proc

    def _wait_answering(self, proc: subprocess.Popen) -> bool:
        try:
            wait_for_http(f"{self.base_url}/models", proc, self.start_timeout)  # kills it on timeout
        except RuntimeError:
            self.last_error = (f"the local model's process ended with {self._describe(proc.returncode)} "
                               f"while loading; see {self.log_path}")
            return False
        except TimeoutError:
            self.last_error = f"the local model did not answer within {self.start_timeout:.0f} s; see {self.log_path}"
            return False
        self._ready, self.last_error = True, ""
        return True

    @staticmethod
    def _describe(code: int | None) -> str:
        if code is not None and code < 0:
            return f"signal {signal.Signals(-code).name}"
        return f"exit code {code}"


_SERVERS: dict[tuple, LocalModelServer] = {}
_SERVERS_LOCK = threading.Lock()


def server_for(model: Path, n_ctx: int, n_threads: int, log_dir: Path, options: tuple[str, ...] = ()) -> LocalModelServer:
    """One server per model and settings in this process, started on first use."""
    key = (str(model.resolve()), n_ctx, n_threads, options)
    with _SERVERS_LOCK:
        if key not in _SERVERS:
            _SERVERS[key] = LocalModelServer(model, n_ctx, n_threads, log_dir, options=options)
        return _SERVERS[key]


@atexit.register
def _stop_all() -> None:
    """Stop every local model server this process started (at exit, and by the tests)."""
    for server in list(_SERVERS.values()):
        server.stop()
