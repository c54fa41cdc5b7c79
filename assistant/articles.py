"""Questions that name an article ("laut dem Infobrief", "the CIO article", "Artikel 3")
or ask about one (who wrote it, when and where it appeared, what kind of text it is).

The names come from each article's metadata (title, kind, source, author), read
from the index, so an uploaded article is named the same way. A question about
the article itself is answered from that metadata and cites the article's header.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .question import DETERMINER as _DETERMINER, MODIFIER as _MODIFIER, without_trailing_reference
from .roles import role_references

# Words users use for a kind of text, German and English (keys: kinds cleaning.py detects).
KIND_WORDS = {
    "Infobrief": ["infobrief", "infobriefs", "newsletter", "info letter", "information letter", "informationsbrief"],
    "Checkliste": ["checkliste", "checklisten", "checklist"],
    "Blogbeitrag": ["blog", "blogbeitrag", "blogpost", "blog post", "blog article", "blogartikel", "blog-beitrag"],
    "Beitrag einer Artikelserie": ["artikelserie", "serie", "series"],
}
# Words users describe an ironic text by ("der spöttischen Anleitung", "the tongue-in-cheek checklist"): German
# adjectives in every ending, English words as they are.
_IRONIC_DE = ["ironisch", "satirisch", "sarkastisch", "spöttisch", "augenzwinkernd", "humorvoll", "humoristisch", "scherzhaft",
              "zynisch", "überspitzt", "parodistisch"]
_IRONIC_EN = ["ironic", "ironical", "ironically", "satirical", "satire", "sarcastic", "mocking", "humorous", "joking", "jokey",
              "tongue in cheek", "facetious", "wry", "parody", "spoof", "snarky", "cynical", "persiflage", "parodie"]
TONE_WORDS = {"ironisch": [w + ending for w in _IRONIC_DE for ending in ("", "e", "en", "er", "es", "em")] + _IRONIC_EN}
TONE_EN = {"ironisch": "ironic"}
_FEMININE_KINDS = {"Checkliste"}  # "eine Checkliste", "ein Infobrief"
KIND_EN = {"Infobrief": "newsletter (Infobrief)", "Checkliste": "checklist (Checkliste)", "Blogbeitrag": "blog post",
           "Beitrag einer Artikelserie": "part of an article series", "Online-Artikel": "online article"}
_ARTICLE_WORD = r"(?:artikel|beitrag|beitrags|text|texts|dokument|article|piece|post|document|infobrief|checkliste|checklist|newsletter|blog\w*)"
_ORDINAL = {"erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "vierte": 4, "vierten": 4,
            "fünfte": 5, "fünften": 5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "letzte": -1, "letzten": -1}
_BY_NUMBER = re.compile(rf"\b{_ARTICLE_WORD}\s*(?:nr\.?|no\.?|nummer|number|#)?\s*(\d)\b", re.IGNORECASE)
_BY_ORDINAL = re.compile(rf"\b(\w+)\s+{_ARTICLE_WORD}\b", re.IGNORECASE)
# Title words too common in this corpus to name one article.
_GENERIC = {"social", "media", "soziale", "sozialen", "medien", "strategie", "strategy", "unternehmen", "erfolg", "keine",
            "oder", "nicht", "fall", "wird", "vor", "und", "the", "wie", "man", "auf", "keinen"}

# What a question asks about the article itself.
ATTRIBUTES = {
    "author": re.compile(r"\bwer\b.*\b(geschrieben|verfasst|schrieb|verfasste)\b|\bwer ist (der|die) (autor|autorin|verfasser\w*)\b|"
                         r"\bvon wem\b.*\b(stammt|stammen|geschrieben|verfasst)\b|\bwho\b.*\b(wrote|written|write|authored)\b|"
                         r"\bwho('s| is| was) the author\b|\bwritten by whom\b|\b(name of the|the) author\b\W*$", re.IGNORECASE),
    "date": re.compile(r"\b(wann|an welchem (tag|datum)|welche[ms]? datum|in welchem (jahr|monat))\b.*\b(erschienen|erschien|veröffentlicht|publiziert|geschrieben|datiert)\b|"
                       r"\b(erscheinungsdatum|veröffentlichungsdatum)\b|\b(when|what day|which day|on what date|in what year|which year)\b.*\b(appear\w*|publish\w*|written|released|dated|posted)\b|"
                       r"\b(publication date|date of publication)\b|\bvon wann (ist|stammt|sind|stammen)\b|\bhow old is the (article|piece|post|text)\b", re.IGNORECASE),
    "source": re.compile(r"\b(wo|auf welche[rm]?|in welche[rm]?|bei welche[rm]?)\b.*\b(erschienen|erschien|veröffentlicht|publiziert)\b|"
                         r"\bwhere\b.*\b(appear\w*|publish\w*|posted)\b|\b(which|what) (site|website|portal|publication|outlet|magazine)\b|"
                         r"\b(welche[rms]?) (website|webseite|portal|plattform|medium|zeitschrift|publikation)\b|"
                         # its publisher: "Welche Firma oder Kanzlei hat den Infobrief herausgegeben?", "Who published …?"
                         r"\b(wer|welche[rsmn]? (firma|kanzlei|verlag|organisation|unternehmen|agentur))\b(?:(?!\bund\b)[^,;?])*\b(herausgegeben|herausgebracht|veröffentlicht)\b|"
                         r"\b(who|(which|the) (company|firm|organi[sz]ation|publisher|agency))\b(?:(?!\band\b)[^,;?])*\b(published|issued|put out)\b|\bthe publisher\b", re.IGNORECASE),
    # "welche Art" only of a text: "welche Art der Öffentlichkeitsarbeit" asks about the content
    "kind": re.compile(r"\bwas für ein\w*\s+(text|beitrag|artikel|dokument)|\b(textsorte|textart|art von text)\b|"
                       r"\bwelche art\s+(von\s+|des\s+|der\s+)?(text|beitrag|artikel|dokument|veröffentlichung|publikation)|"
                       r"\bwhat (kind|type|sort) of (text|article|document|piece|publication)\b", re.IGNORECASE),
    # the tone the text takes ("What kind of text is it and what tone does it take?"); cleaning.py finds it
    "tone": re.compile(r"\b(what|which) tone\b|\btone (does|is) (it|the (text|article|piece|post))\b|\b(in )?welche[mn]? ton(fall|art)?\b|"
                       r"\b(tonfall|tonalität)\b", re.IGNORECASE),
    # not a person's title ("job title", "akademischer Titel")
    "title": re.compile(r"(?<!job )(?<!akademischer )(?<!academic )\b(titel|überschrift|title|headline)\b|\bwhat is the (article|piece|post) called\b|"
                        r"\bwie (heißt|lautet) (der|das|die) (artikel|beitrag|text|infobrief|checkliste)\b", re.IGNORECASE),
}


@dataclass
class ArticleInfo:
    doc_id: str
    title: str
    author: str | None = None
    source: str | None = None
    date: str | None = None
    kind: str | None = None
    role: str | None = None  # the author's job (roles.py)
    tone: str | None = None  # "ironisch" when the text calls itself so (cleaning.py)
    _names: list[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_meta(cls, meta: dict) -> "ArticleInfo":
        return cls(meta["doc_id"], meta.get("title", ""), meta.get("author"), meta.get("source"), meta.get("date"), meta.get("kind"),
                   meta.get("role"), meta.get("tone"))

    def names(self) -> list[str]:
        """Lower-case phrases that name this article in a question (computed once: the retriever
        keeps one ArticleInfo per article and revision, and every question asks for them)."""
        if self._names is None:
            # naming_phrases reads the question with "-" as a space: a hyphenated name ("blog-beitrag",
            # "leitfaden social-media-strategie") must be spelt that way too, or it never matches
            self._names = list(dict.fromkeys(n.replace("-", " ") for n in self._phrases()))
        return self._names

    def _phrases(self) -> list[str]:
        names = list(KIND_WORDS.get(self.kind or "", [])) + list(TONE_WORDS.get(self.tone or "", []))
        if self.source:
            site = self.source.lower()
            names += [site, site.split(".")[0], site.split()[0]]
        if self.author:
            parts = self.author.split()
            names += [self.author.lower()] + ([parts[-1].lower()] if len(parts[-1]) >= 4 else [])
        if not self.title.endswith("…"):  # a stated title, not the start of the text
            words = re.findall(r"[\w-]+", self.title.lower())
            names += [f"{a} {b}" for a, b in zip(words, words[1:])  # two distinctive title words in a row
                      if not ({a, b} & _GENERIC) and min(len(a), len(b)) > 2]
            # a distinctive hyphenated title word ("Nice-to-have"; not "Social-Media-Strategie")
            names += [w for w in words if "-" in w.strip("-") and len(w) >= 8 and not set(w.split("-")) & _GENERIC]
        return [n for n in dict.fromkeys(names) if n]

    def header(self) -> str:
        """The article's header as cited by a metadata answer (with the author's job and the text's tone, which
        the article states in its author note and in a sentence about itself)."""
        author = f"von {self.author}" + (f" ({self.role})" if self.role else "") if self.author else None
        parts = [f"„{self.title}“", self.kind, self.tone, self.source, author, self.date]
        return " · ".join(p for p in parts if p)


_QUOTED = re.compile(r"[\"'„“‚‘»«]([^\"'„“‚‘»«]{8,120})[\"'“”‘’«»]")


def naming_phrases(question: str, articles: list[ArticleInfo]) -> dict[str, list[str]]:
    """doc id -> the phrases of the question that name that article (a quoted title, kind, source, …)."""
    text = question.lower().replace("-", " ")  # "der Business-Case-Artikel" names "Business Case …"
    found: dict[str, list[str]] = {}
    for quoted in _QUOTED.findall(question):  # a title in quotes names its article
        for a in articles:
            if a.title and not a.title.endswith("…") and (_title_holds(a.title.lower(), quoted.lower()) or a.title.lower() in quoted.lower()):
                found.setdefault(a.doc_id, []).append(quoted.lower())
    named: dict[str, tuple[ArticleInfo, list[str]]] = {}
    index, position, roles = _name_index(articles)
    for first in set(re.findall(r"\w+", text)) & index.keys():
        for name, article in index[first]:
            if name in text and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                named.setdefault(article.doc_id, (article, []))[1].append(name)
    # in the articles' order, each article's names in its own order, as a loop over all articles gives them
    for article, hits in sorted(named.values(), key=lambda pair: position[id(pair[0])]):
        found.setdefault(article.doc_id, []).extend(sorted(hits, key=article.names().index))
    for role, described in roles.items():  # "the piece by the bank consultant"
        if phrases := role_references(question, role):
            for article in described:
                found.setdefault(article.doc_id, []).extend(phrases)
    return _one_description(text, found, articles)


_KIND_NAMES = {word for words in KIND_WORDS.values() for word in words}
_BETWEEN_TWO_TEXTS = re.compile(r"\b(?:und|and|sowie|oder|or|vs|versus|als auch|compared|verglichen|gegenüber|while|während|but|aber)\b|[;?]")


def _one_description(text: str, found: dict[str, list[str]], articles: list[ArticleInfo] | None = None) -> dict[str, list[str]]:
    """A kind word next to another article's own name describes that article: "the tongue-in-cheek blog
    post", "der Blogbeitrag, der augenzwinkernd auflistet …" is the ironic checklist, not the one text
    whose page says "blog" (users call most web texts a blog post). An article named only by kind words
    within four words of another article's specific name (tone, title, author, source), nothing like
    "und" / "and" between them, is folded into that article."""
    def spans(phrases) -> list[tuple[int, int]]:
        return [m.span() for phrase in phrases for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]

    def beside(a: tuple[int, int], b: tuple[int, int]) -> bool:
        """At most four words apart, nothing like "und" between them (or overlapping)."""
        between = text[min(a[1], b[1]):max(a[0], b[0])] if a[1] <= b[0] or b[1] <= a[0] else ""
        return len(between.split()) <= 4 and not _BETWEEN_TWO_TEXTS.search(between)

    for doc_id in [d for d, phrases in found.items() if phrases and set(phrases) <= _KIND_NAMES]:
        kind_spans = spans(found[doc_id])
        other = next((o for o, phrases in found.items() if o != doc_id
                      and any(beside(k, n) for k in kind_spans for n in spans(p for p in phrases if p not in _KIND_NAMES))), None)
        if other is None and articles:
            other = _titled_by_what_follows(text, kind_spans, doc_id, articles)
        if other is not None:
            found.setdefault(other, [])
            found[other] += [p for p in found.pop(doc_id) if p not in found[other]]
    return found


_NEGATION = re.compile(r"\b(kein\w*|nicht|nie|niemals|not|never|no)\b", re.I)
_EVERY_TITLES_WORDS = frozenset({"social", "media", "medi", "sozial", "soziale"})


@lru_cache(maxsize=200_000)  # every title is read at each question naming an article by its kind alone
def _title_words(text: str) -> frozenset[str]:
    from .grounding import content_words

    return frozenset((content_words(text) - _EVERY_TITLES_WORDS) | ({"<not>"} if _NEGATION.search(text) else set()))


def _titled_by_what_follows(text: str, kind_spans, doc_id: str, articles: list[ArticleInfo]) -> str | None:
    """The article whose title the words after a kind word paraphrase: "der Blogartikel darüber, wie man in
    sozialen Medien ganz sicher *keinen Erfolg* hat" is "Wie man auf KEINEN Fall in Social Media *erfolgreich*
    wird!", not the one text whose page says "Blog" (d29de12). Two title words at least (a stem, or one
    the beginning of the other: "erfolg" / "erfolgreich"; a negation counts as a word), more than the kind's own
    article's title shares."""
    def shared(words: frozenset[str], title: str) -> int:
        return sum(any(w == t or min(len(w), len(t)) >= 5 and (w.startswith(t) or t.startswith(w)) for t in _title_words(title))
                   for w in words)

    for _, end in kind_spans:
        following = re.split(r"[?:;]", text[end:], maxsplit=1)[0].split()[:12]
        words = _title_words(" ".join(following))
        by_title = sorted(((shared(words, a.title), a.doc_id) for a in articles if a.title), reverse=True)
        own = next((n for n, d in by_title if d == doc_id), 0)
        if by_title and by_title[0][0] >= 2 and by_title[0][0] > own and by_title[0][1] != doc_id \
                and (len(by_title) < 2 or by_title[1][0] < by_title[0][0]):
            return by_title[0][1]
    return None


def _title_holds(title: str, quoted: str) -> bool:
    """Does the title hold the quoted words, also spelt a letter or two apart? Titles have typos ("Stucture follows
    Strategy" for "the 'structure follows strategy' piece"), and so do users."""
    if quoted in title:
        return True
    words, n = title.split(), len(quoted.split())
    return any(difflib.SequenceMatcher(None, quoted, " ".join(words[i:i + n])).ratio() >= 0.9 for i in range(len(words) - n + 1))


_NAME_INDEX: tuple = (None, {}, {}, {})  # (the articles list it was built from, first word -> names, id(article) -> position,
#                                            author's job -> the articles whose author has it)


def _name_index(articles: list[ArticleInfo]) -> tuple[dict[str, list[tuple[str, ArticleInfo]]], dict[int, int], dict[str, list[ArticleInfo]]]:
    """Every article name under its first word, each article's position, and the articles by their author's
    job, built once per articles list (the retriever keeps one list per revision): a question then checks
    only the names whose first word it contains, instead of looping over every article (0.13 s a call, two
    calls an answer, at 93k articles), and each distinct job once."""
    global _NAME_INDEX
    if _NAME_INDEX[0] is not articles:
        index: dict[str, list[tuple[str, ArticleInfo]]] = {}
        roles: dict[str, list[ArticleInfo]] = {}
        for a in articles:
            for name in a.names():
                first = re.findall(r"\w+", name)
                if first:
                    index.setdefault(first[0], []).append((name, a))
            if a.role:
                roles.setdefault(a.role, []).append(a)
        _NAME_INDEX = (articles, index, {id(a): i for i, a in enumerate(articles)}, roles)
    return _NAME_INDEX[1], _NAME_INDEX[2], _NAME_INDEX[3]


# "the author of the CIO article", "der Autor des Infobriefs": a person the article's header names
_THE_AUTHOR = re.compile(r"\b(?:the|its|der|die|des|dem|den|dessen|deren|seine[mnrs]?|ihre[mnrs]?)\s+"
                         r"(?:author|writer|autor(?:in|en|s)?|verfasser(?:in|s)?)\b", re.IGNORECASE)


# "the author" as the one whose view is asked ("Wie *sieht der Autor* das Verhältnis …?", "according to the
# author", "What does the author recommend?"): the article speaks, the author is no topic of the answer
_SAYING = (r"(?:sieht|sehen|meint|sagt|schreibt|argumentiert|betont|empfiehlt|rät|nennt|kritisiert|beschreibt|findet|hält|"
           r"glaubt|denkt|fordert|erklärt|warnt|vergleicht|beurteilt|bewertet|bezeichnet|schlägt|beschreiben|versteht|"
           r"says?|sees?|thinks?|argues?|recommends?|suggests?|means?|claims?|views?|describes?|mentions?|gives?|lists?|"
           r"names?|cites?|warns?|believes?|considers?|proposes?|advises?|calls?|compares?|criticizes?|criticises?|writes?|"
           r"explains?|stresses?|emphasizes?|emphasises?|regards?|feels?|make of|point out|points out|conclude|concludes)")
_AUTHOR_SPEAKS = re.compile(
    rf"\b{_SAYING}\s+(?:\w+\s+)?{_THE_AUTHOR.pattern}|{_THE_AUTHOR.pattern}(?:['’]s)?\s+(?:\w+\s+)?{_SAYING}\b|"
    rf"\b(?:laut|according to|nach (?:ansicht|meinung|auffassung|einschätzung))\s+{_THE_AUTHOR.pattern}|"
    rf"\b(?:sicht|ansicht|meinung|auffassung|view|opinion|perspective)\s+(?:of\s+)?{_THE_AUTHOR.pattern}|"
    rf"{_THE_AUTHOR.pattern}['’]s\s+(?:view|opinion|perspective|argument|point)", re.IGNORECASE)


def without_names(question: str, articles: list[ArticleInfo]) -> str:
    """The question with the phrases that name an article removed: they say which article, not what is
    asked; "the author" of the one named article is replaced by the author's name ("What is the
    profession of the author of the CIO article?" searched for "profession of the author of the ?")."""
    named = naming_phrases(question, articles)
    authors = [a.author for a in articles if a.doc_id in named and a.author]
    if len(named) == 1 and authors:
        # the author as the topic ("the profession of the author") is searched by name; as the one whose
        # view is asked, the author's name pulled the author note ("Hansjörg Leichsenring ist
        # Unternehmensberater" for "Wie sieht der Autor das Verhältnis von Internet und Massenmedien …?")
        question = _THE_AUTHOR.sub("" if _AUTHOR_SPEAKS.search(question) else authors[0], question, count=1)
    for phrases in named.values():
        for phrase in sorted(phrases, key=len, reverse=True):
            pattern = r"[\s-]+".join(re.escape(w) for w in phrase.split())
            # "der ironischen Checkliste", "the tongue-in-cheek checklist": the words between the
            # article and the name describe the article too (lower-case: adjectives, not nouns)
            question = re.sub(rf"(?<!\w)({_DETERMINER}\s+)(?:{_MODIFIER}\s+){{1,3}}(?=(?i:{pattern})(?!\w))", r"\1", question)
            question = re.sub(rf"(?<!\w){pattern}(?!\w)", " ", question, flags=re.IGNORECASE)
    return question


def searched_text(question: str, articles: list[ArticleInfo], doc_filter: list[str] | None) -> str:
    """What to search for within the named articles: the question without the phrases naming them
    ("Was sagt der CIO-Beitrag darüber, wo …" scored below the gate for its "CIO-Beitrag"), or the
    whole question when nothing else is left or no article is named."""
    if not doc_filter:
        return question
    from .answerability import specific_terms

    # a trailing reference goes whole (", according to Annette Speck's piece"): without the author's name alone,
    # "according to 's piece" kept the question under the gate (d31en08)
    rest = without_names(without_trailing_reference(question), articles)
    return rest if specific_terms(rest, frozenset()) else question


def named_articles(question: str, articles: list[ArticleInfo]) -> list[str]:
    """Documents the question names by a quoted title, kind, source, author, title words or number."""
    found = list(naming_phrases(question, articles))
    if len(found) == len(articles) and len(articles) > 1:
        return []  # names every article: no reference
    if not found:
        ordered = sorted(a.doc_id for a in articles)
        numbers = [int(m.group(1)) for m in _BY_NUMBER.finditer(question)]
        numbers += [_ORDINAL[m.group(1).lower()] for m in _BY_ORDINAL.finditer(question) if m.group(1).lower() in _ORDINAL]
        for n in numbers:
            if 1 <= n <= len(ordered) or n == -1:
                return [ordered[n - 1 if n > 0 else n]]
    return found


def asked_attribute(question: str) -> str | None:
    """Which fact about the article itself the question asks for, if any (the first it asks)."""
    return next(iter(asked_attributes(question)), None)


# the author's job asked with the author ("Who wrote …, and *what does he do for a living*?"); alone ("Was ist
# der Autor von Beruf?") it is answered from the author note like any question about a person's job
_AUTHORS_JOB = re.compile(r"\b(do(es)? for a living|what does (he|she) do|(his|her) (job|profession|occupation|line of work)|"
                          r"what (industry|field|line of work)|was (macht|tut) (er|sie) beruflich|beruflich|von beruf|welche[nr]? beruf|"
                          r"in welcher branche|als was arbeitet)\b", re.IGNORECASE)


def asked_attributes(question: str) -> tuple[str, ...]:
    """Every fact about the article itself the question asks for, in the order asked ("Wer hat den
    Artikel verfasst und wann wurde er veröffentlicht?": author, date); the author's job only with the author."""
    from .question import asked_sentences

    asked = asked_sentences(question)  # not "A consultant … *wrote* a series … Which agency does he quote?"
    found = [(m.start(), name) for name, pattern in ATTRIBUTES.items() if (m := pattern.search(asked))]
    if any(name == "author" for _, name in found) and (m := _AUTHORS_JOB.search(asked)):
        found.append((m.start(), "role"))
    return tuple(name for _, name in sorted(found))


def about_an_article(question: str) -> bool:
    return bool(re.search(rf"\b{_ARTICLE_WORD}\b", question, re.IGNORECASE))


def article_question(question: str, articles: list[ArticleInfo], doc_filter: list[str] | None, passages) -> tuple[ArticleInfo, str] | None:
    """(article, attribute) when the question asks about an article itself: the article it names,
    else the one it speaks of ("der Beitrag") whose passage ranked first."""
    attributes = asked_attributes(question)
    if not attributes or not passages or not (doc_filter or about_an_article(question)):
        return None
    doc_id = (doc_filter or _by_title_word(question, articles) or [passages[0].doc_id])[0]
    info = next(a for a in articles if a.doc_id == doc_id)
    if _names_someone_else(question, info):
        return None  # "in welchem Verlag ist das Buch mit dem Beitrag von Oliver Hermes erschienen?": a work the article cites
    return info, attributes


def _names_someone_else(question: str, info: ArticleInfo) -> bool:
    """Does the question ask about a work by someone who is not the article's author ("das Buch mit dem
    Beitrag von Oliver Hermes", "Elke Frank's chapter"), or about a work it quotes by another title?
    Then it is a work the article cites."""
    from .entities import person_names
    from .grounding import content_words

    author = (info.author or "").lower().split()
    text = question if question != question.lower() else question.title()  # "… von oliver hermes"
    for match in re.finditer(r"(?i:\b(?:the|die|der|das|den|dem|des)\s+)[\"'„“‚‘»«]([^\"'„“‚‘»«]{3,120})[\"'“”‘’«»]", question):
        # a work named by a quote ("who published *the 'ten theses'* on digitalization …?"; not "the text that ends
        # with 'Wofür? Wie? Wer?'", which quotes the article) that is not this article, unless
        # the quote shares a word with its title (also translated: "'How NOT to succeed in social media'") or
        # describes the article ("the 'how not to succeed' checklist")
        quoted, after = match.group(1), question[match.end():]
        if not content_words(quoted) & content_words(info.title) and not re.match(rf"\s*{_ARTICLE_WORD}\b", after, re.I):
            return True
    for name in person_names(text):
        by = rf"(?i:{_WORK}\s+(?:von|by)\s+){re.escape(name)}|{re.escape(name)}(?:s|['’]s?)\s+(?i:{_WORK})"
        if name.split()[-1].lower() not in author and re.search(by, text):
            return True
    return False


_WORK = r"(?:beitrag|fachbeitrag|artikel|text|kapitel|buchkapitel|buch|studie|piece|article|chapter|book|study|contribution)"


def _by_title_word(question: str, articles: list[ArticleInfo]) -> list[str]:
    """The one article whose stated title holds a distinctive word of the question ("der Artikel, der
    einem die *Angst* vor Social Media nehmen will": „Keine Angst vor Social Media“), else none."""
    from .grounding import content_words

    asked = content_words(question) - content_words(" ".join(_GENERIC))
    hits = [a.doc_id for a in articles if not a.title.endswith("…") and asked & content_words(a.title)]
    return hits if len(hits) == 1 else []


def metadata_answer(info: ArticleInfo, attributes: str | tuple[str, ...], lang: str) -> tuple[str, bool]:
    """(answer with [1] citing the header, refused): one sentence per attribute asked. Refused when
    the article does not state one of them (what it does state is still said)."""
    if isinstance(attributes, str):
        attributes = (attributes,)
    answers = [_attribute_answer(info, attribute, lang) for attribute in attributes]
    return " ".join(text for text, _ in answers), any(refused for _, refused in answers)


def _attribute_answer(info: ArticleInfo, attribute: str, lang: str) -> tuple[str, bool]:
    value = getattr(info, attribute)
    name = f"„{info.title}“"
    if attribute == "kind" and value and lang == "en":
        value = KIND_EN.get(value, value)
    if attribute == "tone" and value and lang == "en":
        value = TONE_EN.get(value, value)
    if not value:
        missing = {
            "de": {"author": "keinen Autor", "date": "kein Erscheinungsdatum", "source": "keine Quelle oder Website",
                   "kind": "nicht, was für ein Text er ist", "title": "keinen Titel",
                   "tone": "keinen Ton, den er anschlägt", "role": "keinen Beruf des Autors"},
            "en": {"author": "no author", "date": "no publication date", "source": "no source or website",
                   "kind": "no kind of text", "title": "no title",
                   "tone": "no tone it takes", "role": "no job of its author"},
        }[lang][attribute]
        return (f"Der Beitrag {name} nennt {missing} [1]." if lang == "de" else f"The article {name} states {missing} [1]."), True
    templates = {
        "de": {"author": "Der Beitrag {name} wurde von {value} geschrieben [1].", "date": "Der Beitrag {name} erschien am {value} [1].",
               "source": "Der Beitrag {name} erschien bei {value} [1].", "kind": "Der Beitrag {name} ist {article} {value} [1].",
               "title": "Der Beitrag heißt {name} [1].", "tone": "Der Beitrag {name} ist {value} gehalten [1].",
               "role": "{author} ist {value} [1]."},
        "en": {"author": "The article {name} was written by {value} [1].", "date": "The article {name} appeared on {value} [1].",
               "source": "The article {name} appeared on {value} [1].", "kind": "The article {name} is a {value} [1].",
               "title": "The article is titled {name} [1].", "tone": "The article {name} is {value} in tone [1].",
               "role": "{author} is {value} [1]."},
    }
    article = "eine" if value in _FEMININE_KINDS else "ein"
    return templates[lang][attribute].format(name=name, value=value, article=article, author=info.author), False
