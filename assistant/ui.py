"""The Gradio app: chat with cited sources, article browser, evaluation, upload.

`python app.py` builds it with `build_app` and serves it, with the OpenAI-compatible API
(openai_api.py) at /v1 on the same server.
Every browser session has its own conversation (gr.State).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping
from html import escape
from pathlib import Path

import gradio as gr

from .chain import Assistant
from . import language_shift
from .config import PROJECT_DIR, Settings, load_settings, offline_environment
from .conversations import ConversationStore, export_name
from .corpus import SUFFIX_HINT, SUFFIXES, load_articles, size_limit
from .errors import AssistantError
from .llm import BACKENDS, default_backend_name
from .eval_explorer import explorer
from .render import CSS, answer_markdown, article_html, sources_html
from .results import Turn
from .service import open_assistant
from .ui_text import EXAMPLES, I18N, browser_language, t
from .webpages import fetch

UPLOAD_SUFFIXES = SUFFIXES
RATING_LABELS = {1: "Like", -1: "Dislike"}
ARTICLE_CHOICES = 2000  # the chatbot's feedback values for a stored rating


class AppState:
    """What all sessions share: the assistant (index, models) and the article texts."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None):
        self.settings = settings
        self.assistant = assistant or open_assistant(settings)
        self.uploads = settings.data_dir / "uploads"
        self._articles: tuple[str, ArticleTexts] = ("", ArticleTexts({}, settings))

    @property
    def articles(self) -> ArticleTexts:
        """doc id -> Article for every document in the index, each read from its file when first
        shown; the list is read again whenever the index's revision changes (an upload here, or an
        ingest or removal by another process)."""
        index = self.assistant.index
        revision = index.revision()
        if revision != self._articles[0]:
            self._articles = (revision, ArticleTexts({m["doc_id"]: m for m in index.documents()}, self.settings))
        return self._articles[1]


class ArticleTexts(Mapping):
    """The indexed articles by doc id, parsed from their files on first access (not all at start:
    at 1M chunks that is 93k files, ~15 minutes)."""

    def __init__(self, metas: dict[str, dict], settings: Settings):
        self.metas, self.settings, self._loaded = metas, settings, {}

    def __getitem__(self, doc_id: str):
        if doc_id not in self._loaded:
            path = Path(self.metas[doc_id].get("path") or "")
            limits = self.settings.ingest
            found, _ = load_articles([path], limits.max_file_bytes, max_document_bytes=limits.max_document_bytes) if path.is_file() else ([], [])
            self._loaded[doc_id] = found[0] if found else None
        if self._loaded[doc_id] is None:
            raise KeyError(doc_id)
        return self._loaded[doc_id]

    def __iter__(self):
        return iter(self.metas)

    def __len__(self) -> int:
        return len(self.metas)

    def titles(self) -> list[tuple[str, str]]:
        """(title, doc id) of every article, from the index's metadata (no file is read)."""
        return [(meta.get("title") or doc_id, doc_id) for doc_id, meta in self.metas.items()]


WARM_SENTENCE_CHUNKS = 2000  # up to this size the index's sentences are embedded at start (~0.6 s per 100 chunks)


def warm_up(assistant: Assistant) -> None:
    """What the first answer would otherwise wait for on a large index (the articles' metadata, the
    domain words, BM25: ~15 s at 1M chunks through a server), read while the page loads; on a small
    index also the sentence vectors the rerank needs (the first question on a fresh index waited
    0.6 s for them; a large index fills them as questions come), and the English–German direction
    (640 questions embedded once per data directory, ~3 s)."""
    try:
        retriever = assistant.retriever
        retriever.bm25()
        articles = retriever.articles()
        retriever.domain_words()
        language_shift.direction(retriever.index.model.embeddings, retriever.sentence_vectors())  # an English question's first search
        if retriever.index.count() <= WARM_SENTENCE_CHUNKS:
            _, texts, _ = retriever.index.chunks_of([a.doc_id for a in articles])
            for i in range(0, len(texts), 50):  # in steps: each reaches the disk (and other processes) at once
                retriever.sentence_vectors().of(texts[i:i + 50])
    except Exception as exc:  # a warm-up that fails leaves the work to the first question, which reports it
        print(f"warm-up: {exc}", file=sys.stderr)


def safe_filename(name: str) -> str:
    """The last path component only, reduced to letters, digits, '.', '-' and '_'."""
    base = re.sub(r"[^\w.\-]", "_", Path(name.replace("\\", "/")).name).lstrip(".")
    return base or "upload.txt"


def build_app(settings: Settings, assistant: Assistant | None = None) -> gr.Blocks:
    """The UI; `assistant`: one already open (the server shares it with the OpenAI-compatible API)."""
    state = AppState(settings, assistant)
    assistant = state.assistant
    conversations = ConversationStore(settings.data_dir / "conversations.sqlite3")
    exports = Path(tempfile.mkdtemp(prefix="assistant-exports-"))  # the Markdown downloads of this app process
    default_backend = default_backend_name(settings)
    try:
        assistant.backend(default_backend)  # a local model starts loading now, in its own process, without blocking
    except AssistantError as exc:
        print(f"backend {default_backend}: {exc}", file=sys.stderr)
    threading.Thread(target=warm_up, args=(assistant,), daemon=True, name="warm-up").start()

    def respond(message, chat, turns, conversation, backend, k, hybrid, show_scores, request: gr.Request):
        chat = list(chat or [])
        turns = list(turns or [])
        chat += [{"role": "user", "content": escape(message or "")}, {"role": "assistant", "content": "…"}]
        yield chat, turns, gr.skip(), "", gr.skip(), gr.skip(), gr.skip(), gr.skip()
        text, result = "", None
        try:
            for event in assistant.stream(message, history=turns, backend=backend, k=int(k), mode="hybrid" if hybrid else "dense"):
                if isinstance(event, str):
                    text += event
                    chat[-1]["content"] = escape(text)
                    yield chat, turns, gr.skip(), "", gr.skip(), gr.skip(), gr.skip(), gr.skip()
                else:
                    result = event
        except AssistantError as exc:
            chat[-1]["content"] = f"⚠️ {escape(str(exc))}"
            yield chat, turns, gr.skip(), "", gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat[-1]["content"] = assistant_message(result, show_scores)
        turns.append(Turn(message, result))
        user = user_of(request)
        title = gr.skip()
        try:  # the answer stays on screen even when it cannot be stored
            if not conversation:
                conversation = conversations.start(user, message)
                title = conversations.title(conversation, user)
            conversations.append(conversation, user, message, result)
        except AssistantError as exc:
            chat[-1]["content"] += f"<br><i>⚠️ {escape(str(exc))}</i>"
        listing = gr.update(choices=conversation_choices(user), value=conversation)
        # the export in the same update as the answer: a download right after it has the answer in it
        yield chat, turns, sources_html(result, state.articles, show_scores), "", conversation, listing, title, export_file(conversation, request)

    def assistant_message(result, show_scores: bool) -> str:
        content = answer_markdown(result, show_scores)
        return f"<i>{escape(result.notice)}</i><br>{content}" if result.notice else content

    def user_of(request: gr.Request | None) -> str:
        """Whose conversations: the signed-in user, or "" without authentication."""
        return (getattr(request, "username", None) or "") if request else ""

    def conversation_choices(user: str) -> list[tuple[str, str]]:
        try:
            return [(c.title, c.id) for c in conversations.list(user)]
        except AssistantError as exc:  # a damaged store: the chat still works, the list says why it is empty
            print(exc, file=sys.stderr)
            return []

    def examples_for(request: gr.Request):
        return gr.update(samples=[[q] for q in EXAMPLES[browser_language(request.headers.get("accept-language"))]])

    def list_conversations(request: gr.Request):
        return gr.update(choices=conversation_choices(user_of(request)), value=None)

    def open_conversation(conversation, show_scores, request: gr.Request):
        """A stored conversation back on screen: its questions, answers, ratings and the last sources."""
        user = user_of(request)
        try:
            turns = conversations.turns(conversation, user)
            title = conversations.title(conversation, user)
            ratings = [RATING_LABELS.get(r) for r in conversations.ratings_of(conversation, user)]
        except AssistantError as exc:
            return [], [], f"<div class='src-empty'>⚠️ {escape(str(exc))}</div>", None, "", gr.update(choices=conversation_choices(user), value=None)
        chat = []
        for turn in turns:
            chat += [{"role": "user", "content": escape(turn.question)},
                     {"role": "assistant", "content": assistant_message(turn.result, show_scores)}]
        sources = sources_html(turns[-1].result, state.articles, show_scores) if turns else ""
        return gr.update(value=chat, feedback_value=ratings), turns, sources, conversation, title, gr.skip()

    def sources_of(data: gr.SelectData, turns, show_scores):
        """A click on a message shows the sources of that answer (of its answer, for a question)."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        n = int(index) // 2 if index is not None else -1
        if not 0 <= n < len(turns or []):
            return gr.skip()
        return sources_html(turns[n].result, state.articles, show_scores)

    def rename_conversation(conversation, title, request: gr.Request):
        user = user_of(request)
        if not conversation:
            return gr.skip(), "Erst ein Gespräch wählen. / Choose a conversation first."
        try:
            conversations.rename(conversation, user, title or "")
        except AssistantError as exc:
            return gr.skip(), f"⚠️ {escape(str(exc))}"
        return gr.update(choices=conversation_choices(user), value=conversation), ""

    def delete_conversation(conversation, request: gr.Request):
        user = user_of(request)
        if conversation:
            try:
                conversations.delete(conversation, user)
            except AssistantError as exc:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), f"⚠️ {escape(str(exc))}"
        return [], [], "", None, "", gr.update(choices=conversation_choices(user), value=None), ""

    def export_file(conversation, request: gr.Request):
        """The download button's file: the conversation on screen as Markdown (none: disabled)."""
        if not conversation:
            return gr.update(value=None, interactive=False)
        user = user_of(request)
        try:
            text = conversations.markdown(conversation, user)
            # one folder per conversation, rewritten with every answer (not a new temporary folder each time)
            target = exports / conversation / export_name(conversations.title(conversation, user))
        except AssistantError:
            return gr.update(value=None, interactive=False)
        shutil.rmtree(target.parent, ignore_errors=True)  # a renamed conversation leaves no file of its old name
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8")
        return gr.update(value=str(target), interactive=True)

    def rate_answer(data: gr.LikeData, conversation, request: gr.Request):
        """👍/👎 on an answer: stored with its result; the comment box then belongs to that answer."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        rating = {True: 1, False: -1, **{label: value for value, label in RATING_LABELS.items()}}.get(data.liked)
        if not conversation or index is None:
            return None, "⚠️ Nur gespeicherte Antworten lassen sich bewerten. / Only stored answers can be rated."
        try:
            conversations.rate(conversation, user_of(request), int(index) // 2, rating)
        except AssistantError as exc:
            return None, f"⚠️ {escape(str(exc))}"
        thanks = {1: "👍 gespeichert / saved", -1: "👎 gespeichert – gern mit Kommentar / saved – a comment helps", None: "Bewertung entfernt / rating removed"}
        return int(index) // 2, thanks[rating]

    def save_comment(conversation, rated, comment, request: gr.Request):
        if not conversation or rated is None:
            return gr.skip(), "Erst eine Antwort mit 👍 oder 👎 bewerten. / Rate an answer with 👍 or 👎 first."
        try:
            conversations.comment(conversation, user_of(request), int(rated), comment or "")
        except AssistantError as exc:
            return gr.skip(), f"⚠️ {escape(str(exc))}"
        return "", "Kommentar gespeichert / comment saved"

    def api_ask(question: str, backend: str = "") -> dict:
        """Answer one question (no history); returns the whole result object."""
        try:
            return assistant.ask(question, backend=backend or default_backend).to_dict()
        except AssistantError as exc:
            return {"error": str(exc)}

    def new_chat():
        return gr.update(value=[], feedback_value=[]), [], "", None, "", gr.update(value=None), None

    def upload(files, url, replace, progress=gr.Progress()):
        url = (url or "").strip()
        if not files and not url:
            return "Keine Datei und keine Adresse angegeben. / No file or address given.", gr.skip(), gr.skip(), gr.skip()
        state.uploads.mkdir(parents=True, exist_ok=True)
        messages, saved, backups = [], [], {}
        given = [(Path(f if isinstance(f, str) else f.name), getattr(f, "orig_name", None)) for f in files or []]
        fetched_dir = None
        if url:
            fetched_dir = Path(tempfile.mkdtemp(prefix="fetch-", dir=state.uploads))
            try:
                given.append((fetch(url, fetched_dir, settings.ingest.max_document_bytes), None))
            except AssistantError as exc:
                messages.append(f"❌ {escape(str(exc))}")
        for source, original_name in given:
            name = safe_filename(original_name or source.name)
            target = state.uploads / name
            if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
                messages.append(f"❌ {escape(name)}: nur / only {SUFFIX_HINT}")
            elif source.stat().st_size > (limit := size_limit(name, settings.ingest.max_file_bytes, settings.ingest.max_document_bytes)):
                messages.append(f"❌ {escape(name)}: größer als {limit:,} Bytes / larger than the limit")
            elif target.exists() and not replace:
                messages.append(f"❌ {escape(name)}: schon hochgeladen; zum Ersetzen „Ersetzen“ ankreuzen / "
                                f"already uploaded; tick 'replace' to replace it")
            else:
                if target.exists():  # kept until the new version is in the index
                    backups[target] = target.with_name(f".{target.name}.replaced")
                    target.replace(backups[target])
                shutil.copyfile(source, target)
                address = source.with_name(source.name + ".url")  # a fetched page's address goes with it
                if address.exists():
                    shutil.copyfile(address, target.with_name(target.name + ".url"))
                saved.append(target)
        if fetched_dir:
            shutil.rmtree(fetched_dir, ignore_errors=True)
        if saved:
            try:
                report = assistant.index.ingest(saved, progress=lambda done, total: progress(done / max(total, 1), desc="Einbetten / embedding"),
                                                prune=False, replace=bool(replace))
            except AssistantError as exc:
                for target in saved:  # nothing of this upload stays: the old files come back
                    target.unlink(missing_ok=True)
                    target.with_name(target.name + ".url").unlink(missing_ok=True)
                    if target in backups:
                        backups.pop(target).replace(target)
                return finished(messages + [f"❌ {escape(str(exc))}"]), gr.skip(), None, gr.skip()
            for skip in report.skipped:
                Path(skip.path).unlink(missing_ok=True)  # do not keep a file the index rejected
                Path(skip.path + ".url").unlink(missing_ok=True)
                if Path(skip.path) in backups:
                    backups.pop(Path(skip.path)).replace(skip.path)
                messages.append(f"❌ {escape(Path(skip.path).name)}: {escape(skip.reason)}")
            messages += [f"✅ {escape(doc)}" for doc in report.documents]
            messages.append(escape(report.summary()))
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        return finished(messages), gr.update(choices=article_choices()), None, ""  # None, "": empty the inputs

    def finished(messages: list[str]) -> str:
        # the hidden id tells this result from the previous one (same text) to a browser, e.g. the tests
        return "<br>".join(messages) + f'<span class="upload-done" hidden>{uuid.uuid4().hex}</span>'

    def article_choices():
        # A dropdown of 93k articles (1M chunks) is a 14 MB page: the first ARTICLE_CHOICES are listed,
        # any other opens by typing its doc id.
        return [(f"{title} ({doc_id})", doc_id) for title, doc_id in state.articles.titles()[:ARTICLE_CHOICES]]

    def show_article(doc_id):
        article = state.articles.get(doc_id)
        return article_html(article) if article else ""

    eval_dir = settings.data_dir / "eval" / "latest"
    recorded_dir = PROJECT_DIR / "eval" / "results" / "extractive"

    def eval_view():
        folder = eval_dir if (eval_dir / "report.md").exists() else recorded_dir
        report = (folder / "report.md").read_text() if (folder / "report.md").exists() else "Noch kein Bericht. / No report yet."
        report = report.replace("![metrics](metrics.png)", "").replace("![latency](latency.png)", "")
        images = [str(folder / n) for n in ("metrics.png", "latency.png") if (folder / n).exists()]
        try:
            counts = conversations.rating_counts()
            ratings = (f"**Bewertungen im Chat / ratings:** 👍 {counts['up']} · 👎 {counts['down']} · "
                       f"{counts['commented']} mit Kommentar / with a comment — als Fragedatei / as a question file: "
                       f"`assistant feedback export --out eval/feedback.jsonl`\n\n")
        except AssistantError as exc:
            ratings = f"⚠️ {exc}\n\n"
        return ratings + report, images

    # the project's question files: the dev file (the default), the held-out test and holdout files
    eval_files = {path.name: path for path in sorted((PROJECT_DIR / "eval").glob("questions*.jsonl"))}

    def run_eval(file_name, progress=gr.Progress(track_tqdm=True)):
        from .evaluation.runner import run_eval as run

        run(eval_files.get(file_name, PROJECT_DIR / "eval" / "questions.jsonl"), ["extractive"], eval_dir, settings, baseline=False)
        return eval_view()

    with gr.Blocks(title="Social-Media-Strategie · Assistent") as app:
        gr.Markdown(t("intro"))
        with gr.Tab(t("tab_chat")):
            conversation = gr.State(None)  # the id of the stored conversation on screen (None: not stored yet)
            rated = gr.State(None)  # the number of the answer rated last, which a comment belongs to
            with gr.Row():
                with gr.Column(scale=1, min_width=220):
                    gr.Markdown(t("conversations"))
                    history_list = gr.Radio([], label=t("conversations_list"), show_label=False, elem_id="conversations")
                    conversation_title = gr.Textbox(label=t("title"), elem_id="conversation-title")
                    with gr.Row():
                        rename = gr.Button(t("rename"), size="sm", elem_id="rename")
                        delete = gr.Button(t("delete"), size="sm", variant="stop", elem_id="delete")
                    export = gr.DownloadButton(t("export"), size="sm", interactive=False, elem_id="export")
                    conversation_status = gr.Markdown(elem_id="conversation-status")
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label=t("chat"), height=480, elem_id="chat")
                    question = gr.Textbox(label=t("question"), placeholder=t("question_placeholder"), elem_id="question")
                    with gr.Row():
                        send = gr.Button(t("send"), variant="primary", elem_id="send")
                        clear = gr.Button(t("new_chat"), elem_id="new-chat")
                    with gr.Row():
                        comment = gr.Textbox(label=t("comment"), scale=4, elem_id="comment")
                        save = gr.Button(t("save_comment"), scale=1, size="sm", elem_id="save-comment")
                    feedback_status = gr.Markdown(elem_id="feedback-status")
                    # A Dataset, not gr.Examples: its samples change with the browser's language at page load, and a
                    # click hands over the sample shown (gr.Examples may fill in its own first list by index).
                    examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES["de"]], label=t("examples"),
                                          type="values", elem_id="examples")
                with gr.Column(scale=2):
                    gr.Markdown(t("sources"))
                    sources = gr.HTML(elem_id="sources")
            with gr.Accordion(t("settings"), open=False):
                backend = gr.Dropdown(list(BACKENDS), value=default_backend, label=t("backend"))
                k = gr.Slider(1, 10, value=settings.retrieval.k, step=1, label=t("k"))
                hybrid = gr.Checkbox(value=settings.retrieval.hybrid, label=t("hybrid"))
                show_scores = gr.Checkbox(value=False, label=t("show_scores"))
            turns = gr.State([])
            inputs = [question, chatbot, turns, conversation, backend, k, hybrid, show_scores]
            outputs = [chatbot, turns, sources, question, conversation, history_list, conversation_title, export]
            shown = [chatbot, turns, sources, conversation, conversation_title, history_list]
            send.click(respond, inputs, outputs, api_visibility="private")
            question.submit(respond, inputs, outputs, api_visibility="private")
            for event in (clear.click(new_chat, None, shown + [rated], api_visibility="private"),
                          chatbot.clear(new_chat, None, shown + [rated], api_visibility="private"),  # its own 🗑 button
                          history_list.input(open_conversation, [history_list, show_scores], shown, api_visibility="private"),
                          rename.click(rename_conversation, [conversation, conversation_title], [history_list, conversation_status],
                                       api_visibility="private"),
                          delete.click(delete_conversation, conversation, shown + [conversation_status], api_visibility="private")):
                event.then(export_file, conversation, export, api_visibility="private")  # the export always holds what is on screen
            chatbot.like(rate_answer, conversation, [rated, feedback_status], api_visibility="private")
            chatbot.select(sources_of, [turns, show_scores], sources, api_visibility="private")
            save.click(save_comment, [conversation, rated, comment], [comment, feedback_status], api_visibility="private")
            app.load(list_conversations, None, history_list, api_visibility="private")
            # the example questions in the browser's language, like the labels (gr.I18n)
            app.load(examples_for, None, examples, api_visibility="private")
            examples.click(lambda sample: sample[0], examples, question, api_visibility="private")
        with gr.Tab(t("tab_articles")):
            choice = gr.Dropdown(article_choices(), label=t("article"), allow_custom_value=True, elem_id="article-choice")
            article_view = gr.HTML()
            choice.change(show_article, choice, article_view, api_visibility="private")
        with gr.Tab(t("tab_eval")) as eval_tab:
            with gr.Row():
                eval_file = gr.Dropdown(list(eval_files), value="questions.jsonl", label=t("eval_file"), elem_id="eval-file")
                run_button = gr.Button(t("run_eval"))
            report_view = gr.Markdown()
            gallery = gr.Gallery(label=t("plots"), columns=2, height=320)
            run_button.click(run_eval, eval_file, [report_view, gallery], api_visibility="private")
            app.load(eval_view, None, [report_view, gallery], api_visibility="private")
            eval_tab.select(eval_view, None, [report_view, gallery], api_visibility="private")
            with gr.Accordion(t("explore"), open=True):
                refresh_runs, run_lists = explorer([PROJECT_DIR / "eval" / "results", settings.data_dir / "eval"],
                                                   lambda: state.articles, settings.data_dir / "eval" / "compare")
            app.load(refresh_runs, None, run_lists, api_visibility="private")
        with gr.Tab(t("tab_upload")):
            files = gr.File(file_count="multiple", file_types=list(UPLOAD_SUFFIXES), label=t("files"))
            url = gr.Textbox(label=t("url"), placeholder="https://…", elem_id="upload-url")
            replace = gr.Checkbox(value=False, label=t("replace"), elem_id="replace")
            upload_button = gr.Button(t("add"), elem_id="upload")
            upload_result = gr.HTML(elem_id="upload-result")
            upload_button.click(upload, [files, url, replace], [upload_result, choice, files, url], api_visibility="private")
        app.load(lambda: gr.update(choices=article_choices()), None, choice, api_visibility="private")
        gr.api(api_ask, api_name="ask")
    app.queue(default_concurrency_limit=settings.ui.concurrency, max_size=settings.ui.queue_size)
    return app


def is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


def ui_users() -> list[tuple[str, str]] | None:
    """Who may sign in: ASSISTANT_UI_USER / ASSISTANT_UI_PASSWORD, and ASSISTANT_UI_USERS as
    "name:password,name:password". Each user has their own conversations."""
    users = []
    user, password = os.environ.get("ASSISTANT_UI_USER"), os.environ.get("ASSISTANT_UI_PASSWORD")
    if user and password:
        users.append((user, password))
    for entry in filter(None, (e.strip() for e in os.environ.get("ASSISTANT_UI_USERS", "").split(","))):
        name, _, secret = entry.partition(":")
        if not name.strip() or not secret:
            raise AssistantError(f"ASSISTANT_UI_USERS: {name.strip() or entry!r} needs the form name:password")
        users.append((name.strip(), secret))
    return users or None


def launch(settings: Settings, host: str | None = None, port: int | None = None, no_auth: bool = False) -> None:
    host = host or settings.ui.host
    port = port or settings.ui.port
    auth = ui_users()
    if not auth and not is_loopback(host) and not no_auth:
        raise AssistantError(
            f"Binding to {host} makes the app reachable from other machines: set ASSISTANT_UI_USER and "
            f"ASSISTANT_UI_PASSWORD (or ASSISTANT_UI_USERS), or pass --no-auth if that is really intended."
        )
    from fastapi import FastAPI

    from .openai_api import create_app

    assistant = open_assistant(settings)
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # One server, one port: the OpenAI-compatible API at /v1 (the UI's password is its key), the UI at /.
    server.mount("/v1", create_app(assistant, settings, api_keys=[password for _, password in auth] if auth else None))
    server = gr.mount_gradio_app(server, build_app(settings, assistant), path="/", auth=auth, css=CSS, footer_links=["api", "settings"], i18n=I18N,
                                 show_error=True, server_name=host, server_port=port)
    print(f"serving on http://{host}:{port} (backend: {default_backend_name(settings)}; "
          f"OpenAI-compatible API: http://{host}:{port}/v1)", file=sys.stderr)
    serve(server, host, port)


def serve(server, host: str, port: int) -> None:
    """uvicorn until Ctrl-C or SIGTERM. Then the UI's session streams (Gradio's heartbeats, held open by
    every browser tab and gradio_client) end at once, as Gradio's own server ends them, instead of
    holding the graceful shutdown open; any other stream is cut after 3 s."""
    import asyncio

    import uvicorn

    from gradio.routes import App

    ui_app = next(route.app for route in server.routes if isinstance(getattr(route, "app", None), App))

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            asyncio.get_running_loop().call_soon_threadsafe(ui_app.stop_event.set)

    try:
        Server(uvicorn.Config(server, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)).run()
    except KeyboardInterrupt:  # uvicorn passes Ctrl-C on after its shutdown: a normal end
        pass


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="app.py", description="Start the Gradio app.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1, ASSISTANT_UI_HOST)")
    parser.add_argument("--port", type=int, help="port (default 7860, ASSISTANT_UI_PORT)")
    parser.add_argument("--no-auth", action="store_true", help="allow a non-loopback address without credentials")
    args = parser.parse_args(argv)
    offline_environment()
    try:
        launch(load_settings(), args.host, args.port, args.no_auth)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
