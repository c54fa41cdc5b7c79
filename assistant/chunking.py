"""Sentence-aware chunking of German text with exact character offsets.

Sentences come from pysbd's German rules (abbreviations such as "z.B.",
"Dr.", "e.V.", ordinals "24. September"); sentences are then packed into
chunks of at most `chunk_size` characters, repeating up to `overlap`
characters of trailing sentences at the start of the next chunk.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .corpus import Article

_SENTENCE_END = re.compile(r"[.!?…\"“”)]$")


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    title: str
    start: int  # offsets into the article's cleaned text
    end: int
    text: str

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.index}"


_THREAD = threading.local()


def _segmenter():
    """One pysbd Segmenter per thread: a Segmenter keeps the text it is splitting on itself, so
    one shared by the app's concurrent answers returned another answer's sentence spans."""
    if not hasattr(_THREAD, "segmenter"):
        import pysbd

        _THREAD.segmenter = pysbd.Segmenter(language="de", clean=False, char_span=True)
    return _THREAD.segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; a line break always ends a sentence."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        spans.extend(_line_sentences(line.group(), line.start()))
    return spans


def window_around(spans: list[tuple[int, int]], k: int) -> tuple[int, int]:
    """(start, end) of sentence k of `spans` with its neighbours: claims often need two sentences together."""
    return spans[max(0, k - 1)][0], spans[min(len(spans) - 1, k + 1)][1]


def _line_sentences(line: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for seg in _segmenter().segment(line):
        start, end = _strip(line, seg.start, seg.end)
        if start >= end:
            continue
        # pysbd splits after some abbreviations ("bspw. im Vergleich"), inside "Wofür?, Wie?
        # und Wer?", before a colon ("Blog und Co.: kennen wir alle") and inside a quoted title
        # ("Netzwerke und Herrsche! Social Media …"): a German sentence does not start in lower
        # case, with a comma or a colon, nor inside an open quotation, so join such a piece.
        if spans and (line[start].islower() or line[start] in ",;)" or _open_quote(line[spans[-1][0]:start], line[start:end])):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [(s + offset, e + offset) for s, e in spans]


def _open_quote(before: str, piece: str) -> bool:
    """Does `before` end inside a quotation that `piece` closes: an odd number of straight double
    quotes, or a German opening quote („) not closed (“)? (An unclosed quote alone joins nothing.)"""
    if before.count('"') % 2 == 1:
        return '"' in piece
    return before.count("„") > before.count("“") and "“" in piece


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, span: tuple[int, int], size: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than `size` at the last space before the limit."""
    start, end = span
    pieces = []
    while end - start > size:
        cut = text.rfind(" ", start + 1, start + size)
        cut = cut if cut > start else start + size
        pieces.append(_strip(text, start, cut))
        start = _strip(text, cut, end)[0]
    pieces.append((start, end))
    return pieces


def _is_heading(text: str, span: tuple[int, int]) -> bool:
    """A line of its own without closing punctuation: a heading or list item."""
    start, end = span
    line_start = start == 0 or text[start - 1] == "\n"
    line_end = end == len(text) or text[end] == "\n"
    return line_start and line_end and not _SENTENCE_END.search(text[start:end])


# A sentence opening with one of these words leans on the sentence before it: "Folglich tun sich
# Vorstände … schwer" gives no reason without "… primär altruistisch motiviert"; "So lassen sich
# … Kundenbindung festigen" is what the sentence naming Egbert Wege goes on to say.
LEANS_BACK = re.compile(r"(Folglich|Deshalb|Daher|Darum|Deswegen|Somit|Demnach|Dadurch|Also|Dies|Hierfür|Dafür|Hierbei|Dabei|Dazu|"
                         r"Denn|Das (bedeutet|heißt))\b|So [a-zäöüß]|"
                         r"^.{0,60}\b(so|dies|das)[.!]\s*$|"  # a short one ending on it: "Selbst viele Social Media Manager denken so."
                         # or an adverb pointing back in its first clause ("Bei sozialen Medien geht es *damit* …");
                         # after a comma "damit" is a conjunction ("…, damit wir …") and points ahead
                         r"^[^,:;]{0,40}\b(damit|somit|folglich|deshalb|daher|deswegen|demnach|dadurch|hierdurch|also)\b")


_COMMENT = re.compile(r"[^.?!\n]{0,40}!\s*$")  # a short exclamation on what came before ("Eine erschreckende Statistik!")


def chunk_text(text: str, size: int = 600, overlap: int = 120) -> list[tuple[int, int]]:
    units = [piece for span in sentence_spans(text) for piece in _split_long(text, span, size)]
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i + 1
        while j < len(units) and units[j][1] - units[i][0] <= size:
            j += 1
        # Do not end a chunk on a heading when its section follows.
        while j - i > 1 and j < len(units) and _is_heading(text, units[j - 1]):
            j -= 1
        chunks.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        # Start the next chunk with trailing sentences worth `overlap` characters.
        nxt = j
        while nxt - 1 > i and units[j - 1][1] - units[nxt - 1][0] <= overlap:
            nxt -= 1
        if nxt == j and j - 1 > i and LEANS_BACK.match(text[units[j][0]:units[j][1]]) \
                and units[j - 1][1] - units[j - 1][0] <= size // 2 and "\n\n" not in text[units[j - 1][1]:units[j][0]]:
            # a sentence leaning on the one before it ("So lassen sich etwa im Dialog mit den Kunden …" after the
            # sentence naming Egbert Wege) starts no chunk without it, whatever the overlap
            nxt = j - 1
        if nxt - 1 > i and _COMMENT.match(text[units[nxt][0]:units[nxt][1]]) \
                and units[nxt - 1][1] - units[nxt - 1][0] <= size // 2 and "\n\n" not in text[units[nxt - 1][1]:units[nxt][0]]:
            # nor a short comment on it ("Eine erschreckende Statistik! Denn das bedeutet, dass neun von zehn …")
            nxt -= 1
        i = nxt
    return chunks


def chunk_article(article: Article, size: int = 600, overlap: int = 120) -> list[Chunk]:
    return [
        Chunk(article.doc_id, n, article.title, start, end, article.text[start:end])
        for n, (start, end) in enumerate(chunk_text(article.text, size, overlap))
    ]
