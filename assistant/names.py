"""The names an English (or other non-German) question uses, and which of them no article mentions.

In English a capitalised word inside a sentence is a name ("TikTok", "Egbert Wege", "Procter &
Gamble"), and a name keeps its spelling in German text: a name that no article holds means the
articles do not speak about what is asked ("How do I convert Celsius to Fahrenheit?" passed the
gate on a sentence about "Wie hoch sind meine Kosten …" and junk word matches). German questions
capitalise every noun, so they have no such mark, except a capital inside a word: "TikTok",
"YouTube", "WhatsApp" are names in any language.
"""

from __future__ import annotations

import re

# Capitalised in English but written differently in German text (nationalities, languages, months,
# days), "I", and titles before a name: "Professor Hinterhuber" is no one the articles name because they
# name "Professor Dr. Kruse".
_NOT_NAMES = frozenset(
    "i german germany germans english british britain swiss switzerland austria austrian europe european eu "
    "american america us usa uk latin greek french spanish italian "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    "professor prof dr mr mrs ms miss sir dame herr frau".split())
# A run of capitalised words is one name ("University of St. Gallen", "Procter & Gamble").
_JOINERS = ("of", "de", "von", "der", "für")
_NAME_RUN = re.compile(rf"(?<!\w)[A-ZÄÖÜ][\w’'\-.]*(?:(?:\s+(?:{'|'.join(_JOINERS)}|&)\s+|\s+)[A-ZÄÖÜ][\w’'\-.]*)*")
_WORD = re.compile(r"[^\W\d_]+")
# Function words capitalised inside a question: it is title-cased, capitals mark no names.
_TITLE_CASE = re.compile(r"\b(The|A|An|Does|Do|Is|Are|Of|To|In|For|And|With|About|On|By)\b")


def question_names(question: str) -> list[list[str]]:
    """The names of a question, each as its words: runs of capitalised words not at the start of a
    sentence; short acronyms ("HR", "ROI", "SMEs") are left out, being terms more often than names.
    A title-cased question ("What Does The Article Say") has none."""
    if _TITLE_CASE.search(question, 1):
        return []
    names = []
    for m in _NAME_RUN.finditer(question):
        before = question[:m.start()].rstrip()
        if not before or before[-1] in ".?!:;\"„“'‘(¿¡":
            continue  # a sentence's or a quotation's first word ("¿Qué …")
        parts = [w for w in _WORD.findall(m.group(0)) if w.lower() not in _NOT_NAMES and w.lower() not in _JOINERS]
        parts = [w for w in parts if len(w) > 1 and not (sum(c.isupper() for c in w) >= 2 and len(w) <= 5)]
        if parts:
            names.append(parts)
    return names


def unknown_names(question: str, known) -> list[str]:
    """The names of the question none of whose words `known(word)` says an article holds."""
    return [" ".join(name) for name in question_names(question) if not any(known(w) for w in name)]


# Social platforms and apps a user of this product asks about. In a German question they look like
# any noun, and a word embedding puts each next to the one the articles name ("Instagram" ~ "Facebook"
# .915): "Zu welcher Uhrzeit sollte man auf Instagram posten …?" passed the check that way. No package
# lists them; the articles' own (Facebook, Twitter, Xing, …) are known and never refused.
PLATFORMS = frozenset(
    "instagram tiktok snapchat pinterest whatsapp telegram mastodon bluesky reddit twitch discord "
    "clubhouse bereal tumblr flickr vimeo spotify youtube wechat weibo myspace periscope "
    "facebook twitter xing linkedin google".split())


def unknown_brand_names(question: str, known) -> list[str]:
    """Words with a capital inside them ("TikTok", "iPhone") and platform names ("Instagram") that no
    article holds: names even in a German question ("Was sagt das Fazit über TikTok?" passed on
    "TikTok" ~ "Facebook" at the word bar)."""
    words = re.findall(r"\b[^\W\d_]*[a-zäöüß][A-ZÄÖÜ][^\W\d_]*", question)
    words += [w for w in _WORD.findall(question) if w.lower() in PLATFORMS and w not in words]
    return [w for w in words if not known(w)]
