"""The part of an article a question asks about: its conclusion ("Was steht im Fazit?", "What does
the conclusion list?"), its end ("Womit endet der Blogbeitrag?", "the last point the CIO article
makes"), its beginning ("Mit welchem Satz beginnt der Artikel?", "How does the blog post open?"), or
the n-th point of its list ("Was ist der dritte Punkt im Fazit?", "the second misunderstanding").

Such a question names no fact to search for, so retrieval by similarity finds the article but
not the part (5 of 6 such dev questions were refused). The part is found by position instead: the
chunk under a "Fazit" heading, the article's last chunk, its first chunk, the line numbered n.
"""

from __future__ import annotations

import re

from .articles import _ARTICLE_WORD

CONCLUSION_ASKED = re.compile(r"\b(fazits?|schlussfolgerung\w*|zusammenfassung\w*|resümees?|conclusion|conclusions|summary|sums up|concludes?)\b", re.I)
CONCLUSION_HEADING = re.compile(r"(^|\n)\s*(fazit|zusammenfassung|resümee|schlussfolgerung\w*|conclusion|summary)\b[^\n]*\n", re.I)
_OF_ARTICLE = rf"\s+(?:des|der|dem|of\s+the|of)\s+(?:[\w-]+\s+){{0,3}}?{_ARTICLE_WORD}"


def _where(nouns: str, ordinals: str, units: str) -> re.Pattern:
    """A noun of a position with the article it is in, or an ordinal piece of a text."""
    return re.compile(rf"\b(?:{nouns}){_OF_ARTICLE}|\b(?:{ordinals})\s+(?:{units})\b", re.I)


# Where in an article: a verb of the article ("der Blogbeitrag endet", "the article opens"), a
# noun of its position ("am Schluss des Infobriefs", "the end of the piece"), or an ordinal
# sentence or point ("der letzte Satz", "the last point"). Verbs and a phrase-final "am Ende" need a
# word for an article elsewhere in the question ("zu Beginn einer Strategie" is no part of a text).
_END = _where("ende|schluss|end|ending|close", "letzte[nrsm]?|last|final|closing|concluding",
              "satz|sätze|absatz|abschnitt|punkt|worte?|gedanke[n]?|sentences?|paragraphs?|sections?|points?|words?|thoughts?|remarks?")
_END_NEEDS_ARTICLE = re.compile(r"\b(?:endet|enden|endete|schließt|ends|ending|closes|finishes|wraps up)\b(?!\s+up\b)|\bend\b(?=\s*(?:[-–—?.,;:]|$))|"
                                r"\b(?:am|zum|ganz am)\s+(?:ende|schluss)\s*[?.,–—]", re.I)
_BEGINNING = _where("anfang|beginn|einleitung|einstieg|start|beginning|opening|introduction|intro",
                    "erste[nrsm]?|first|opening|introductory",
                    "satz|sätze|absatz|abschnitt|worte?|sentences?|paragraphs?|sections?|words?|lines?")
# "open up", "start out" are what companies do, not a text ("… afraid of losing control when they *open up* to social media,
# according to the checklist?" was answered with the checklist's first sentences, d31en13)
_BEGINNING_NEEDS_ARTICLE = re.compile(r"\b(?:beginnt|beginnen|begann|startet|eröffnet|begins|begin|starts|opens|open)\b(?!\s+(?:up|out)\b)|"
                                      r"\b(?:am|zu)\s+(?:anfang|beginn)\s*[?.,]", re.I)
_ARTICLE = re.compile(rf"\b{_ARTICLE_WORD}\b", re.I)
# Words for pieces of a text and for "right at": "Mit welchem *Satz* beginnt …", "*ganz am* Schluss"
_TEXT_UNITS = re.compile(r"\b(?:satz|sätzen?|worten?|zeilen?|absatz|sentences?|words?|lines?|paragraph)\b|\bganz\s+(?=am\b|zum\b|zu\b)|"
                         r"\b(?:very|right)\s+(?=at\b|beginning\b|end\b)", re.I)


_ORDINALS = {w: n for n, words in enumerate([
    "erste first", "zweite second", "dritte third", "vierte fourth", "fünfte fifth", "sechste sixth",
    "siebte siebente seventh", "achte eighth", "neunte ninth", "zehnte tenth"], start=1) for w in words.split()}
_ITEM_NOUNS = (r"punkt\w*|aspekt\w*|missverständnis\w*|irrtum|irrtümer|irrglaube\w*|mythos|mythen|vorurteil\w*|faktor\w*|fehler|"
               r"vorteil\w*|grund|gründe|gedanke\w*|these\w*|"
               r"tipps?|regel\w*|schritt\w*|point|item|misunderstanding|misconception|myth|factor|mistake|benefit|advantage|reason|"
               r"thesis|step|tip|rule|thought")
_ITEM_ASKED = re.compile(rf"\b({'|'.join(_ORDINALS)})[nrsm]?\s+(?:[\w-]+\s+)?(?:{_ITEM_NOUNS})\b|"
                         rf"\b(?:{_ITEM_NOUNS}|nr\.?|nummer|number)\s+(\d{{1,2}})\b|"
                         # "Welcher Irrglaube wird als erster aufgegriffen?", "Which myth is discussed first?"
                         rf"\b(?:welche[rs]?|which)\s+(?:{_ITEM_NOUNS})\b[^?.]{{0,60}}?(?:\bals\s+(erste|zweite|dritte|vierte|fünfte)[nrsm]?\b|"
                         rf"\b(first|second|third|fourth|fifth)(?=\s*(?:[?.,]|$|in\b|of\b)))", re.I)


def asked_item(question: str, names_article: bool = False) -> int | None:
    """n for a question about the n-th point of a list ("der dritte Punkt", "point 3"). `names_article`:
    the question names its article otherwise ("laut Hansjörg Leichsenring das dritte Missverständnis")."""
    m = _ITEM_ASKED.search(question)
    # of a list in a text: "der erste Schritt zu einer Strategie" names no text and asks no list's point
    if not m or not (names_article or _ARTICLE.search(question) or CONCLUSION_ASKED.search(question)
                     or re.search(r"\b(liste|list)\b", question, re.I)):
        return None
    if m.group(2):
        return int(m.group(2))
    return _ORDINALS[(m.group(1) or m.group(3) or m.group(4)).lower()]


def item_line(text: str, n: int) -> tuple[int, int] | None:
    """(start, end) of the line numbered n ("3. Verbesserung des Wissensaustauschs …")."""
    m = re.search(rf"(?m)^[ \t]*{n}[.)][ \t]+\S[^\n]*", text)
    return (m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end()) if m else None


# A leading reference to the article by a relative clause, up to its colon or dash ("The blog post that opens by
# asking … –", "Im Beitrag, der mit einer Frage beginnt:"); not "Der Text mit den fünf Punkten am Schluss –",
# where the position is what is asked. The clause may also end at a comma before the question word ("In the
# checklist that ends with an offer of help, whose video …?").
_QUESTION_WORD = r"(?:whose|who|whom|what|which|where|when|why|how|wer|wessen|wem|wen|was|welche\w*|wie|wo|wann|warum|weshalb)"
# An English relative clause may also describe something named in the description ("The piece listing ways to fail,
# written by an agency *that* offers its help at the end: …"); a German "der/die/das" further on is an article
# ("am Ende *der* Liste"), so there only right after the word for the article.
_DESCRIBING_CLAUSE = re.compile(rf"^[^:–—?]*?\b{_ARTICLE_WORD}(?:\s*,?\s+(?:that|which|der|die|das)\b|\b[^:–—?]*?\b(?:that|which|who)\b)"
                                rf"[^:–—?]*?(?:[:–—]|,(?=\s*{_QUESTION_WORD}\b))\s*", re.I)


def asked_part(question: str) -> str | None:
    """"conclusion", "end", "beginning" or None. Not in a clause describing the article: "The blog
    post that *opens* by asking what you're doing … – which university's study does it reference?"
    asks for the study, not the opening."""
    names_article = bool(_ARTICLE.search(question))
    question = _DESCRIBING_CLAUSE.sub("", question, count=1)
    if CONCLUSION_ASKED.search(question):
        return "conclusion"
    if _END.search(question) or (names_article and _END_NEEDS_ARTICLE.search(question)):
        return "end"
    if _BEGINNING.search(question) or (names_article and _BEGINNING_NEEDS_ARTICLE.search(question)):
        return "beginning"
    return None


def without_position(question: str) -> str:
    """The question without the words that say where in the article ("endet", "am Schluss",
    "last point"): they are no fact the evidence must hold."""
    for pattern in (CONCLUSION_ASKED, _END_NEEDS_ARTICLE, _BEGINNING_NEEDS_ARTICLE, _TEXT_UNITS, _ITEM_ASKED):
        question = pattern.sub(" ", question)
    for pattern in (_END, _BEGINNING):
        question = pattern.sub(lambda m: " " + (m.group(0).split()[-1] if _ARTICLE.search(m.group(0)) else ""), question)
    return " ".join(question.split())


def part_chunk(part: str, chunks: list[tuple[str, str, int]]) -> str | None:
    """The chunk id holding the part, of an article's (chunk id, text, chunk index) rows: the chunk
    under a conclusion heading (the heading nearest its start: chunks overlap), else the last chunk
    for a conclusion or an end, the first for a beginning."""
    if not chunks:
        return None
    if part == "conclusion":
        found = sorted((len(text) - m.start(), cid) for cid, text, _ in chunks if (m := CONCLUSION_HEADING.search(text)))
        if found:
            return found[-1][1]
    ordered = sorted(chunks, key=lambda c: c[2])
    return (ordered[0] if part == "beginning" else ordered[-1])[0]
