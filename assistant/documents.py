"""Text out of PDF and Word files, through pypdf and python-docx.

Each reader returns the raw text (cleaned later like any article) and what the file says about
itself; a file that cannot be read raises DocumentError with a reason a user can act on, which
corpus.py turns into a Skipped entry so the other files still go in.
"""

from __future__ import annotations

import bisect
import io
import re
from dataclasses import dataclass, field

from .cleaning import normalize


class DocumentError(Exception):
    """The file cannot be used; the message says why and what to do."""


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    pages: list[str] = field(default_factory=list)  # the text of each page (PDF only), in order


# A word broken at a line end ("Strate-\ngie"): joined again. Not before a capital letter,
# where the hyphen belongs to a German compound ("Social-\nMedia").
_HYPHENATED = re.compile(r"(\w)-\n(?=[a-zäöüß])")


def read_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError("the PDF is password-protected; save a copy without the password and add that")
        pages = [reflow(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata or {}
    except DocumentError:
        raise
    except DependencyError as exc:  # AES-encrypted files need `cryptography` to open at all
        raise DocumentError(f"the PDF is encrypted ({exc}); save a copy without encryption and add that") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"not a readable PDF ({type(exc).__name__}: {exc}); the file may be damaged") from exc
    if not any(p.strip() for p in pages):
        raise DocumentError(f"the PDF has no text layer ({len(pages)} page(s) of images, e.g. a scan); "
                            "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`)")
    return Extracted("\n\n".join(pages), _meta_text(meta.get("/Title")), _meta_text(meta.get("/Author")),
                     _pdf_date(meta.get("/CreationDate")), pages)


def reflow(page: str) -> str:
    """A PDF page's lines joined into the paragraphs they were printed from.

    pypdf gives one line per printed line. Left as they are, line breaks cut sentences apart (the
    splitter and the answerability windows work per sentence) and a line-initial word can look
    like a glued image caption to the cleaner ("LinkedIn" lost its "Linked"). No library here
    reflows text; the rule is the usual one: a line that runs (nearly) to the right margin
    continues in the next line; a shorter one (a heading, a byline, a paragraph's last line)
    ends its paragraph."""
    lines = [line.rstrip() for line in _HYPHENATED.sub(r"\1", page).split("\n")]
    lengths = sorted(len(line) for line in lines if line.strip())
    if not lengths:
        return ""
    full = lengths[int(0.9 * (len(lengths) - 1))]  # the width of a full line
    out = ""
    for line in lines:
        if not line.strip():
            out += "\n\n"
            continue
        out += line.strip()
        joined_hyphen = line.endswith("-") and len(line) >= 0.75 * full
        out += "" if joined_hyphen else (" " if len(line) >= 0.75 * full else "\n")
    return out.strip()


def _opens_without_password(reader) -> bool:
    """Many PDFs are encrypted only against editing: the empty user password opens them."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds here; any of them means "cannot open"
        return False


def _meta_text(value) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    # Word and printers leave file names as titles ("Microsoft Word - entwurf.docx"): not a title.
    if not text or re.search(r"\.(docx?|pdf|html?|txt)$|^Microsoft Word", text, re.IGNORECASE):
        return None
    return text


def _pdf_date(value) -> str | None:
    """PDF dates look like D:20240131120000+01'00'; the articles' own format is 31.01.2024."""
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(value or ""))
    return f"{m[3]}.{m[2]}.{m[1]}" if m else None


def read_docx(data: bytes) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"not a readable Word file ({type(exc).__name__}); save it again as .docx") from exc
    except Exception as exc:  # a zip that is not a Word package fails deep in lxml/zipfile
        raise DocumentError(f"not a readable Word file ({type(exc).__name__}: {exc})") from exc
    title = None
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if title is None and not blocks and paragraph.style is not None and paragraph.style.name in ("Title", "Heading 1"):
            title = text
        blocks.append(text)
    for table in document.tables:  # tables after the running text: their cells as rows of "a | b"
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                blocks.append(" | ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    core = document.core_properties
    created = core.created.strftime("%d.%m.%Y") if core.created else None
    return Extracted("\n\n".join(blocks), _meta_text(core.title) or title, _meta_text(core.author), created)


def page_starts(cleaned: str, pages: list[str]) -> list[int]:
    """Where each page begins in the cleaned article text (offsets, one per page).

    Cleaning drops and rejoins lines, so offsets in the raw text do not carry over; instead each
    page's first line that survived cleaning is looked up, in order, after the previous page's
    start. A page with nothing left (blank, or only boilerplate) gets the next page's start, so
    it never claims the text of the page before it."""
    starts: list[int | None] = []
    position = 0
    for number, page in enumerate(pages):
        found = 0 if number == 0 else None
        for line in (normalize(line).strip() for line in page.split("\n")):
            if found is not None:
                break
            if len(line) >= 8:
                hit = cleaned.find(line[:60], position)
                found = hit if hit >= 0 else None
        position = found if found is not None else position
        starts.append(found)
    following = len(cleaned)
    for i in range(len(starts) - 1, -1, -1):
        following = starts[i] = following if starts[i] is None else starts[i]
    return starts


def page_at(offset: int, starts: list[int]) -> int:
    """The page number (from 1) that holds `offset`, given page_starts()."""
    return max(1, bisect.bisect_right(starts, offset))
