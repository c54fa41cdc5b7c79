"""PDF, Word and web-page sources, end to end: real files made here (a PDF printed by chromium,
a DOCX written by python-docx, pages served by a local HTTP server), ingested and asked about
through the CLI, with page numbers in the citations; unreadable files get a reason and nothing
else is lost."""

import base64
import functools
import io
import json
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import free_port, run_cli

from assistant.corpus import load_articles
from assistant.documents import page_at, page_starts, reflow
from assistant.webpages import doc_id_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE_BREAK = '<div style="page-break-after: always"></div>'

# A made-up firm, so that nothing in the project's corpus answers these questions.
PAGES = [
    """<h1>Wie die Tischlerei Brandt ihre Social-Media-Strategie aufbaute</h1>
<p>Von Marta Kowalski</p>
<p>Die Tischlerei Brandt aus Detmold beschäftigt vierzehn Menschen und fertigt Küchen, Treppen und Möbel nach Maß.
Lange Zeit verließ sich der Betrieb auf Empfehlungen und auf eine Anzeige im Gemeindeblatt. Als die Nachfrage nach
Einbauküchen zurückging, beschloss die Inhaberin Carla Brandt, die sozialen Medien planvoll zu nutzen. Zuerst legte sie
fest, wen der Betrieb erreichen will: Bauherren in der Region, Architekten und junge Menschen, die einen Ausbildungsplatz
suchen. Für jede dieser Gruppen schrieb sie ein eigenes Ziel auf, das sich nach einem Jahr überprüfen lässt.</p>""",
    """<h2>Budget und Zuständigkeiten</h2>
<p>Für bezahlte Anzeigen auf Instagram und Facebook stellt die Tischlerei Brandt jährlich 36.000 Euro bereit. Das Budget
ist für drei Jahre zugesagt, damit die Mitarbeiterinnen und Mitarbeiter nicht nach wenigen Monaten wieder aufhören
müssen. Zuständig für die Kanäle ist ein Team aus einer Auszubildenden im dritten Lehrjahr und dem Meister der
Werkstatt, die sich jeden Montag eine halbe Stunde abstimmen. Fotos entstehen direkt an der Werkbank, mit dem Telefon,
ohne Agentur.</p>""",
    """<h2>Was die Strategie gebracht hat</h2>
<p>Im ersten Jahr gewann die Tischlerei über Instagram sieben Auszubildende, mehr als in den fünf Jahren davor zusammen.
Die Anfragen für Einbauküchen stiegen um ein Viertel, vor allem von Bauherren, die Videos aus der Werkstatt gesehen
hatten. Carla Brandt rät anderen Handwerksbetrieben, klein anzufangen, die eigenen Leute zu zeigen und geduldig zu sein:
Vertrauen entstehe nicht durch einzelne Beiträge, sondern durch Regelmäßigkeit.</p>""",
]
BUDGET_DE = "Wie viel Geld stellt die Tischlerei Brandt jährlich für bezahlte Anzeigen bereit?"
APPRENTICES_EN = "How many apprentices did the Brandt joinery win through Instagram in the first year?"


def print_pdf(html: str, target: Path, title: str = "") -> Path:
    """A PDF printed by the real chromium from `html`, as a user's browser would print it."""
    source = target.with_suffix(".html")
    source.write_text(f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{html}</body></html>', encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", source.as_uri()], check=True, capture_output=True, timeout=120)
    source.unlink()
    assert target.stat().st_size > 1000
    return target


def article_pdf(target: Path) -> Path:
    return print_pdf(PAGE_BREAK.join(PAGES), target, "Wie die Tischlerei Brandt ihre Social-Media-Strategie aufbaute")


def scanned_pdf(target: Path) -> Path:
    """A page that is only a picture of text, as a scanner makes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(6, 2))
    figure.text(0.05, 0.5, "Gescannter Brief: Die Tischlerei Brandt dankt ihren Kunden.", fontsize=11)
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=100)
    plt.close(figure)
    image = base64.b64encode(png.getvalue()).decode()
    return print_pdf(f'<img src="data:image/png;base64,{image}" style="width:90%">', target)


def encrypted_pdf(source: Path, target: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="eigentuemer", algorithm="RC4-128")
    with open(target, "wb") as out:
        writer.write(out)
    return target


def article_docx(target: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.author = "Jonas Weber"
    document.add_heading("Social Media in der Bäckerei Korn", level=0)  # level 0: the "Title" style
    document.add_paragraph("Die Bäckerei Korn aus Kassel zeigt auf TikTok jeden Morgen, wie die ersten Brötchen aus dem "
                           "Ofen kommen. Die kurzen Videos dreht der Bäckermeister selbst, bevor der Laden öffnet.")
    document.add_paragraph("Nach einem halben Jahr zählte die Bäckerei 240 neue Stammkunden, die über die Videos auf "
                           "den Laden aufmerksam geworden waren.")
    document.add_paragraph("Jonas Weber ist Kommunikationsberater.")  # the author named only in the file's metadata
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Kanal", "Beiträge pro Woche"
    table.cell(1, 0).text, table.cell(1, 1).text = "TikTok", "sieben"
    document.save(target)
    return target


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("documents")
    pdf = article_pdf(folder / "tischlerei-brandt.pdf")
    return {"pdf": pdf, "docx": article_docx(folder / "baeckerei-korn.docx"), "scan": scanned_pdf(folder / "scan.pdf"),
            "locked": encrypted_pdf(pdf, folder / "locked.pdf", "geheim"),
            "owner_only": encrypted_pdf(pdf, folder / "owner-only.pdf", "")}


def ask_json(data_dir: Path, question: str) -> dict:
    result = run_cli("--data-dir", str(data_dir), "ask", "--json", "--backend", "extractive", question)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pdf_answers_cite_the_page_they_quote(made, tmp_path):
    ingest = run_cli("--data-dir", str(tmp_path), "ingest", str(made["pdf"]))
    assert ingest.returncode == 0, ingest.stderr
    assert "1 documents" in ingest.stdout and "skipped" not in ingest.stderr

    budget = ask_json(tmp_path, BUDGET_DE)
    assert not budget["refused"], budget["refusal_reason"]
    assert "36.000 Euro" in budget["answer"]
    cited = [c for c in budget["citations"] if "36.000 Euro" in c["quote"]]
    assert cited and cited[0]["doc_id"] == "tischlerei-brandt" and cited[0]["page"] == "2"
    assert cited[0]["title"] == "Wie die Tischlerei Brandt ihre Social-Media-Strategie aufbaute"

    apprentices = ask_json(tmp_path, APPRENTICES_EN)
    assert not apprentices["refused"], apprentices["refusal_reason"]
    assert "sieben Auszubildende" in apprentices["answer"]
    assert [c["page"] for c in apprentices["citations"] if "sieben Auszubildende" in c["quote"]] == ["3"]

    # A question about the document itself is answered from its metadata (the byline of the PDF).
    author = ask_json(tmp_path, "Wer hat den Artikel über die Tischlerei Brandt geschrieben?")
    assert "Marta Kowalski" in author["answer"] and author["citations"][0]["doc_id"] == "tischlerei-brandt"

    # The quote is the article's own text at its offsets, and the reader sees the page.
    text = run_cli("--data-dir", str(tmp_path), "ask", "--backend", "extractive", BUDGET_DE).stdout
    assert "(tischlerei-brandt, S. 2, Zeichen" in text
    text_en = run_cli("--data-dir", str(tmp_path), "ask", "--backend", "extractive", APPRENTICES_EN).stdout
    assert "(tischlerei-brandt, p. 3, characters" in text_en


def test_pdf_text_is_reflowed_and_metadata_read(made):
    (article,), skipped = load_articles([made["pdf"]])
    assert not skipped
    assert article.author == "Marta Kowalski"  # the byline, as in the text articles
    # printed lines are joined into sentences: no line break inside a sentence, no word lost
    assert "Lange Zeit verließ sich der Betrieb auf Empfehlungen und auf eine Anzeige im Gemeindeblatt." in article.text
    assert "die Nachfrage nach Einbauküchen zurückging" in article.text
    assert article.pages and len(article.pages) == 3
    assert article.text[article.pages[1]:].startswith("Budget und Zuständigkeiten")
    assert article.text[article.pages[2]:].startswith("Was die Strategie gebracht hat")


def test_docx_is_read_with_title_author_and_tables(made, tmp_path):
    (article,), skipped = load_articles([made["docx"]])
    assert not skipped
    assert (article.title, article.author) == ("Social Media in der Bäckerei Korn", "Jonas Weber")
    assert article.role == "Kommunikationsberater"  # his job, read with the author the file names
    assert "TikTok | sieben" in article.text and article.pages is None
    assert run_cli("--data-dir", str(tmp_path), "ingest", str(made["docx"])).returncode == 0
    answer = ask_json(tmp_path, "Wie viele neue Stammkunden gewann die Bäckerei Korn über ihre Videos?")
    assert not answer["refused"] and "240 neue Stammkunden" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "baeckerei-korn" and answer["citations"][0]["page"] is None


def test_unreadable_files_are_skipped_with_a_reason_and_the_rest_goes_in(made, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for key in ("pdf", "docx", "scan", "locked", "owner_only"):
        shutil.copy(made[key], folder)
    (folder / "truncated.pdf").write_bytes(made["pdf"].read_bytes()[:4000])
    (folder / "kaputt.docx").write_bytes(b"PK\x03\x04 this is not a Word file")
    (folder / "notiz.pdf").write_text("nur Text, kein PDF", encoding="utf-8")

    result = run_cli("--data-dir", str(tmp_path / "data"), "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    reasons = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in result.stderr.splitlines() if line.startswith("skipped ")}
    assert "no text layer" in reasons["scan.pdf"] and "OCR" in reasons["scan.pdf"]
    assert "password-protected" in reasons["locked.pdf"]
    assert "not a readable PDF" in reasons["truncated.pdf"] and "not a readable PDF" in reasons["notiz.pdf"]
    assert "not a readable Word file" in reasons["kaputt.docx"]
    # the readable ones all went in: the PDF, the Word file, and the PDF locked only against editing
    assert "2 documents" in result.stdout
    info = json.loads(run_cli("--data-dir", str(tmp_path / "data"), "info", "--json").stdout)
    # owner-only.pdf opened: its text is the same as tischlerei-brandt.pdf's, so the later name is skipped as such
    assert "same article text as" in reasons["tischlerei-brandt.pdf"] and "owner-only.pdf" not in reasons
    assert info["documents"] == 2


def test_pdf_locked_only_against_editing_is_read(made):
    (article,), skipped = load_articles([made["owner_only"]])
    assert not skipped and "36.000 Euro" in article.text


class _Site(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def website(made, tmp_path):
    """A real HTTP server on a free port serving an article page (in ISO-8859-1) and the PDF."""
    root = tmp_path / "site"
    (root / "artikel").mkdir(parents=True)
    page = ("<html><head><meta charset='iso-8859-1'><title>Gärtnerei Lindner auf Pinterest</title></head><body>"
            "<nav>Startseite | Impressum | Kontakt</nav><article><h1>Gärtnerei Lindner auf Pinterest</h1>"
            "<p>Die Gärtnerei Lindner aus Würzburg zeigt auf Pinterest jede Woche Ideen für Balkonpflanzen. "
            "Seit sie dort regelmäßig Anleitungen veröffentlicht, kommen samstags deutlich mehr junge Kundinnen "
            "und Kunden in den Laden.</p><p>Im zweiten Jahr verkaufte die Gärtnerei 1.200 Balkonkästen über "
            "Bestellungen, die mit einem Pinterest-Bild begannen.</p></article><footer>© Lindner</footer></body></html>")
    (root / "artikel" / "gaertnerei-lindner.html").write_bytes(page.encode("iso-8859-1"))
    shutil.copy(made["pdf"], root / "artikel" / "brandt.pdf")
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Site, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_web_pages_are_fetched_kept_and_cited(website, tmp_path):
    page_url, pdf_url = f"{website}/artikel/gaertnerei-lindner.html", f"{website}/artikel/brandt.pdf"
    closed = f"http://127.0.0.1:{free_port()}/weg.html"
    result = run_cli("--data-dir", str(tmp_path), "ingest", page_url, pdf_url, f"{website}/fehlt.html", closed)
    assert result.returncode == 0, result.stderr
    assert "2 documents" in result.stdout
    assert f"skipped {website}/fehlt.html: the server answered HTTP 404" in result.stderr
    assert f"skipped {closed}: cannot fetch it" in result.stderr

    kept = tmp_path / "web" / f"{doc_id_for(page_url)}.html"
    assert kept.read_text(encoding="utf-8").count("Gärtnerei") >= 2  # stored as UTF-8
    assert kept.with_name(kept.name + ".url").read_text().strip() == page_url

    answer = ask_json(tmp_path, "Wie viele Balkonkästen verkaufte die Gärtnerei Lindner im zweiten Jahr?")
    assert not answer["refused"] and "1.200 Balkonkästen" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "127.0.0.1-artikel-gaertnerei-lindner"
    assert "Impressum" not in answer["answer"]  # the page's navigation is not article text
    budget = ask_json(tmp_path, BUDGET_DE)
    assert [c["page"] for c in budget["citations"] if "36.000 Euro" in c["quote"]] == ["2"]


def test_page_lookup_and_reflow_rules():
    assert reflow("Eine sehr lange Zeile, die bis an den rechten Rand des Blattes läuft, und dann\n"
                  "weiter geht. Ein kurzer Schluss.\nÜberschrift\n"
                  "Noch eine sehr lange Zeile, die bis an den rechten Rand reicht und mit einer Strate-\n"
                  "gie endet und mit Social-\nMedia-Kanälen, die bis an den rechten Rand des Blattes gehen.") == (
        "Eine sehr lange Zeile, die bis an den rechten Rand des Blattes läuft, und dann weiter geht. Ein kurzer Schluss.\n"
        "Überschrift\nNoch eine sehr lange Zeile, die bis an den rechten Rand reicht und mit einer Strategie endet "
        "und mit Social-Media-Kanälen, die bis an den rechten Rand des Blattes gehen.")
    cleaned = "Titel\n\nErste Seite hier.\n\nZweite Seite beginnt.\n\nDritte Seite."
    starts = page_starts(cleaned, ["Titel\nErste Seite hier.", "Zweite Seite beginnt.", "", "Dritte Seite."])
    assert starts == [0, cleaned.index("Zweite"), cleaned.index("Dritte"), cleaned.index("Dritte")]
    assert [page_at(o, starts) for o in (0, cleaned.index("Zweite") + 3, len(cleaned) - 1)] == [1, 2, 4]


def test_a_pdf_larger_than_the_text_limit_is_read(made, tmp_path):
    """PDFs are mostly images and layout: they have their own, larger limit (max_document_bytes)."""
    import os

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(made["pdf"]))
    writer.add_attachment("anhang.bin", os.urandom(6_000_000))  # 6 MB of attachment, as a big scan or image would
    big = tmp_path / "gross.pdf"
    with open(big, "wb") as out:
        writer.write(out)
    text = tmp_path / "gross.txt"
    text.write_text("Ein Satz über Social Media. " * 220_000)  # 6.2 MB of text: over the 5 MB text limit
    assert big.stat().st_size > 5_000_000
    articles, skipped = load_articles([big, text])
    assert [a.doc_id for a in articles] == ["gross"] and "36.000 Euro" in articles[0].text
    assert len(skipped) == 1 and skipped[0].path.endswith("gross.txt") and "more than the limit of 5,000,000" in skipped[0].reason


def test_a_hyphenated_title_names_its_article():
    from assistant.articles import ArticleInfo, named_articles

    guide = ArticleInfo("leitfaden", "Leitfaden Social-Media-Strategie im Mittelstand", "Anna Beispiel")
    other = ArticleInfo("anderer", "Keine Angst vor Social Media")
    assert named_articles("Wer hat den Leitfaden Social-Media-Strategie geschrieben?", [guide, other]) == ["leitfaden"]
