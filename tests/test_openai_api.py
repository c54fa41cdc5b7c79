"""The OpenAI-compatible API (/v1 on the app's own server), started as `python app.py`, driven by the
official `openai` client and by langchain-openai's ChatOpenAI."""

import time

import httpx
import openai
import pytest

from conftest import free_port, wait_for_http
from test_ui import start_app

MODEL = "assistant-extractive"
SOCIUS = "Was bedeutet das lateinische Wort socius?"
SOCIUS_DOC = "000_d8e9858a35932665"
USER, PASSWORD = "redaktion", "s3cret-Passwort"


def serve(data_dir, env=None):
    port = free_port()
    started = time.perf_counter()
    proc = start_app(data_dir, port, env=env)
    wait_for_http(f"http://127.0.0.1:{port}/", proc, 180, data_dir.parent / f"app-{port}.log")
    print(f"python app.py to first HTTP 200: {time.perf_counter() - started:.1f} s")
    return proc, f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("openai-api") / "data"


@pytest.fixture(scope="module")
def base_url(data_dir):
    proc, url = serve(data_dir)  # the first run builds the index
    yield url
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def client(base_url):
    return openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=120)


def ask(client, *messages, **kwargs):
    return client.chat.completions.create(model=MODEL, messages=[{"role": r, "content": c} for r, c in messages], **kwargs)


def test_content_marks_what_verification_changed():
    from assistant.grounding import SentenceSupport
    from assistant.openai_api import tail
    from assistant.results import AnswerResult, Citation, Timings

    result = AnswerResult(question="q", answer="Gesagt ist A [1]. B [1].", language="de", refused=False,
                          citations=[Citation(1, "doc", "doc#0", "Titel", "A " * 100, 0, 200)],
                          sentences=[SentenceSupport("Gesagt ist A [1].", [1], True, 0.9), SentenceSupport("B [1].", [1], False, 0.2)],
                          backend="llamacpp", model="m", timings=Timings(), notice="Kurz.")
    streamed = "Gesagt ist A [1] [7]. B [1]."  # the model's text, before verification dropped [7]
    text = tail(streamed, result)
    assert text.startswith("\n\n**Geprüfte Antwort:** Gesagt ist A [1]. B [1].\n\n⚠️ Nicht belegt: „B [1].“\n\n_Kurz._")
    assert text.endswith("**Quellen:**\n- [1] Titel (doc): „" + ("A " * 80).strip() + " …“")
    assert tail(result.answer, result).startswith("\n\n⚠️")  # streamed as verified: nothing repeated


def test_history_from_another_servers_reply_reads_its_sources_back():
    from types import SimpleNamespace

    from assistant.openai_api import ChatApi

    api = ChatApi(None, SimpleNamespace(ui=SimpleNamespace(concurrency=1)), None)
    content = ("Die Artikel sagen dazu: X [1]. Y [2].\n\n**Quellen:**\n- [1] Social Media: Stucture (follows) Strategy "
               "(000_d8e9858a35932665): „X.“\n- [2] Keine Angst vor Social Media (001_0641b772f0ced2db): „Y (z): w.“")
    result = api.remembered("Frage?", content)
    assert result.answer == "Die Artikel sagen dazu: X [1]. Y [2]." and result.question == "Frage?"
    assert [(c.n, c.doc_id, c.title) for c in result.citations] == [
        (1, "000_d8e9858a35932665", "Social Media: Stucture (follows) Strategy"), (2, "001_0641b772f0ced2db", "Keine Angst vor Social Media")]


def test_models_lists_the_backends(client):
    models = client.models.list().data
    assert [m.id for m in models] == [MODEL] and models[0].object == "model"


def test_answer_cites_the_article_with_quotes_at_their_offsets(client, articles):
    response = ask(client, ("system", "Antworte kurz."), ("user", SOCIUS))
    choice = response.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant" and response.model == MODEL
    content, extra = choice.message.content, response.assistant
    assert "gemeinsam" in content and "[1]" in content
    assert "**Quellen:**" in content and f"({SOCIUS_DOC})" in content  # plain clients see the sources
    assert extra["refused"] is False and extra["language"] == "de" and extra["backend"] == "extractive"
    assert extra["fallback"] is None and extra["answer"] in content
    first = extra["citations"][0]
    assert first["doc_id"] == SOCIUS_DOC and first["n"] == 1 and first["title"] == articles[SOCIUS_DOC].title
    for citation in extra["citations"]:
        assert articles[citation["doc_id"]].text[citation["start"]:citation["end"]] == citation["quote"]
    assert "socius" in first["quote"]
    assert extra["sentences"] and all(s["supported"] and s["citations"] for s in extra["sentences"])
    assert response.usage.total_tokens == 0  # documented: not counted
    assert response.model_extra["assistant"] == extra


def test_streaming_gives_the_same_answer_then_the_extra_field(client):
    whole = ask(client, ("user", SOCIUS))
    chunks = list(ask(client, ("user", SOCIUS), stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason][-1]
    assert final.choices[0].finish_reason == "stop" and final is chunks[-2]  # then the usage chunk
    assert final.assistant["citations"] == whole.assistant["citations"]
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 0


def test_follow_up_uses_the_earlier_messages(client):
    first_q = "Welche Faktoren nennt Elke Frank für ein erfolgreiches Social-Media-Engagement?"
    first = ask(client, ("user", first_q)).choices[0].message.content
    follow = ask(client, ("user", first_q), ("assistant", first), ("user", "Und wie lange sollte das Budget gesichert sein?"))
    assert first_q in follow.assistant["standalone_question"]
    assert "drei Jahre" in follow.choices[0].message.content
    # an assistant message this server did not write (another client's history) is history too
    other = ask(client, ("user", first_q), ("assistant", "Budget, Personal, Commitment."), ("user", "Und wie lange sollte das Budget gesichert sein?"))
    assert first_q in other.assistant["standalone_question"]


def test_unanswerable_question_is_an_ordinary_refusal(client):
    response = ask(client, ("user", "Wie hoch ist der Eiffelturm?"))
    content, extra = response.choices[0].message.content, response.assistant
    assert response.choices[0].finish_reason == "stop"
    assert extra["refused"] is True and extra["refusal_reason"] and extra["citations"] == []
    assert content == extra["answer"] == "Dazu enthalten die Artikel keine Informationen."


def test_english_question_gets_an_english_answer(client):
    response = ask(client, ("user", "For how many years should the social media budget be secured?"))
    content, extra = response.choices[0].message.content, response.assistant
    assert extra["language"] == "en" and content.startswith("The articles are in German")
    assert "drei Jahre" in content and "**Sources:**" in content and "Quellen" not in content


def test_langchain_chat_openai_invoke_and_stream(base_url):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=base_url, api_key="unused", model=MODEL, max_retries=0, timeout=120)
    message = llm.invoke(SOCIUS)
    assert "gemeinsam" in message.content and SOCIUS_DOC in message.content
    assert message.response_metadata["finish_reason"] == "stop"
    streamed = list(llm.stream(SOCIUS))
    assert len(streamed) > 1 and "".join(c.content for c in streamed) == message.content


@pytest.mark.parametrize(
    "body, message",
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": SOCIUS}]}, "Unknown model 'gpt-4o'. Available: assistant-extractive"),
        ({"model": MODEL, "messages": []}, "'messages' must be a non-empty list"),
        ({"model": MODEL, "messages": [{"role": "user", "content": "  \n "}]}, "The question is empty"),
        ({"model": MODEL, "messages": [{"role": "system", "content": "Sei nett."}]}, "The last message must be the user's question"),
        ({"model": MODEL, "messages": [{"role": "user", "content": SOCIUS}, {"role": "assistant", "content": "x"}]},
         "The last message must be the user's question"),
        ({"model": MODEL, "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]},
         "only text content is supported, not 'image_url'"),
        ({"model": MODEL, "messages": [{"role": "tool", "content": "42", "tool_call_id": "a"}, {"role": "user", "content": SOCIUS}]},
         "role 'tool' is not supported"),
    ],
)
def test_bad_requests_are_400_with_an_openai_error(client, body, message):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**body)
    assert caught.value.status_code == 400 and message in caught.value.body["message"]
    assert caught.value.body["type"] == "invalid_request_error"


def test_text_parts_are_a_question_and_broken_json_is_400(client, base_url):
    parts = [{"type": "text", "text": "Was bedeutet das lateinische"}, {"type": "text", "text": "Wort socius?"}]
    response = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": parts}])
    assert response.assistant["citations"][0]["doc_id"] == SOCIUS_DOC
    broken = httpx.post(f"{base_url}/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]["message"]


def test_with_a_ui_password_the_api_needs_it_as_key(base_url, data_dir):
    # one user by ASSISTANT_UI_USER/PASSWORD, a second in ASSISTANT_UI_USERS: either password is a key
    proc, url = serve(data_dir, env={"ASSISTANT_UI_USER": USER, "ASSISTANT_UI_PASSWORD": PASSWORD,
                                     "ASSISTANT_UI_USERS": "ben:zweites-Passwort"})  # the index exists
    try:
        for key in ("wrong", USER):
            with pytest.raises(openai.AuthenticationError) as caught:
                openai.OpenAI(base_url=url, api_key=key, max_retries=0).models.list()
            assert caught.value.status_code == 401 and caught.value.body["code"] == "invalid_api_key"
        missing = httpx.post(f"{url}/chat/completions", json={"model": MODEL, "messages": [{"role": "user", "content": SOCIUS}]})
        assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["error"]["message"]
        assert missing.headers["www-authenticate"] == "Bearer"
        client = openai.OpenAI(base_url=url, api_key=PASSWORD, max_retries=0, timeout=120)
        assert [m.id for m in client.models.list().data] == [MODEL]
        assert ask(client, ("user", SOCIUS)).assistant["citations"][0]["doc_id"] == SOCIUS_DOC
        # the UI still has its own login on the same server
        root = url.removesuffix("/v1")
        assert httpx.get(f"{root}/config").status_code == 401
        login = httpx.post(f"{root}/login", data={"username": USER, "password": PASSWORD})
        assert login.status_code == 200 and login.json() == {"success": True}
        second = openai.OpenAI(base_url=url, api_key="zweites-Passwort", max_retries=0, timeout=120)
        assert [m.id for m in second.models.list().data] == [MODEL]
        assert httpx.post(f"{root}/login", data={"username": "ben", "password": "zweites-Passwort"}).json() == {"success": True}
        assert httpx.post(f"{root}/login", data={"username": "ben", "password": PASSWORD}).status_code == 400
    finally:
        proc.terminate()
        proc.wait(20)
