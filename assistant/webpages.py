"""Articles from the web: a URL is fetched once (httpx), kept as a file under the data directory
with its address beside it (<file>.url), and ingested like any other file, so the index and its
citations never depend on the page still being online."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .errors import AssistantError

# What a response's content type becomes on disk; corpus.py reads the file by its suffix.
SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
TEXT_SUFFIXES = (".html", ".txt", ".md")
USER_AGENT = "assistant/0.1 (grounded article assistant; fetches one page on request)"


def is_url(text: str) -> bool:
    return bool(re.match(r"https?://", str(text), re.IGNORECASE))


def doc_id_for(url: str) -> str:
    """A document id that says where the page came from: host and path, e.g.
    "example.org-blog-social-media-strategie" for https://www.example.org/blog/social-media-strategie.html"""
    parts = urlsplit(url)
    host = parts.hostname or "web"
    host = host[4:] if host.startswith("www.") else host
    path = re.sub(r"\.(html?|php|aspx?|pdf|docx|txt|md)$", "", parts.path, flags=re.IGNORECASE)
    slug = re.sub(r"[^\w.]+", "-", f"{host}-{path}-{parts.query}", flags=re.ASCII).strip("-.")
    return slug[:100].rstrip("-.") or "web"


def fetch(url: str, folder: Path, max_bytes: int, timeout: float = 20.0) -> Path:
    """Download `url` into `folder` as <doc id><suffix>; raises AssistantError saying what went wrong
    (no connection, an HTTP error, a type we cannot read, too large). A failed fetch leaves any
    earlier copy of the page untouched."""
    import httpx

    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code >= 400:
                raise AssistantError(f"{url}: the server answered HTTP {response.status_code} {response.reason_phrase}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            suffix = SUFFIX_BY_TYPE.get(content_type) or _suffix_of(str(response.url))
            if suffix is None:
                raise AssistantError(f"{url}: content type {content_type or '(none)'} is not an article "
                                     "(HTML, text, PDF or Word)")
            data = bytearray()
            for part in response.iter_bytes():
                data += part
                if len(data) > max_bytes:
                    raise AssistantError(f"{url}: larger than the limit of {max_bytes:,} bytes")
            declared = response.charset_encoding  # the Content-Type header's charset, if any
    except httpx.TimeoutException as exc:
        raise AssistantError(f"{url}: no answer within {timeout:g} s") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise AssistantError(f"{url}: not a valid web address ({exc})") from exc
    except httpx.HTTPError as exc:
        raise AssistantError(f"{url}: cannot fetch it ({type(exc).__name__}: {exc})") from exc
    if suffix in TEXT_SUFFIXES:  # stored as UTF-8, whatever the page's own charset
        data = _decoded(bytes(data), declared).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{doc_id_for(url)}{suffix}"
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(bytes(data))
    partial.replace(target)
    target.with_name(target.name + ".url").write_text(url + "\n", encoding="utf-8")
    return target


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def _decoded(data: bytes, declared: str | None) -> str:
    """The page as text, by the browser's order: the header's charset, then the page's own
    <meta charset>, then trafilatura's guess (UTF-8 first, then charset detection)."""
    from trafilatura.utils import decode_file

    meta = _META_CHARSET.search(data[:4096])
    for encoding in (declared, meta[1].decode("ascii") if meta else None):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return decode_file(data)


def _suffix_of(address: str) -> str | None:
    suffix = Path(urlsplit(address).path).suffix.lower()
    suffix = ".html" if suffix == ".htm" else suffix
    return suffix if suffix in SUFFIX_BY_TYPE.values() else None
