"""The Gradio app, started as `python app.py`, driven through gradio_client and a real browser
(Debian chromium via Python playwright). Screenshots go to test-artifacts/."""

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_documents import made, website  # noqa: F401  (fixtures: made documents, a local HTTP server serving them)
from conftest import CORPUS, DOC_IDS, PROJECT_DIR, children, free_port, read_jsonl, run_cli, start_cli, wait_for_http

ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def start_app(data_dir: Path, port: int, *extra: str, env: dict | None = None) -> subprocess.Popen:
    environment = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_BACKEND": "extractive", **(env or {})}
    log = open(data_dir.parent / f"app-{port}.log", "w")
    return subprocess.Popen([sys.executable, str(PROJECT_DIR / "app.py"), "--port", str(port), *extra],
                            env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_DIR, start_new_session=True)


@pytest.fixture(scope="module")
def app_data(tmp_path_factory):
    return tmp_path_factory.mktemp("app") / "data"


@pytest.fixture(scope="module")
def app_url(app_data):
    data_dir = app_data
    port = free_port()
    started = time.perf_counter()
    proc = start_app(data_dir, port)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url, proc, 180, data_dir.parent / f"app-{port}.log")
    print(f"python app.py to first HTTP 200 (cold, index built): {time.perf_counter() - started:.1f} s")
    yield url
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_api_answers_with_citations(client):
    result = client.predict("Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?", "extractive", api_name="/ask")
    assert "70 Prozent" in result["answer"] and result["citations"][0]["doc_id"] == "000_d8e9858a35932665"
    english = client.predict("What role did earned media play in Barack Obama's first election victory?", "", api_name="/ask")
    assert english["language"] == "en" and english["citations"][0]["doc_id"] == "004_c2c9fdd1f531437e"
    assert client.predict("   ", "", api_name="/ask")["error"].startswith("Die Frage ist leer")


QUESTIONS = {
    "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?": "000_d8e9858a35932665",
    "Was bedeutet das lateinische Wort socius?": "000_d8e9858a35932665",
    "Wie viele Internetnutzer in Deutschland sind laut Bitkom in einem sozialen Netzwerk angemeldet?": "001_0641b772f0ced2db",
    "Welche Faktoren nennt Elke Frank für ein erfolgreiches Social-Media-Engagement?": "001_0641b772f0ced2db",
    "Wovor sollten Unternehmen keine Angst haben, wenn sie in Social Media aktiv werden?": "002_227b074fa25a8987",
    "Welche Vorteile sozialer Medien nennt das Fazit?": "003_9528e93dca253b73",
    "What role did earned media play in Barack Obama's first election victory?": "004_c2c9fdd1f531437e",
    "Which university studied the return on social media in 2013?": "004_c2c9fdd1f531437e",
}


def test_eight_simultaneous_clients_each_get_their_own_answer(app_url):
    from gradio_client import Client

    def ask(question):
        return question, Client(app_url, verbose=False).predict(question, "extractive", api_name="/ask")

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        answers = dict(pool.map(ask, QUESTIONS))
    for question, result in answers.items():
        assert result["question"] == question
        assert result["citations"] and result["citations"][0]["doc_id"] == QUESTIONS[question], question


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")  # the German UI
        page.goto(app_url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def ask_in_browser(page, question: str, screenshot: str) -> tuple[str, str]:
    page.click("#new-chat")
    page.wait_for_function("() => !document.querySelector('#sources .src-card') && !document.querySelector('#chat .message')")
    page.fill("#question textarea", question)
    page.click("#send")
    try:
        page.wait_for_selector("#sources mark.quote", timeout=60_000)
    except Exception as exc:  # keep what the page showed: an intermittent failure must be readable afterwards
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"failed-{screenshot}"), full_page=True)
        raise AssertionError(f"no quoted source for {question!r}; chat: {page.inner_text('#chat')[-600:]!r}; "
                             f"sources: {page.inner_text('#sources')[:300]!r}") from exc
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('extractive ·')", timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    return page.inner_text("#chat"), page.inner_text("#sources")


def test_browser_german_question_shows_answer_citation_and_quote(page):
    chat, sources = ask_in_browser(page, "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?", "ui-german.png")
    assert "70 Prozent" in chat and "[1]" in chat
    quote = page.inner_text("#sources mark.quote")
    assert "70 Prozent der Diskussion rund um das Thema Banken" in quote
    assert "Social Media: Stucture follows Strategy" in sources and "Hansjörg Leichsenring" in sources


def test_browser_english_question(page):
    chat, sources = ask_in_browser(page, "For how many years should the social media budget be secured?", "ui-english.png")
    assert "The articles are in German" in chat and "[1]" in chat
    assert "drei Jahre" in page.inner_text("#sources mark.quote")
    assert "Open the whole article at this place" in sources


def test_the_ui_speaks_the_browsers_language_and_switches(page, app_url):
    english = page.context.browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    english.goto(app_url)
    english.wait_for_selector("#question textarea", timeout=60_000)
    english.wait_for_function("() => document.body.innerText.includes('What share of the discussion about banks')", timeout=30_000)
    text = english.inner_text("body")
    for label in ("Conversations", "New chat", "Sources", "Upload", "Articles", "Download as Markdown", "Examples"):
        assert label in text, label
    assert "Hochladen" not in text and "Neuer Chat" not in text and " / " not in english.inner_text("#send")
    # in the examples: the same question may also be a conversation's title in the list (asked by a test before)
    english.click("#examples >> text=For how many years should the social media budget")
    english.wait_for_function("() => document.querySelector('#question textarea').value.startsWith('For how many years')")
    english.click("#send")
    english.wait_for_selector("#sources mark.quote", timeout=60_000)
    assert "drei Jahre" in english.inner_text("#sources mark.quote")
    ARTIFACTS.mkdir(exist_ok=True)
    english.screenshot(path=str(ARTIFACTS / "ui-english-ui.png"), full_page=True)
    # switched to German in Gradio's settings panel (footer): the labels follow at once (the tab
    # titles and example questions keep the browser's language: Gradio renders them once)
    english.click("footer >> text=Settings")
    english.fill("input[aria-label='Language']", "Deutsch")
    english.keyboard.press("Enter")
    english.wait_for_function("() => document.body.innerText.includes('Neuer Chat')", timeout=30_000)
    switched = english.inner_text("body")
    assert "Quellen" in switched and "Kommentar speichern" in switched and "Als Markdown herunterladen" in switched
    english.close()

    german = page.inner_text("body")  # the German browser of the other tests
    assert "Neuer Chat" in german and "Gespräche" in german and "New chat" not in german
    assert "Wie viel Prozent der Diskussion über Banken" in german


def test_browser_renders_html_in_questions_as_text(page):
    attack = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script> Budget?"
    page.click("#new-chat")
    page.wait_for_function("() => !document.querySelector('#sources .src-card')")
    page.fill("#question textarea", attack)
    page.click("#send")
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('Budget?')", timeout=60_000)
    time.sleep(1)
    assert page.evaluate("() => window.__pwned") is None
    assert "<img src=x" in page.inner_text("#chat")


def test_upload_makes_a_new_article_answerable(page, client, tmp_path):
    article = tmp_path / "handwerk.md"
    article.write_text(
        "# Social Media im Handwerk\n\nEine Tischlerei aus Kassel gewann über Instagram drei Auszubildende. "
        "Der Meister veröffentlicht jede Woche ein Video aus der Werkstatt.\n"
    )
    broken = tmp_path / "kaputt.txt"
    broken.write_bytes(b"\x00\x01\x02binary")
    huge = tmp_path / "riesig.txt"
    huge.write_text("Ein Satz über Social Media. " * 200_000)  # 5.6 MB, over the 5 MB limit
    page.click("button[role=tab]:has-text('Hochladen')")
    page.set_input_files("input[type=file]", [str(article), str(broken), str(huge)])
    page.wait_for_timeout(1500)
    page.click("#upload")
    page.wait_for_function("() => document.body.innerText.includes('chunks added')", timeout=60_000)
    text = page.inner_text("body")
    assert "✅ handwerk" in text and "kaputt.txt" in text and "binary" in text
    assert "riesig.txt" in text and "larger than the limit" in text
    page.click("button[role=tab]:has-text('Chat')")
    question = "Wie viele Auszubildende gewann die Tischlerei über Instagram?"
    try:
        chat, sources = ask_in_browser(page, question, "ui-upload.png")
    except AssertionError as failure:  # refused twice in full CI runs, never alone: say why
        chat, sources = str(failure), ""
    if "drei Auszubildende" not in chat:
        again = client.predict(question, "extractive", api_name="/ask")
        pytest.fail(f"browser: {chat[:500]!r}; the API now: refused={again.get('refused')}, reason={again.get('refusal_reason')}, "
                    f"retrieved={[(p.get('chunk_id'), p.get('dense_score')) for p in again.get('retrieved', [])][:5]}")
    assert "Social Media im Handwerk" in sources


def upload_in_browser(page, files: list, replace: bool = False, url: str = "") -> str:
    """Upload through the upload tab; returns the result message once this upload's result is shown."""
    page.click("button[role=tab]:has-text('Hochladen')")
    page.wait_for_selector("#replace input")
    last = page.evaluate("() => document.querySelector('#upload-result .upload-done')?.textContent || ''")
    if page.is_checked("#replace input") != replace:
        page.click("#replace input")
    if files:
        page.set_input_files("input[type=file]", [str(f) for f in files])
    page.fill("#upload-url textarea", url)
    page.wait_for_timeout(1500)
    page.click("#upload")
    page.wait_for_function("""last => { const done = document.querySelector('#upload-result .upload-done');
        return done && done.textContent !== last; }""", arg=last, timeout=60_000)
    return page.inner_text("#upload-result")


def test_upload_of_a_pdf_and_a_web_page_cites_pages(page, tmp_path, website):  # noqa: F811  (the fixture)
    from test_documents import BUDGET_DE, article_pdf, scanned_pdf

    pdf, scan = article_pdf(tmp_path / "tischlerei-brandt.pdf"), scanned_pdf(tmp_path / "scan.pdf")
    message = upload_in_browser(page, [pdf, scan], url=f"{website}/artikel/gaertnerei-lindner.html")
    assert "✅ tischlerei-brandt" in message and "✅ 127.0.0.1-artikel-gaertnerei-lindner" in message
    assert "scan.pdf" in message and "no text layer" in message
    page.click("button[role=tab]:has-text('Chat')")
    chat, sources = ask_in_browser(page, BUDGET_DE, "ui-upload-pdf.png")
    assert "36.000 Euro" in chat and "S. 2" in sources and "Tischlerei Brandt" in sources
    chat, sources = ask_in_browser(page, "How many balcony boxes did the Lindner nursery sell in its second year?", "ui-upload-url.png")
    assert "1.200 Balkonkästen" in chat and "Gärtnerei Lindner auf Pinterest" in sources
    assert "not a valid web address" in upload_in_browser(page, [], url="ftp://example.invalid/artikel.html")


def test_upload_never_replaces_an_article_by_accident(page, tmp_path, app_data):
    # A file named like a corpus article: refused, and the corpus article still answers.
    imposter = tmp_path / f"{DOC_IDS[0]}.txt"
    imposter.write_text("Ein anderer Artikel\n\nBanken investieren zwölf Prozent ihres Budgets in Social Media.\n")
    message = upload_in_browser(page, [imposter])
    assert "already taken by" in message and str(CORPUS / imposter.name) in message and "replace" in message
    assert not (app_data / "uploads" / imposter.name).exists()
    page.click("button[role=tab]:has-text('Chat')")
    chat, _ = ask_in_browser(page, "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?", "ui-upload-conflict.png")
    assert "70 Prozent" in chat

    # The same upload name again: refused unless 'replace' is ticked, then replaced.
    first = tmp_path / "v1" / "baeckerei.md"
    first.parent.mkdir()
    first.write_text("# Social Media in der Bäckerei\n\nDie Bäckerei Korn aus Ulm gewann über TikTok 300 neue Stammkunden.\n")
    assert "✅ baeckerei" in upload_in_browser(page, [first])
    second = tmp_path / "v2" / "baeckerei.md"
    second.parent.mkdir()
    second.write_text("# Social Media in der Bäckerei\n\nDie Bäckerei Korn aus Ulm gewann über TikTok 500 neue Stammkunden.\n")
    refused = upload_in_browser(page, [second])
    assert "already uploaded" in refused and "300" in (app_data / "uploads" / "baeckerei.md").read_text()
    assert "✅ baeckerei" in upload_in_browser(page, [second], replace=True)
    page.click("button[role=tab]:has-text('Chat')")
    chat, _ = ask_in_browser(page, "Wie viele Stammkunden gewann die Bäckerei Korn über TikTok?", "ui-upload-replaced.png")
    assert "500" in chat and "300" not in chat


def test_upload_while_the_cli_ingests_says_who_is_writing(page, tmp_path, app_data):
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "gaertnerei.txt").write_text("Social Media in der Gärtnerei\n\nDie Gärtnerei Grün aus Kiel zeigt auf Pinterest jede Woche neue Beete.\n")
    cli = start_cli("ingest", "--no-prune", str(folder), env={"ASSISTANT_DATA_DIR": str(app_data)}, stop_after_write=1)
    upload = tmp_path / "floristik.md"
    upload.write_text("# Social Media in der Floristik\n\nEin Blumenladen aus Jena verkauft Sträuße über WhatsApp.\n")
    try:
        message = upload_in_browser(page, [upload])
    finally:
        cli.send_signal(signal.SIGCONT)
    assert cli.wait(60) == 0
    assert "already running" in message and f"pid {cli.pid}" in message
    assert not (app_data / "uploads" / "floristik.md").exists()  # nothing half-kept
    assert "✅ floristik" in upload_in_browser(page, [upload])  # once the CLI is done


def test_the_app_sees_what_the_cli_ingests_and_removes(client, tmp_path, app_data):
    question = "Wo veröffentlicht die Metzgerei Wurstmann aus Hof ihre Rezeptvideos?"
    assert client.predict(question, "extractive", api_name="/ask")["refused"]
    folder = tmp_path / "metzgerei"
    folder.mkdir()
    (folder / "metzgerei.txt").write_text(
        "Social Media in der Metzgerei\n\nDie Metzgerei Wurstmann aus Hof veröffentlicht ihre Rezeptvideos auf YouTube. "
        "Jede Woche kommt ein neues Grillrezept dazu.\n")
    added = run_cli("ingest", "--no-prune", str(folder), env={"ASSISTANT_DATA_DIR": str(app_data)})
    assert added.returncode == 0, added.stderr
    answer = client.predict(question, "extractive", api_name="/ask")
    assert not answer["refused"] and answer["citations"][0]["doc_id"] == "metzgerei" and "YouTube" in answer["answer"]
    removed = run_cli("remove", "metzgerei", env={"ASSISTANT_DATA_DIR": str(app_data)})
    assert removed.returncode == 0, removed.stderr
    assert client.predict(question, "extractive", api_name="/ask")["refused"]


def test_the_app_stops_cleanly_on_ctrl_c_and_leaves_no_process(tmp_path):
    data = tmp_path / "data"
    port = free_port()
    proc = start_app(data, port, env={"ASSISTANT_CORPUS_DIR": str(CORPUS)})
    wait_for_http(f"http://127.0.0.1:{port}/", proc, 180, tmp_path / f"app-{port}.log")
    from gradio_client import Client

    assert Client(f"http://127.0.0.1:{port}/", verbose=False).predict("Was bedeutet socius?", "extractive", api_name="/ask")["answer"]
    group = os.getpgid(proc.pid)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) is not None
    log = (tmp_path / f"app-{port}.log").read_text()
    assert "Traceback" not in log and "Exception ignored" not in log, log[-3000:]
    if group != os.getpgid(0):  # the app's own group: nothing of it may be left
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)


def test_the_app_offers_an_installed_local_model_and_survives_its_crash(tmp_path, tiny_model):
    """A model in data/models makes llamacpp the default; the page never waits for it to load;
    killing the model's process (as a crash in native code would) costs one labelled extractive
    answer, and the app starts the model again."""
    from gradio_client import Client

    data = tmp_path / "data"
    (data / "models").mkdir(parents=True)
    shutil.copy(tiny_model, data / "models" / "tiny.gguf")
    port = free_port()
    proc = start_app(data, port, env={"ASSISTANT_BACKEND": "", "ASSISTANT_CORPUS_DIR": str(CORPUS), "ASSISTANT_MAX_TOKENS": "40",
                                      "ASSISTANT_LLAMACPP_CTX": "16384"})
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc, 180, tmp_path / f"app-{port}.log")
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        question = "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?"

        def answered_by_the_model(timeout=120):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                result = client.predict(question, "", api_name="/ask")
                assert result["backend"] == "llamacpp" and "70 Prozent" in result["answer"]
                if result["raw_answer"]:
                    return result
                time.sleep(1)
            raise AssertionError("the local model never answered")

        answered_by_the_model()
        [model_pid] = [pid for pid, name in children(proc.pid) if "assistant.llm.llama_server" in name]
        os.kill(model_pid, signal.SIGKILL)
        after_crash = client.predict(question, "", api_name="/ask")
        assert proc.poll() is None and "70 Prozent" in after_crash["answer"] and after_crash["fallback"]
        answered_by_the_model()
        [restarted] = [pid for pid, name in children(proc.pid) if "assistant.llm.llama_server" in name]
        assert restarted != model_pid
    finally:
        proc.terminate()
        proc.wait(30)


def test_html_in_an_article_is_shown_as_text(page, tmp_path):
    article = tmp_path / "skript.md"
    article.write_text(
        "# Skripte in Artikeln\n\nDieser Artikel über Social-Media-Sicherheit enthält Markup: "
        "<script>window.__article_pwned=1</script><img src=x onerror=\"window.__article_pwned=1\"> "
        "Sicherheitsrichtlinien für Social Media schützen Unternehmen vor Phishing über Direktnachrichten.\n"
    )
    page.click("button[role=tab]:has-text('Hochladen')")
    page.set_input_files("input[type=file]", [str(article)])
    page.wait_for_timeout(1500)
    page.click("#upload")
    page.wait_for_function("() => document.body.innerText.includes('✅ skript')", timeout=60_000)
    page.click("button[role=tab]:has-text('Chat')")
    chat, sources = ask_in_browser(page, "Wovor schützen Sicherheitsrichtlinien für Social Media über Direktnachrichten?", "ui-html-article.png")
    assert "Phishing" in sources and "<script>" in sources  # shown as text
    page.click("button[role=tab]:has-text('Artikel')")
    page.click("#article-choice input")
    page.click("li:has-text('Skripte in Artikeln')")
    page.wait_for_function("() => document.body.innerText.includes('<script>window.') && document.body.innerText.includes('onerror=')", timeout=30_000)
    assert page.evaluate("() => window.__article_pwned") is None
    page.click("button[role=tab]:has-text('Chat')")


def test_binding_beyond_loopback_requires_credentials(tmp_path):
    port = free_port()
    proc = start_app(tmp_path / "data", port, "--host", "0.0.0.0")
    assert proc.wait(120) == 2
    assert "ASSISTANT_UI_USER" in (tmp_path / f"app-{port}.log").read_text()


def test_two_browser_sessions_keep_separate_histories(page, app_url):
    other = page.context.browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    other.goto(app_url)
    other.wait_for_selector("#question textarea", timeout=60_000)
    ask_in_browser(page, "Welche Faktoren nennt Elke Frank für ein erfolgreiches Social-Media-Engagement?", "ui-session-a.png")
    ask_in_browser(other, "Which university studied the return on social media in 2013?", "ui-session-b.png")
    mine, theirs = page.inner_text("#chat"), other.inner_text("#chat")
    assert "Elke Frank" in mine and "St. Gallen" not in mine
    assert "St. Gallen" in theirs and "Elke Frank" not in theirs
    other.close()


def test_eval_tab_shows_the_recorded_report_then_runs_the_eval(page, app_data):
    page.click("button[role=tab]:has-text('Evaluation')")
    page.wait_for_function("() => document.body.innerText.includes('Evaluation report')", timeout=30_000)
    text = page.inner_text("body")
    # before any run: the committed report of the extractive backend, with the naive baseline
    assert "citation_support" in text and "ours vs the naive LangChain rag-chroma template" in text
    assert page.locator("img").count() >= 2

    # the held-out test file (80 questions; the dev file, the default, takes minutes)
    choose(page, "#eval-file", "questions-test.jsonl")
    page.click("button:has-text('Evaluation starten')")
    fresh = str(PROJECT_DIR / "eval" / "questions-test.jsonl")
    page.wait_for_function(f"() => document.body.innerText.includes({fresh!r})", timeout=600_000)
    report = (app_data / "eval" / "latest" / "report.md").read_text()
    assert fresh in report and "## Overall" in report and "naive LangChain" not in report  # run without the baseline
    text = page.inner_text("body")
    assert "naive LangChain" not in text and "hit@1" in text
    assert (app_data / "eval" / "latest" / "metrics.png").exists() and page.locator("img").count() >= 2
    page.click("button[role=tab]:has-text('Chat')")


def choose(page, dropdown: str, option: str) -> None:
    page.click(f"{dropdown} input")
    page.click(f"ul[role=listbox]:visible li:has-text({option!r})")


def test_eval_explorer_opens_one_answer_with_verdicts_evidence_and_ranking(page):
    """Pick a committed run, filter to English fallbacks, open one: the model's raw answer, each
    sentence's verdict, the cited quote marked in its article, the ranking with the expected article;
    then compare the run with another."""
    page.click("button[role=tab]:has-text('Evaluation')")
    choose(page, "#run-choice", "results/llamacpp-1.5b-test")
    choose(page, "#problem-choice", "Ersatzantwort / fallback")
    choose(page, "#language-choice", "en")
    page.click("#question-choice input")
    options = [o for o in page.locator("ul[role=listbox]:visible li").all_inner_texts() if " · " in o]  # question items
    run = read_jsonl(PROJECT_DIR / "eval" / "results" / "llamacpp-1.5b-test" / "results.jsonl")
    fallbacks = [r["id"] for r in run if r["lang"] == "en" and r.get("fallback")]  # as many as the recorded run has
    assert sorted(o.split(" · ")[0] for o in options) == sorted(fallbacks) and "ten07" in fallbacks  # the English fallbacks only
    page.click("ul[role=listbox]:visible li:has-text('ten07')")
    page.wait_for_function("() => document.querySelector('#question-detail').innerText.includes('St. Gallen')", timeout=30_000)
    detail = page.locator("#question-detail")
    text = detail.inner_text()
    assert "Which department of the Swiss university" in text and "fallback" in text and "★" in text
    assert detail.locator("mark.quote").count() >= 1 and "St. Gallen" in detail.locator("mark.quote").first.inner_text()
    assert detail.locator("ul.verdicts li").count() >= 1
    choose(page, "#compare-choice", "results/llamacpp-0.5b-test")
    page.wait_for_function("() => document.querySelector('#compare-view').innerText.includes('questions that changed')", timeout=60_000)
    assert "generated_kept" in page.inner_text("#compare-view")
    page.screenshot(path=str(ARTIFACTS / "ui-eval-explorer.png"), full_page=True)
    page.click("button[role=tab]:has-text('Chat')")


def test_the_sentences_of_a_small_index_are_embedded_while_the_page_loads(app_url, app_data, ready_index):
    """The rerank's vectors for every sentence of the corpus, on disk soon after start (a first
    question on a fresh index waited 0.6 s for them)."""
    import sqlite3

    from assistant.sentence_vectors import SentenceVectors, sentences_of

    texts = ready_index.collection().get(include=["documents"])["documents"]
    keys = {SentenceVectors(None, ready_index.model.name, None)._key(s) for t in texts for s in sentences_of(t)}
    deadline, stored = time.monotonic() + 120, set()
    while time.monotonic() < deadline and not keys <= stored:
        time.sleep(1)
        try:
            with sqlite3.connect(app_data / "sentence-vectors.sqlite3") as db:
                stored = {key for (key,) in db.execute("SELECT key FROM vectors")}
        except sqlite3.Error:
            pass  # not created yet
    assert keys <= stored, f"{len(keys - stored)} of {len(keys)} sentences not embedded"


def test_article_browser_shows_cleaned_text_and_metadata(page):
    page.click("button[role=tab]:has-text('Artikel')")
    page.click("#article-choice input")
    page.click("li:has-text('Keine Angst vor Social Media')")
    page.wait_for_function("() => document.body.innerText.includes('Annette Speck')", timeout=30_000)
    text = page.inner_text("body")
    assert "Elke Frank" in text and "DRUCKEN" not in text
    page.click("button[role=tab]:has-text('Chat')")


def test_fifty_concurrent_questions_through_the_api(app_url):
    """Load: 50 questions at once; no errors, each answer belongs to its own question."""
    from gradio_client import Client

    # each question asked alone first: under load every answer must be that answer (the shared app
    # also holds articles uploaded by earlier tests, so the gold article is not always cited first)
    alone = {q: Client(app_url, verbose=False).predict(q, "extractive", api_name="/ask") for q in QUESTIONS}
    questions = [(q, doc) for q, doc in QUESTIONS.items()] * 7
    questions = questions[:50]

    def ask(item):
        question, doc = item
        started = time.perf_counter()
        result = Client(app_url, verbose=False).predict(question, "extractive", api_name="/ask")
        return question, doc, result, time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(ask, questions))
    latencies = sorted(seconds for *_, seconds in answers)
    for question, doc, result, _ in answers:
        assert "error" not in result, result
        assert result["question"] == question and result["answer"] == alone[question]["answer"]
        assert [c["doc_id"] for c in result["citations"]] == [c["doc_id"] for c in alone[question]["citations"]]
    assert sum(alone[q]["citations"][0]["doc_id"] == doc for q, doc in QUESTIONS.items()) >= len(QUESTIONS) - 1
    print(f"50 concurrent questions: p50 {latencies[24]:.2f} s, p95 {latencies[47]:.2f} s, max {latencies[-1]:.2f} s")
