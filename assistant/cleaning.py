"""Remove web boilerplate from scraped article text, keep every article sentence.

The rules are written by hand because they describe the page chrome of the
sites these articles came from (CIO.de teasers, Springer's toolbar, a PHP
warning, doubled link labels); no general extractor removes them from plain
text without also eating sentences (HTML goes through trafilatura instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .roles import author_role

# Whole lines that are navigation, toolbars, counters or captions.
BOILERPLATE_LINES = [
    r"Zur Startseite",
    r"Skip to main content",
    r"DRUCKEN|print|SUCHEN|insite|search-config|Share Button|Original|Article",
    r"loading\s*(…|\.\.\.)?",
    r"Weitere Artikel zum Thema|Weiterführende Themen|Die Hintergründe zu diesem Inhalt",
    r"Die Kommentarfunktion ist geschlossen\.",
    r"\d+ Min\. Lesedauer",
    r"Aktivieren Sie unsere intelligente Suche.*",
    r"\d+ subscriptions? and \d+ subscribers?",
    r"Warning: .* on line \d+",  # PHP warning printed into the page
    r"(Foto|Bild|Quelle Bild): .*",
    r"Download des .*\.pdf",
]
_BOILERPLATE_LINE = re.compile(r"^(?:%s)$" % "|".join(BOILERPLATE_LINES))

# Teasers glued into paragraphs: "Alles zu Facebook auf CIO.de", "Top-Firmen der Branche Banken".
_TEASER = re.compile(r"\s*(?:Alles zu [^.!?\n]{1,40}? auf (?P<site>[\w-]+\.(?:de|com))|Top-Firmen der Branche [\w-]+)")
# A link label printed twice: "FacebookFacebook", "Social MediaSocial Media", "ROIROI".
_DOUBLED = re.compile(r"\b([A-ZÄÖÜ][\wäöüß-]*(?: [A-ZÄÖÜ][\wäöüß-]*)?)\1\b")
# An image's alt text glued to the paragraph it precedes: "WeltkarteFür Konzerne".
_GLUED_ALT = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]{3,}(?=[A-ZÄÖÜ][a-zäöüß]+ )")
# An image credit before the text: "socialmedia by huffingtonpost„Was …".
_IMAGE_CREDIT = re.compile(r"^[a-z]\w* by [a-z]\w*(?=\W)")

_BYLINE = re.compile(r"^(?:\d+ Gedanken von|[Vv]erfasst von:?|Von|Autor(?:in)?:)\s+(?P<author>[^\d\n|]{3,60})$")
_DATELINE = re.compile(r"^(?P<date>\d{1,2}\.\d{1,2}\.\d{4})(?: \|.*)?$")
_SENTENCE_END = re.compile(r"[.!?:…\"“”)]\s*$")


# Page chrome that names the site an article was scraped from.
_SITE_MARKERS = [
    (re.compile(r"^Aktivieren Sie unsere intelligente Suche, um passende Fachinhalte oder Patente zu finden"), "Springer Professional"),
]
# What kind of text it is, from what the text or its page says of itself (first match wins).
_KIND_MARKERS = [
    (re.compile(r"Download des Infobriefs|\bInfobrief\b"), "Infobrief"),
    (re.compile(r"\bCheckliste\b"), "Checkliste"),
    (re.compile(r"wp-includes|/blog/|\bBlogbeitrag\b"), "Blogbeitrag"),
    (re.compile(r"\bin dieser Serie\b"), "Beitrag einer Artikelserie"),
]
# The tone a text gives itself, in a sentence about itself ("Diese Checkliste soll plakativ und auf ironische Art
# und Weise zeigen, …"): users name it by that ("die ironische Checkliste", "the satirical piece").
_TONE_OF_ITSELF = re.compile(r"\b(?:dies\w*|this)\s+(?:\w+\s+)?(?:checkliste|liste|beitrag|artikel|text|blog\w*|post|article|list|piece)\b"
                             r"[^.!?]{0,160}?\b(?:ironisch|satirisch|augenzwinkernd|mit einem augenzwinkern|humorvoll|ironic|satirical|tongue[- ]in[- ]cheek)", re.I)
# "24.09.2014 | Produktmanagement | Schwerpunkt | Online-Artikel": the last field is the kind.
_DATELINE_KIND = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}(?: \|[^|]*)* \| (?P<kind>[\w-]+)$")


@dataclass
class CleanedArticle:
    text: str
    title: str | None
    author: str | None
    source: str | None
    date: str | None
    kind: str | None = None
    role: str | None = None  # the author's job, from the author note (roles.py)
    tone: str | None = None  # "ironisch" when the text calls itself ironic


# Control characters (Unicode category Cc) other than newline and tab carry no text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    return _CONTROL.sub("", text)


def clean_article(raw: str) -> CleanedArticle:
    author = date = source = kind = None
    lines: list[str] = []
    raw = normalize(raw)
    for line in raw.split("\n"):
        line = line.strip()
        for marker, site in _SITE_MARKERS:
            if marker.match(line):
                source = source or site
        if (m := _DATELINE_KIND.match(line)) and kind is None:
            kind = m["kind"]
        if _BOILERPLATE_LINE.match(line):
            continue
        if (m := _BYLINE.match(line)) and author is None:
            author = m["author"].strip()
            continue
        if (m := _DATELINE.match(line)) and date is None:
            date = m["date"]
            continue
        for m in _TEASER.finditer(line):
            source = source or m["site"]
        line = _TEASER.sub("", line)
        line = _DOUBLED.sub(r"\1", line)
        line = _IMAGE_CREDIT.sub("", _GLUED_ALT.sub("", line))
        if lines and line and line == lines[-1]:
            continue  # a caption printed twice
        lines.append(line)

    paragraphs = _paragraphs(lines)
    title = None
    # A one-word kicker ("Strategien") may stand above the title.
    if len(paragraphs) > 2 and len(paragraphs[0].split()) == 1 and _is_title(paragraphs[1]):
        paragraphs.pop(0)
    if len(paragraphs) > 1 and _is_title(paragraphs[0]):
        title = paragraphs.pop(0)
    kind = kind or next((name for marker, name in _KIND_MARKERS if marker.search(raw)), None)
    text = "\n\n".join(paragraphs)
    tone = "ironisch" if _TONE_OF_ITSELF.search(text) else None
    return CleanedArticle(text, title, author, source, date, kind, author_role(text, author), tone)


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs; rejoin a sentence broken by a blank line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if line:
            current.append(line)
            continue
        if not current:
            continue
        block = "\n".join(current)
        current = []
        if paragraphs and block[0].islower() and not _SENTENCE_END.search(paragraphs[-1]):
            paragraphs[-1] += " " + block
        else:
            paragraphs.append(block)
    return paragraphs


def _is_title(paragraph: str) -> bool:
    return "\n" not in paragraph and 2 <= len(paragraph.split()) <= 14 and not paragraph.endswith(".")
