"""Questions for the sources the articles cite: "Auf welche Studien und Institutionen stützt sich der
Springer-Artikel mit seinen Zahlen?", "Two of the articles cite research from universities. Which
universities are they?". Such a question names no topic, only the kind of source, so it scores low
against every passage (0.76-0.81, under the gate's bar) and a similarity ranking quotes one citing
sentence at best. The answer is every sentence that cites a source of the asked kind, in the
articles the question names (else in all), in reading order.

Written by hand: which sentences cite a study or an institution is a property of German news prose
("laut …", "(Quelle: …)", "… hat herausgefunden", "die Publikation … von …") that no library marks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .answerability import specific_terms
from .articles import without_names
from .grounding import sentence_spans
from .question import without_descriptions

# the kinds of source a question can ask for, in German and English
_SOURCE = (r"studie|studien|quelle|quellen|umfrage|umfragen|erhebung|erhebungen|untersuchung|untersuchungen|publikation|publikationen|"
           r"institution|institutionen|institut|institute|universität|universitäten|hochschule|hochschulen|forschungseinrichtung\w*|"
           r"study|studies|source|sources|survey|surveys|research|publication|publications|institution|institutions|institute|institutes|"
           r"university|universities")
_UNIVERSITY = re.compile(r"\b(universität\w*|hochschule\w*|universit(y|ies))\b", re.I)
# a question word with a kind of source within two words after it: "Auf welche Studien", "Which universities"
_ASKS = re.compile(rf"\b(welche[nrms]?|which|what)\s+(\w+\s+){{0,2}}({_SOURCE})\b", re.I)
# several sources, or one said to be cited: not the one source an article appeared in
_SEVERAL_OR_CITED = re.compile(r"\b(studien|quellen|umfragen|erhebungen|untersuchungen|publikationen|institutionen|institute|universitäten|hochschulen|"
                               r"studies|sources|surveys|publications|institutions|institutes|universities|research|"
                               r"stütz\w*|zitier\w*|beruf\w*|bezieh\w*|nenn\w*|genannt|erwähn\w*|verweis\w*|"
                               r"cite[sd]?|quote[sd]?|rel(y|ies)|based|draws?|mention\w*|name[sd]?|refers?)\b", re.I)
# the words such a question may hold besides its kinds of source and the article it names
_FRAME = ("stützen stützt zitieren zitiert berufen beruft beziehen bezieht nennen nennt genannt erwähnt erwähnen "
          "verweist verweisen zahlen daten artikel artikeln texte texten beitrag beide beiden zwei drei forschung forschungen "
          "cite cites cited quote quotes quoted rely relies base based draw draws mention mentions mentioned name names named refer "
          "refers figures numbers data articles texts pieces both two three research "
          "from across in on of by about for with within they them their these those it its")  # English function words too
_CITING = {
    "any": re.compile(r"\blaut\b|\(Quelle:|\bStudie|\bUmfrage|\bErhebung|\bPublikation|Universität|Hochschule|\bInstitut\b|"
                      r"\bzufolge\b|herausgefunden|festgestellt|\bFachbeitrag|\bBuchkapitel", re.I),
    "university": re.compile(r"Universität|Hochschule|Institut für", re.I),
}


def asked_sources(question: str, articles, domain: frozenset[str]) -> str | None:
    """The kind of source the question asks the articles for ("university", or "any" study,
    survey or institution), when that is all it asks; else None ("Which research firm is named as
    the source for *a quarter of larger companies* …?" asks for the source of one figure)."""
    if not _ASKS.search(question) or not _SEVERAL_OR_CITED.search(question):
        return None  # "What is the source of the Springer article?" asks where it appeared (articles.py)
    rest = specific_terms(without_names(without_descriptions(question), articles), domain)
    if any(stem not in _allowed_stems() and not stem.isdigit() for stem in rest):
        return None
    return "university" if _UNIVERSITY.search(question) else "any"


@lru_cache(maxsize=1)
def _allowed_stems() -> frozenset[str]:
    """The stems of the frame words and of the kinds of source."""
    return frozenset(specific_terms(_FRAME, frozenset())) | frozenset(specific_terms(" ".join(_SOURCE.split("|")), frozenset()))


def citing_sentences(kind: str, passages) -> list[tuple[int, int, int]]:
    """(passage number, start, end) of every sentence of the passages that cites a source of the
    kind, each once (overlapping chunks repeat sentences), in the order of the passages."""
    pattern, seen, found = _CITING[kind], set(), []
    for n, p in enumerate(passages, start=1):
        for start, end in sentence_spans(p.text):
            sentence = " ".join(p.text[start:end].split())
            if pattern.search(sentence) and sentence not in seen:
                seen.add(sentence)
                found.append((n, start, end))
    return found
