"""The grounded pipeline as an OpenAI-compatible API on the app's own server (mounted at /v1 by ui.py):
`GET /v1/models` and `POST /v1/chat/completions`, streaming (SSE) or not.

The reply's content is the verified answer with its [n] markers, then a short sources list, so any
chat client shows where an answer comes from; a refusal is an ordinary answer. The structured
result (citations with quotes and offsets, per-sentence support, refusal) is the extra top-level
field `assistant` of the response, and of the final chunk of a stream. The earlier user/assistant
messages are the conversation's history; system messages are ignored. When the UI has a password,
it is the API key (`Authorization: Bearer <password>`). Usage token counts are always 0.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from .chain import Assistant
from .config import Settings
from .errors import AssistantError
from .llm import default_backend_name
from .question import clean_question
from .results import AnswerResult, Citation, Timings, Turn

PREFIX = "assistant-"  # model id = PREFIX + backend name
QUOTE_CHARS = 160  # of each quote in the sources list (the extra field has the whole quote)
USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}  # not counted: documented as 0
SOURCES = {"de": "Quellen", "en": "Sources"}
VERIFIED = {"de": "Geprüfte Antwort", "en": "Verified answer"}
UNSUPPORTED = {"de": "Nicht belegt", "en": "Not supported"}
SOURCE_LINE = re.compile(r"^- \[(\d+)\] (.*?) \(([\w.\-]+)(?:, (?:S|pp?)\. [\d–]+)?\)(?::|$)", re.MULTILINE)


class ApiError(Exception):
    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.body = status, {"error": {"message": message, "type": kind, "param": param, "code": code}}

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(self.body, status_code=self.status, headers=headers)


def backend_names(settings: Settings) -> list[str]:
    """The backends offered as models: the app's default, extractive, and the installed or configured LLMs."""
    from .llm.llamacpp import available

    names = [default_backend_name(settings), "extractive"]
    if available(settings):
        names.append("llamacpp")
    if settings.openai.base_url or os.environ.get(settings.openai.api_key_env):
        names.append("openai")
    return list(dict.fromkeys(names))


def extra_field(result: AnswerResult) -> dict:
    """The structured result for API clients: a subset of the result object (`AnswerResult.to_dict`)."""
    d = result.to_dict()
    sentences = [{k: s[k] for k in ("text", "citations", "supported", "score", "reason", "start", "end")} for s in d["sentences"]]
    return {"answer": d["answer"], "refused": d["refused"], "refusal_reason": d["refusal_reason"], "notice": d["notice"],
            "standalone_question": d["standalone_question"], "language": d["language"], "citations": d["citations"], "sentences": sentences, "backend": d["backend"],
            "model": d["model"], "fallback": d["fallback"]}


def tail(streamed: str, result: AnswerResult) -> str:
    """What follows the streamed answer: the verified answer when verification changed what was streamed,
    the unsupported sentences, the notice, and the sources list."""
    lang = result.language if result.language in SOURCES else "en"
    parts = []
    if not streamed.strip().endswith(result.answer.strip()):
        parts.append(f"**{VERIFIED[lang]}:** {result.answer}")
    if not result.refused:
        parts += [f"⚠️ {UNSUPPORTED[lang]}: „{s.text}“" for s in result.sentences if not s.supported]
    if result.notice:
        parts.append(f"_{result.notice}_")
    if result.citations:  # also for a partial answer that is refused: its [n] markers need their sources
        lines = [f"**{SOURCES[lang]}:**"]
        for c in result.citations:
            quote = c.quote if len(c.quote) <= QUOTE_CHARS else c.quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
            where = ", ".join(filter(None, [c.doc_id, c.page_label(lang)]))
            lines.append(f"- [{c.n}] {c.title} ({where}): „{' '.join(quote.split())}“")
        parts.append("\n".join(lines))
    return "".join(f"\n\n{p}" for p in parts)


class ChatApi:
    """The answering side: requests checked, answered by the shared Assistant, replies remembered
    by their text so that a later request's history gets the full earlier results back."""

    REMEMBERED = 256

    def __init__(self, assistant: Assistant, settings: Settings, api_keys: list[str] | None):
        self.assistant, self.settings, self.api_keys = assistant, settings, api_keys
        self.started = int(time.time())
        self.slots = threading.BoundedSemaphore(settings.ui.concurrency)  # answers at once, like the UI's queue
        self.recent: OrderedDict[str, AnswerResult] = OrderedDict()
        self.lock = threading.Lock()

    def authorize(self, request: Request) -> None:
        if self.api_keys is None:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        matches = [hmac.compare_digest(token.strip().encode(), key.encode()) for key in self.api_keys]  # all compared: no timing hint
        if scheme.lower() != "bearer" or not any(matches):
            raise ApiError(401, "Missing or wrong API key: send 'Authorization: Bearer <key>' with the app's "
                                "password (ASSISTANT_UI_PASSWORD, or a user's in ASSISTANT_UI_USERS) as the key.", code="invalid_api_key")

    def models(self) -> list[str]:
        return [PREFIX + name for name in backend_names(self.settings)]

    # -- the request ----------------------------------------------------------
    def parse(self, body) -> tuple[str, str, list[Turn]]:
        """(model id, question, history) from a chat.completions request body."""
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        models = self.models()
        model = body.get("model") or models[0]
        if model not in models:
            raise ApiError(400, f"Unknown model {model!r}. Available: {', '.join(models)}.", "model", "model_not_found")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ApiError(400, "'messages' must be a non-empty list of messages.", "messages")
        turns, question = [], None  # question: the latest user message not yet answered
        for i, message in enumerate(messages):
            role = message.get("role") if isinstance(message, dict) else None
            if role in ("system", "developer"):
                continue  # the pipeline has its own instructions
            if role not in ("user", "assistant"):
                raise ApiError(400, f"messages[{i}]: role {role!r} is not supported (only system, user, assistant).",
                               f"messages[{i}].role")
            text = self.text(message.get("content"), i)
            if role == "user":
                question = text
            elif question is not None:
                turns.append(Turn(question, self.remembered(question, text)))
                question = None
        if messages[-1].get("role") != "user" or question is None:
            raise ApiError(400, "The last message must be the user's question.", "messages")
        try:
            clean_question(question)
        except AssistantError as exc:
            raise ApiError(400, str(exc), f"messages[{len(messages) - 1}].content") from None
        return model, question, turns

    @staticmethod
    def text(content, i: int) -> str:
        if content is None or isinstance(content, str):
            return content or ""
        if isinstance(content, list):
            parts = []
            for part in content:
                if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                    kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                    raise ApiError(400, f"messages[{i}]: only text content is supported, not {kind!r}.", f"messages[{i}].content")
                parts.append(part["text"])
            return "\n".join(parts)
        raise ApiError(400, f"messages[{i}].content must be a string or a list of text parts.", f"messages[{i}].content")

    def remembered(self, question: str, content: str) -> AnswerResult:
        """The result behind an earlier reply of this server; for any other text, a result made of it
        (its sources list read back as citations), enough for follow-up questions."""
        with self.lock:
            if content.strip() in self.recent:
                return self.recent[content.strip()]
        answer = re.split(r"\n\n\*\*(?:Quellen|Sources):\*\*", content, maxsplit=1)[0].strip()
        citations = [Citation(int(n), doc_id, "", title, "", 0, 0) for n, title, doc_id in SOURCE_LINE.findall(content)]
        return AnswerResult(question=question, answer=answer, language="", refused=False, citations=citations,
                            sentences=[], backend="", model="", timings=Timings())

    def remember(self, content: str, result: AnswerResult) -> None:
        with self.lock:
            self.recent[content.strip()] = result
            while len(self.recent) > self.REMEMBERED:
                self.recent.popitem(last=False)

    # -- answering -------------------------------------------------------------
    def reply(self, model: str, question: str, history: list[Turn]) -> Iterator[str | AnswerResult]:
        """The reply's content in pieces (the answer as the pipeline streams it, then `tail`), then the result."""
        with self.slots:
            streamed, result = "", None
            for event in self.assistant.stream(question, history=history, backend=model.removeprefix(PREFIX)):
                if isinstance(event, str):
                    streamed += event
                    yield event
                else:
                    result = event
            end = tail(streamed, result)
            yield end
            self.remember(streamed + end, result)
            yield result

    def completion(self, model: str, question: str, history: list[Turn]) -> dict:
        events = list(self.reply(model, question, history))
        content, result = "".join(events[:-1]), events[-1]
        return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
                "model": model, "system_fingerprint": None,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": USAGE, "assistant": extra_field(result)}

    def chunks(self, model: str, question: str, history: list[Turn], usage: bool) -> Iterator[str]:
        """Server-sent events: the role, the content pieces, the final chunk with the extra field, [DONE]."""
        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

        def event(choices: list, **extra) -> str:
            return "data: " + json.dumps({"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                                          "system_fingerprint": None, "choices": choices, **extra}, ensure_ascii=False) + "\n\n"

        def delta(d: dict, finish: str | None = None) -> dict:
            return {"index": 0, "delta": d, "logprobs": None, "finish_reason": finish}

        yield event([delta({"role": "assistant", "content": ""})])
        try:
            for piece in self.reply(model, question, history):
                if isinstance(piece, str):
                    if piece:
                        yield event([delta({"content": piece})])
                else:
                    yield event([delta({}, "stop")], assistant=extra_field(piece))
            if usage:
                yield event([], usage=USAGE)
        except Exception as exc:  # the status line is sent: the error goes into the stream, as OpenAI does
            kind = "invalid_request_error" if isinstance(exc, AssistantError) else "server_error"
            yield f"data: {json.dumps({'error': {'message': str(exc), 'type': kind, 'param': None, 'code': None}})}\n\n"
        yield "data: [DONE]\n\n"


def create_app(assistant: Assistant, settings: Settings, api_keys: list[str] | None) -> FastAPI:
    """The /v1 application; `api_keys`: the UI users' passwords (any one is a key); None: open
    (the UI has no password either)."""
    api = ChatApi(assistant, settings, api_keys)
    app = FastAPI(title="assistant OpenAI-compatible API", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(ApiError, lambda request, exc: exc.response())
    app.add_exception_handler(Exception, lambda request, exc: ApiError(500, f"{exc.__class__.__name__}: {exc}",
                                                                       kind="server_error").response())

    @app.get("/models")
    def models(request: Request):
        api.authorize(request)
        return {"object": "list", "data": [{"id": m, "object": "model", "created": api.started, "owned_by": "assistant"}
                                           for m in api.models()]}

    @app.post("/chat/completions")
    async def chat_completions(request: Request):
        api.authorize(request)
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.") from None
        model, question, history = await run_in_threadpool(api.parse, body)
        try:
            await run_in_threadpool(api.assistant.backend, model.removeprefix(PREFIX))  # a backend that cannot start: 400 now
        except AssistantError as exc:
            raise ApiError(400, str(exc), "model") from None
        if body.get("stream"):
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(api.chunks(model, question, history, usage), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        try:
            return JSONResponse(await run_in_threadpool(api.completion, model, question, history))
        except AssistantError as exc:
            raise ApiError(400, str(exc)) from None

    return app
