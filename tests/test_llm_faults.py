"""Faults on the hosted path: the LLM server is down, too slow, or answers garbage.
Each must give a clear, labelled extractive answer within the timeout, never a crash."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.chain import Assistant
from conftest import CORPUS, free_port

QUESTION = "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?"


class FaultyServer(BaseHTTPRequestHandler):
    """A real HTTP server that misbehaves the way broken LLM servers do."""

    mode = "slow"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "slow":
            time.sleep(30)
        body = b"<html>502 Bad Gateway</html>" if self.mode == "garbage" else b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def faulty_server(request):
    handler = type("Handler", (FaultyServer,), {"mode": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def assistant_for(ready_index, base_url):
    settings = ready_index.settings.replace(**{"openai_base_url": base_url, "llm_timeout": 2.0, "llm_retries": 0})
    return Assistant(settings, ready_index)


def assert_labelled_fallback(result, started, limit):
    assert result.fallback and "openai" in result.fallback
    assert result.answer.startswith("Hinweis: Das Sprachmodell (openai) hat nicht geantwortet")
    assert "70 Prozent" in result.answer and result.citations
    assert time.perf_counter() - started < limit


def test_server_down(ready_index):
    assistant = assistant_for(ready_index, f"http://127.0.0.1:{free_port()}/v1")
    started = time.perf_counter()
    assert_labelled_fallback(assistant.ask(QUESTION, backend="openai"), started, 10)


@pytest.mark.parametrize("faulty_server", ["slow"], indirect=True)
def test_server_slower_than_the_timeout(ready_index, faulty_server):
    assistant = assistant_for(ready_index, faulty_server)
    started = time.perf_counter()
    result = assistant.ask(QUESTION, backend="openai")
    assert_labelled_fallback(result, started, 12)
    assert "Timeout" in result.fallback


@pytest.mark.parametrize("faulty_server", ["garbage", "empty"], indirect=True)
def test_server_returning_malformed_output(ready_index, faulty_server):
    assistant = assistant_for(ready_index, faulty_server)
    started = time.perf_counter()
    result = assistant.ask(QUESTION, backend="openai")
    assert result.fallback and "70 Prozent" in result.answer and result.citations
    assert time.perf_counter() - started < 10
    json.dumps(result.to_dict())  # still a complete, serialisable result


def test_ollama_server_down(ready_index):
    settings = ready_index.settings.replace(ollama_base_url=f"http://127.0.0.1:{free_port()}", llm_timeout=2.0)
    result = Assistant(settings, ready_index).ask(QUESTION, backend="ollama")
    assert result.backend == "ollama" and result.fallback and "(ollama)" in result.fallback
    assert "70 Prozent" in result.answer and result.citations


def test_api_keys_never_appear_in_output_or_results(tmp_path):
    import json as _json

    from conftest import run_cli

    secret = "sk-test-SECRET-0123456789abcdef"
    env = {"OPENAI_API_KEY": secret, "ASSISTANT_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
           "ASSISTANT_LLM_TIMEOUT": "2", "ASSISTANT_LLM_RETRIES": "0", "ASSISTANT_DATA_DIR": str(tmp_path)}
    for args in (["ask", QUESTION, "--backend", "openai", "--json"], ["ask", QUESTION, "--backend", "openai"], ["info", "--json"]):
        result = run_cli(*args, env=env)
        assert result.returncode == 0, result.stderr
        assert secret not in result.stdout and secret not in result.stderr
    answer = _json.loads(run_cli("ask", QUESTION, "--backend", "openai", "--json", env=env).stdout)
    assert answer["fallback"] and secret not in _json.dumps(answer)


def test_an_invented_sentence_is_dropped_and_the_supported_one_kept(ready_index):
    """The model writes one sentence its passage supports and one it invents (numbers no passage
    holds): the answer keeps the first, drops the second, and is not replaced by the fallback."""
    from scripted_llm import scripted_chat_server

    reply = ("Das Wort sozial ist aus dem lateinischen socius abgeleitet und bedeutet gemeinsam [1]. "
             "Die Firma verkauft seit 2020 Äpfel für 12 Euro [1].")
    with scripted_chat_server(reply) as url:
        settings = ready_index.settings.replace(openai_base_url=url, llm_retries=0, reader="off")
        result = Assistant(settings, ready_index).ask("Was bedeutet das lateinische Wort socius?", backend="openai")
    assert not result.fallback and not result.refused
    assert result.answer == "Das Wort sozial ist aus dem lateinischen socius abgeleitet und bedeutet gemeinsam [1]."
    assert [s.supported for s in result.sentences] == [True] and result.raw_answer == reply
    assert result.citations[0].doc_id == "000_d8e9858a35932665"


def test_a_sentence_copied_from_the_prompts_example_is_never_kept(ready_index):
    """The worked example in the prompt is about a lighthouse no article mentions: a model that
    copies it has that sentence marked and dropped, whatever its support score."""
    from scripted_llm import scripted_chat_server

    from assistant.prompts import EXAMPLE, EXAMPLE_WORDS

    corpus = " ".join(p.read_text(encoding="utf-8").lower() for p in CORPUS.glob("*.txt"))
    assert not [w for w in EXAMPLE_WORDS if w in corpus]  # so the check can never drop a real answer
    reply = "Das Wort sozial ist aus dem lateinischen socius abgeleitet und bedeutet gemeinsam [1]. " + EXAMPLE["de"][1]
    with scripted_chat_server(reply) as url:
        settings = ready_index.settings.replace(openai_base_url=url, llm_retries=0, reader="off", drop_unsupported=False)
        marked = Assistant(settings, ready_index).ask("Was bedeutet das lateinische Wort socius?", backend="openai")
        kept = Assistant(settings.replace(drop_unsupported=True), ready_index).ask("Was bedeutet das lateinische Wort socius?", backend="openai")
    assert [(s.supported, s.reason) for s in marked.sentences][1] == (False, "copied from the prompt's worked example")
    assert kept.answer == "Das Wort sozial ist aus dem lateinischen socius abgeleitet und bedeutet gemeinsam [1]."
    with scripted_chat_server(EXAMPLE["de"][1]) as url:
        only_copy = Assistant(ready_index.settings.replace(openai_base_url=url, llm_retries=0, reader="off"), ready_index).ask(
            "Was bedeutet das lateinische Wort socius?", backend="openai")
    assert only_copy.fallback and "Leuchtturm" not in only_copy.answer  # the labelled extractive answer instead


def test_a_supported_sentence_citing_the_wrong_passage_is_kept_with_the_right_citation(ready_index):
    """The model cites a neighbouring passage for a sentence another passage states: the answer
    keeps the sentence, cited to the passage that supports it, instead of falling back."""
    from scripted_llm import scripted_chat_server

    question = "Was bedeutet das lateinische Wort socius?"
    settings = ready_index.settings.replace(llm_retries=0)
    passages = Assistant(settings, ready_index).retriever.search(question, k=settings.retrieval.k, mode="hybrid")
    right = next(n for n, p in enumerate(passages, 1) if "socius" in p.text)
    wrong = next(n for n, p in enumerate(passages, 1) if "socius" not in p.text and "gemeinsam" not in p.text)
    reply = f"Das Wort sozial ist aus dem lateinischen socius abgeleitet und bedeutet gemeinsam [{wrong}]."
    with scripted_chat_server(reply) as url:
        result = Assistant(settings.replace(openai_base_url=url), ready_index).ask(question, backend="openai")
    assert not result.fallback and not result.refused, result.answer
    assert result.answer == reply.replace(f"[{wrong}]", f"[{right}]")
    assert result.sentences[0].reason == f"re-attributed: cited [{wrong}], supported by [{right}]"
    assert [c.n for c in result.citations] == [right] and "socius" in result.citations[0].quote
    assert result.raw_answer == reply
