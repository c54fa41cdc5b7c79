"""Conversations that persist, feedback and its export: a real app process, a real browser (Debian
chromium), a restart of the app, and the exported ratings run through `assistant eval`."""

import json
import signal

import pytest

from conftest import free_port, read_jsonl, run_cli, wait_for_http
from test_ui import ARTIFACTS, CHROMIUM, start_app

from assistant.conversations import ConversationStore, Rating
from assistant.evaluation.questions import REQUIRED
from assistant.feedback import question_line
from assistant.errors import AssistantError

SOCIUS = "Was bedeutet das lateinische Wort socius?"
FAZIT = "Welche Vorteile sozialer Medien nennt das Fazit?"
BUDGET_EN = "For how many years should the social media budget be secured?"
NOT_THERE = "Wie viele Mitarbeiter hat die Online-Agentur Zieltraffic?"


class App:
    """`python app.py` on a data directory, started and stopped like a user would."""

    def __init__(self, data_dir, env=None):
        self.data_dir, self.env, self.proc = data_dir, env, None

    def start(self) -> str:
        port = free_port()
        self.proc = start_app(self.data_dir, port, env=self.env)
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, self.proc, 180, self.data_dir.parent / f"app-{port}.log")
        return url

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # Ctrl-C: the store must hold everything said before it
        self.proc.wait(30)

    def kill(self) -> None:
        """After a failed test: no app may outlive it (a leaked one skews every benchmark after it)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def apps():
    """Makes App objects and kills whatever of them still runs when the test ends, passed or not."""
    made = []

    def make(data_dir, env=None):
        made.append(App(data_dir, env))
        return made[-1]

    yield make
    for app in made:
        app.kill()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield browser
        browser.close()


def open_page(browser, url, **context):
    # an English browser: the English UI (the answers follow the question's language, not the UI's)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-US", **context).new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    return page


def ask(page, question: str) -> None:
    answers = page.locator("#chat .message.bot").count()
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function("""n => { const bots = document.querySelectorAll('#chat .message.bot');
        return bots.length > n && bots[bots.length - 1].innerText.includes('extractive ·'); }""", arg=answers, timeout=60_000)
    page.wait_for_function("q => document.querySelector('#conversations').innerText.length > 0", arg=question)


def listed(page) -> list[str]:
    return [t.strip() for t in page.locator("#conversations label").all_inner_texts()]


def status(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => document.querySelector(s).innerText.includes(t)", arg=[selector, text], timeout=30_000)


def test_conversations_persist_across_a_restart_with_ratings_rename_delete_and_export(browser, apps, tmp_path):
    data = tmp_path / "data"
    app = apps(data)
    page = open_page(browser, app.start())

    # Two conversations: the first with two questions, rated; the second with one.
    ask(page, SOCIUS)
    page.wait_for_function("q => document.querySelector('#conversation-title textarea').value === q", arg=SOCIUS)
    ask(page, NOT_THERE)
    page.locator("#chat button[aria-label='Like']").nth(0).click()
    status(page, "#feedback-status", "👍")
    page.locator("#chat button[aria-label='Dislike']").nth(1).click()
    status(page, "#feedback-status", "👎")
    page.fill("#comment textarea", "Schade, das hätte ich gern gewusst.")
    page.click("#save-comment")
    status(page, "#feedback-status", "comment saved")
    page.click("#new-chat")
    page.wait_for_function("() => !document.querySelector('#chat .message')")
    ask(page, BUDGET_EN)
    page.locator("#chat button[aria-label='Like']").nth(0).click()
    status(page, "#feedback-status", "👍")
    assert listed(page) == [BUDGET_EN, SOCIUS]  # newest first, titled by the first question
    app.stop()

    # After a restart: both listed; the first opens with its answers and sources.
    page = open_page(browser, app.start())
    page.wait_for_function("() => document.querySelectorAll('#conversations label').length === 2", timeout=30_000)
    assert listed(page) == [BUDGET_EN, SOCIUS]
    page.locator("#conversations label", has_text=SOCIUS).click()
    page.wait_for_function("() => document.querySelectorAll('#chat .message.bot').length === 2", timeout=30_000)
    chat = page.inner_text("#chat")
    assert SOCIUS in chat and NOT_THERE in chat and "gemeinsam" in chat
    # the ratings given before the restart show on their answers
    labels = page.evaluate("() => [...document.querySelectorAll('#chat button')].map(b => b.getAttribute('aria-label'))")
    assert [label for label in labels if label in ("Liked", "Disliked")] == ["Liked", "Disliked"]
    status(page, "#sources", "Keine Quellen")  # the sources of the last answer: a refusal
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-conversations.png"), full_page=True)

    # A click on the first answer brings its sources back.
    page.locator("#chat .message.bot").first.click()
    status(page, "#sources", "Ein Blick in den Duden belegt jedoch")

    # Going on in the reopened conversation: the answer joins it (its history is the stored results).
    ask(page, "Und woher stammt das Wort?")
    assert listed(page) == [SOCIUS, BUDGET_EN]  # the conversation just used comes first

    # Export as Markdown, with the quotes.
    page.wait_for_function("() => !document.querySelector('#export').disabled", timeout=30_000)
    with page.expect_download() as download:
        page.click("#export")
    markdown = open(download.value.path(), encoding="utf-8").read()
    assert download.value.suggested_filename.endswith(".md")
    assert markdown.startswith(f"# {SOCIUS}") and f"## Frage 1: {SOCIUS}" in markdown and "**Quellen:**" in markdown
    assert "„Ein Blick in den Duden belegt jedoch" in markdown and f"## Frage 2: {NOT_THERE}" in markdown
    assert "## Frage 3: Und woher stammt das Wort?" in markdown

    # Rename and delete, and the list follows.
    page.fill("#conversation-title textarea", "Herkunft von sozial")
    page.click("#rename")
    page.wait_for_function("() => document.querySelector('#conversations').innerText.includes('Herkunft von sozial')")
    page.locator("#conversations label", has_text=BUDGET_EN).click()
    page.wait_for_function("() => document.querySelectorAll('#chat .message.bot').length === 1", timeout=30_000)
    page.click("#delete")
    page.wait_for_function("() => document.querySelectorAll('#conversations label').length === 1", timeout=30_000)
    assert listed(page) == ["Herkunft von sozial"] and not page.locator("#chat .message").count()

    # The evaluation tab counts the ratings (the deleted conversation's rating went with it).
    page.click("button[role=tab]:has-text('Evaluation')")
    status(page, "body", "👍 1 · 👎 1 · 1 mit Kommentar")
    app.stop()

    # The exported ratings are a question file the eval runs.
    exported = tmp_path / "feedback.jsonl"
    result = run_cli("--data-dir", str(data), "feedback", "export", "--out", str(exported))
    assert result.returncode == 0, result.stderr
    rows = {row["question"]: row for row in read_jsonl(exported)}
    assert rows[SOCIUS]["answerable"] is True and rows[SOCIUS]["gold_docs"] == ["000_d8e9858a35932665"]
    assert rows[SOCIUS]["rating"] == "up" and not rows[SOCIUS]["needs_review"]
    # 👎 on a refusal: the user expected an answer; which article holds it is for a reviewer to add
    assert rows[NOT_THERE]["answerable"] is True and rows[NOT_THERE]["needs_review"] and rows[NOT_THERE]["gold_docs"] == []
    assert rows[NOT_THERE]["rating"] == "down" and rows[NOT_THERE]["comment"] == "Schade, das hätte ich gern gewusst."
    evaluation = run_cli("--data-dir", str(data), "eval", "--questions", str(exported), "--backend", "extractive",
                         "--out", str(tmp_path / "eval"), timeout=300)
    assert evaluation.returncode == 0, evaluation.stderr
    summary = json.loads((tmp_path / "eval" / "summary.json").read_text())
    assert summary  # the runner read the file and wrote its summary
    print(json.dumps(summary)[:2000])


def test_each_signed_in_user_sees_only_their_own_conversations(browser, apps, tmp_path):
    app = apps(tmp_path / "data", env={"ASSISTANT_UI_USERS": "anna:pw-anna-1,ben:pw-ben-2"})
    url = app.start()

    def signed_in(user, password):
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
        page.goto(url)
        page.fill("input[type=text]", user)
        page.fill("input[type=password]", password)
        page.click("button:has-text('Login')")
        page.wait_for_selector("#question textarea", timeout=60_000)
        return page

    anna = signed_in("anna", "pw-anna-1")
    ask(anna, SOCIUS)
    ben = signed_in("ben", "pw-ben-2")
    ask(ben, FAZIT)
    assert listed(ben) == [FAZIT]
    anna.reload()
    anna.wait_for_selector("#question textarea", timeout=60_000)
    anna.wait_for_function("() => document.querySelectorAll('#conversations label').length === 1", timeout=30_000)
    assert listed(anna) == [SOCIUS]
    app.stop()

    store = ConversationStore(tmp_path / "data" / "conversations.sqlite3")
    (bens,) = store.list("ben")
    with pytest.raises(AssistantError, match="No conversation"):  # another user's conversation does not exist for anna
        store.turns(bens.id, "anna")
    with pytest.raises(AssistantError, match="No conversation"):
        store.delete(bens.id, "anna")
    assert [c.title for c in store.list("ben")] == [FAZIT]


def test_a_damaged_conversation_store_is_a_clear_error_and_answers_still_come(browser, apps, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    garbage = b"this is not a database" * 100
    (data / "conversations.sqlite3").write_bytes(garbage)
    app = apps(data)
    page = open_page(browser, app.start())  # the app starts all the same
    ask(page, SOCIUS)
    chat = page.inner_text("#chat")
    assert "gemeinsam" in chat and "conversation store" in chat and "cannot be used" in chat
    app.stop()
    assert (data / "conversations.sqlite3").read_bytes() == garbage  # nothing overwritten


def rating(value: int, refused: bool, comment: str | None = None, cited=("003_9528e93dca253b73",)) -> Rating:
    result = {"language": "de", "refused": refused, "answer": "…", "citations": [] if refused else [{"doc_id": d} for d in cited]}
    return Rating("c0ffee00aa", 2, "Frage?", result, value, comment, "")


@pytest.mark.parametrize("given, answerable, gold, review", [
    (rating(1, False, cited=("b", "a", "b")), True, ["b", "a"], False),  # a good answer: its articles are the gold ones
    (rating(1, True), False, [], False),  # a refusal the user agrees with
    (rating(-1, True, "Das steht doch im Fazit!"), True, [], True),  # a false refusal
    (rating(-1, False, "Steht so nicht im Artikel, erfunden."), False, [], False),
    (rating(-1, False, "The articles don't say that."), False, [], False),
    (rating(-1, False, "This is not in the articles at all"), False, [], False),
    (rating(-1, False, "Falsche Zahl, es sind 70 Prozent."), True, [], True),  # wrong answer to an answerable question
    (rating(-1, False), True, [], True),
])
def test_a_rating_becomes_an_eval_question(given, answerable, gold, review):
    line = question_line(given)
    assert (line["answerable"], line["gold_docs"], line["needs_review"]) == (answerable, gold, review)
    assert line["id"] == "fb-c0ffee00-2" and line["facts"] == [] and line["style"] == "feedback"
    assert REQUIRED <= set(line)
