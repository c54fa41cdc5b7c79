"""Load article files (.txt, .md, .html, .pdf, .docx) into cleaned Articles with metadata.

The document id is the file stem everywhere (index, citations, eval files).
Files that cannot be used are reported as Skipped with a reason, never raised,
so one broken file does not stop the others.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .cleaning import clean_article, normalize
from .documents import DocumentError, Extracted, page_starts, read_docx, read_pdf
from .language import detect_language
from .roles import author_role

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
BINARY_SUFFIXES = {".pdf": read_pdf, ".docx": read_docx}
SUFFIXES = TEXT_SUFFIXES + tuple(BINARY_SUFFIXES)
SUFFIX_HINT = ".txt, .md, .html, .pdf or .docx"


@dataclass
class Article:
    doc_id: str
    title: str
    text: str  # cleaned text; chunk offsets point into it
    author: str | None = None
    source: str | None = None
    date: str | None = None
    kind: str | None = None  # e.g. "Infobrief", "Checkliste", "Online-Artikel"
    role: str | None = None  # the author's job ("Unternehmensberater und Interimsmanager"), roles.py
    tone: str | None = None  # "ironisch" when the text calls itself ironic (cleaning.py)
    language: str = "de"
    path: str = ""  # absolute
    source_hash: str = ""  # sha256 of the file's bytes
    text_hash: str = ""  # sha256 of the cleaned text (finds the same article under another name)
    unchanged: bool = False  # known to the caller with the same bytes: not parsed, title and text empty
    pages: list[int] | None = None  # a PDF's page starts in `text` (documents.page_starts)


@dataclass
class Skipped:
    path: str
    reason: str


def find_files(paths: list[Path]) -> list[Path]:
    """Expand directories into the supported files they hold (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


def load_articles(
    paths: list[Path], max_bytes: int = 5_000_000, known: dict[str, dict] | None = None, max_document_bytes: int = 50_000_000
) -> tuple[list[Article], list[Skipped]]:
    """The articles in `paths`, and the files skipped with a reason.

    `known` maps an absolute file path to the {"source_hash", "text_hash"} of an article the
    caller already holds (the index): a file whose bytes still hash the same is
    returned unparsed, marked `unchanged`, which makes a no-op re-ingest of a large
    corpus a matter of hashing files rather than cleaning them again.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    texts: dict[str, str] = {}  # text hash -> path: the same article under another name
    for path in find_files(paths):
        result = load_article(path, size_limit(path.name, max_bytes, max_document_bytes), known)
        if isinstance(result, Skipped):
            skipped.append(result)
        elif result.doc_id in seen:
            skipped.append(Skipped(str(path), f"same document id {result.doc_id!r} as {seen[result.doc_id]}"))
        elif result.text_hash in texts:
            skipped.append(Skipped(str(path), f"same article text as {texts[result.text_hash]}"))
        else:
            seen[result.doc_id] = texts[result.text_hash] = str(path)
            articles.append(result)
    return articles, skipped


def size_limit(name: str, max_bytes: int, max_document_bytes: int) -> int:
    """The size limit for a file of this name: PDF and Word files have their own (mostly images and layout)."""
    return max_document_bytes if Path(name).suffix.lower() in BINARY_SUFFIXES else max_bytes


def load_article(path: Path, max_bytes: int = 5_000_000, known: dict[str, dict] | None = None) -> Article | Skipped:
    where = str(path)
    absolute = str(path.resolve())  # the index recognises the file from any working directory
    if path.suffix.lower() not in SUFFIXES:
        return Skipped(where, f"unsupported file type {path.suffix or '(none)'}; use {SUFFIX_HINT}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skipped(where, f"file is {size:,} bytes, more than the limit of {max_bytes:,}")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(where, f"cannot read file: {exc.strerror or exc}")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES and b"\x00" in data[:8192]:
        return Skipped(where, "looks like a binary file, not text")
    source_hash = hashlib.sha256(data).hexdigest()
    held = (known or {}).get(absolute, {})
    if held.get("source_hash") == source_hash and held.get("text_hash"):
        return Article(path.stem, "", "", path=absolute, source_hash=source_hash, text_hash=held["text_hash"], unchanged=True)
    if suffix in BINARY_SUFFIXES:
        try:
            article = _from_document(path.stem, BINARY_SUFFIXES[suffix](data))
        except DocumentError as exc:
            return Skipped(where, str(exc))
    else:
        try:
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return Skipped(where, f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8")
        if suffix in (".html", ".htm"):
            article = _from_html(path.stem, raw, url=_fetched_from(path))
        elif suffix in (".md", ".markdown"):
            article = _from_text(path.stem, _markdown_to_text(raw))
        else:
            article = _from_text(path.stem, raw)
    if article is None or not article.text.strip():
        return Skipped(where, "no article text found (file is empty or only boilerplate)")
    article.path = absolute
    article.language = detect_language(article.text[:2000])
    article.source_hash = source_hash
    article.text_hash = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    return article


def _from_text(doc_id: str, raw: str) -> Article:
    cleaned = clean_article(raw)
    return Article(
        doc_id=doc_id,
        title=cleaned.title or _title_from_text(cleaned.text),
        text=cleaned.text,
        author=cleaned.author,
        source=cleaned.source,
        date=cleaned.date,
        kind=cleaned.kind,
        role=cleaned.role,
        tone=cleaned.tone,
    )


def _from_document(doc_id: str, extracted: Extracted) -> Article:
    """A PDF or Word file: cleaned like any text; the file's own title, author and date win
    over what cleaning guesses, and a PDF's page starts are found in the cleaned text."""
    article = _from_text(doc_id, extracted.text)
    article.title = extracted.title or article.title
    article.author = extracted.author or article.author
    article.role = article.role or author_role(article.text, article.author)  # the file's own author named in the text
    article.date = extracted.date or article.date
    if extracted.pages:
        article.pages = page_starts(article.text, extracted.pages)
    return article


def _fetched_from(path: Path) -> str | None:
    """The address a page was fetched from (webpages.py writes it beside the file)."""
    sidecar = path.with_name(path.name + ".url")
    return sidecar.read_text(encoding="utf-8").strip() if sidecar.is_file() else None


def _from_html(doc_id: str, raw: str, url: str | None = None) -> Article | None:
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False)
    if not extracted or not extracted.text:
        return None
    article = _from_text(doc_id, extracted.text)
    article.title = extracted.title or article.title
    article.author = extracted.author or article.author
    article.role = article.role or author_role(article.text, article.author)
    article.source = extracted.sitename or extracted.hostname or article.source
    article.date = extracted.date or article.date
    return article


_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _markdown_to_text(raw: str) -> str:
    """Markdown to plain text: headings, bold and links lose their markup."""
    text = _MD_HEADING.sub("", raw)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_LINK.sub(r"\1", text)


def _title_from_text(text: str) -> str:
    """No title stated: use the start of the first sentence."""
    first = normalize(text).strip().split("\n")[0]
    words = first.split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def article_context(kind: str | None = None, source: str | None = None, author: str | None = None,
                    date: str | None = None) -> str:
    """One line naming the article a chunk comes from. It is embedded and indexed with every
    chunk (as in contextual retrieval), so "the Infobrief" or "the CIO article" finds its chunks."""
    # Not the title: a title's words ("Keine Angst vor Social Media") drew every question using
    # them to that article's chunks (dev hit@1 0.98 -> 0.89); the kind and source name the article.
    parts = [kind, source, f"von {author}" if author else None, date]
    return " | ".join(p for p in parts if p)
