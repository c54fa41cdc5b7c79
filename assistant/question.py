"""The user's question as typed: cleaned, bounded, its language, whether it has words at all; and
how it is read: the sentences that ask, without the words describing an article, "Facebook & Co."
as social media, a lower-case German question with its capitals back."""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import AssistantError
from .language import detect_language, foreign_language
from .spelling import respelled

MAX_QUESTION_CHARS = 2000
# an article's determiner and the lower-case words between it and the word naming the article
# ("der *ironischen* Checkliste", "the *tongue-in-cheek* checklist")
DETERMINER = r"(?:[Dd]er|[Dd]ie|[Dd]as|[Dd]em|[Dd]en|[Dd]es|[Ee]ine[rms]?|[Tt]he|[Tt]his|[Tt]hat)"
# a word describing what follows (not a preposition, a conjunction or another determiner: "the agency *behind the* ironic
# checklist" describes no checklist)
MODIFIER = (r"(?!(?:im|in|of|on|zu|zum|zur|und|and|oder|or|von|vom|über|about|aus|from|mit|with|behind|for|by|at|to|für|bei|hinter|"
            r"der|die|das|dem|den|des|eine[rms]?|ein|the|this|that|a|an)\b)[a-zäöüß][\w-]*")
NO_WORDS = ("Das ist keine Frage in Worten. Bitte fragen Sie auf Deutsch oder Englisch. / "
            "That is not a question in words. Please ask in German or English.")
FOREIGN_NOTICE = "Questions are answered in German or English; this one looks {language}, so the answer is in English."


def clean_question(question: str) -> tuple[str, str | None]:
    """Printable, single-spaced, bounded. Raises AssistantError when empty."""
    question = " ".join("".join(c if c.isprintable() else " " for c in question or "").split())
    if not question:
        raise AssistantError("Die Frage ist leer. / The question is empty.")
    if len(question) > MAX_QUESTION_CHARS:
        notice = (f"Die Frage war {len(question):,} Zeichen lang; nur die ersten {MAX_QUESTION_CHARS:,} werden verwendet. / "
                  f"The question was {len(question):,} characters long; only the first {MAX_QUESTION_CHARS:,} are used.")
        return question[:MAX_QUESTION_CHARS], notice
    return question, None


def has_words(question: str) -> bool:
    """False for repeated letters ("aaaa…", "hahaha"), emoji, digits or punctuation only."""
    words = re.findall(r"[^\W\d_]{2,}", question.lower())
    return any(len(set(w)) >= 2 and not re.fullmatch(r"(.{1,3})\1{2,}", w) for w in words)


def answer_language(question: str) -> tuple[str, str | None]:
    """("de" or "en", a notice when the question is in another language: it is answered in English)."""
    other = foreign_language(question)
    if other:
        return "en", FOREIGN_NOTICE.format(language=other)
    return detect_language(question), None


def asked_sentences(question: str) -> str:
    """The sentences that ask, without the statements of context before them ("Wir sind ein kleiner
    Onlineshop und überlegen, ob sich Facebook & Co. lohnen. *Wie viele … haben dort ein Konto?*",
    "A consultant … wrote a series … *Which online agency does he quote …?*"): what the evidence must
    hold and what kind of answer is asked for. The whole question when it starts with a question or
    has none."""
    from .chunking import sentence_spans

    spans = sentence_spans(question)
    first = next((i for i, (s, e) in enumerate(spans) if question[s:e].rstrip().endswith("?")), None)
    return question[spans[first][0]:].strip() if first else question


# "Facebook & Co.", "Facebook, Xing und Co.", "Facebook und ähnlichen Plattformen", "Facebook and the like":
# social media in general, as users say it. Searched and ranked as named, the platform names pulled the
# sentences listing platforms first ("XING, Facebook, LinkedIn, Blog und Co." for "Was wollen Firmen in
# erster Linie erreichen, wenn sie auf Facebook, Xing & Co. aktiv werden?").
_PLATFORMS_AND_CO = re.compile(
    r"(?<![\w-])(?:[A-Z][\w+]*\s*,\s*)*[A-Z][\w+]*\s*(?:(?:&|und|and)\s*[Cc]o\b\.?|\s(?:und|oder)\s+(?:ähnliche|andere|vergleichbare)\w*\s+"
    r"(?:Plattform|Netzwerk|Kanäle|Kanal|Dienst|Seite)\w*|\sand\s+(?:the\s+like|similar\s+(?:platforms|networks|sites|services)))")


def platforms_as_social_media(question: str, lang: str) -> str:
    """The question with "Facebook & Co." and the like said as what it means: social media (not
    "Telekom und Co.": only platform names). Also when an article uses the phrase itself ("Facebook & Co
    sind längst zu einem wichtigen … Ort geworden"): kept as written there, it pulled that sentence and
    the platform lists first for most questions saying it ("Was wollen Unternehmen mit ihrer Präsenz auf
    Facebook & Co. vor allem erreichen?", three dev batches), and cost one question quoting the sentence."""
    from .names import PLATFORMS

    def general(match: re.Match) -> str:
        listed = re.split(r"\s*&|\s(?:und|oder|and)\s", match.group(0))[0]  # the names, not "Co." or "Plattformen"
        names = re.findall(r"[A-Z][\w+]*", listed)
        if all(name.rstrip("+").lower() in PLATFORMS for name in names):
            return "sozialen Medien" if lang == "de" else "social media"
        return match.group(0)

    return _PLATFORMS_AND_CO.sub(general, question)


# German nouns by their ending, for the words of a lower-case question the articles do not use
_NOUN_ENDING = re.compile(r"[^\W\d_]{3,}(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tät|täten|ion|ionen|ismus|nis|nisse|"
                          r"tum|ment|ments|eur|eure|ik|ie|ien|enz|anz|ur|ler|lers|lern)")


def truecased(question: str, written: dict[str, str]) -> str:
    """A German question typed in lower case, its nouns and names capitalised again as the articles write
    them (`written`, lower -> form), else a known place or first name, else a noun by its ending: the
    answerability check reads nouns, names and places by their capitals ("wie viel prozent der
    internetnutzer in österreich …" was answered with the figure for Deutschland). Any other question
    is returned as typed."""
    if any(c.isupper() for c in question[1:]):
        return question
    known = _known_names()

    def capitalised(match: re.Match) -> str:
        word = match.group(0)
        if word in written:
            return written[word]
        if word in known:
            return known[word]
        return word[:1].upper() + word[1:] if _NOUN_ENDING.fullmatch(word) else word

    return re.sub(r"[^\W\d_]+", capitalised, question)


@lru_cache(maxsize=1)
def _known_names() -> dict[str, str]:
    """Lower case -> written form of every one-word place and first name (built in ~20 ms: once)."""
    from .entities import first_names, places

    return {name.lower(): name for name in (*places(), *first_names()) if " " not in name}


# English idioms for watching what is said online, said plainly: their words ("keep", "eye") are no terms the
# articles use ("Out of ten companies, how many don't keep an eye on what people say about them online?")
_WATCHING = re.compile(r"\bkeep(?:s|ing)? (?:an eye on|tabs on|track of)\b", re.I)


# and German ones ("Wie viele Mittelständler *behalten* überhaupt *im Auge*, was …?"), also split around the rest
_WATCHING_DE = re.compile(r"\bim (?:Auge|Blick) (behalten|behält|behielten?)\b|\b(behalten|behält|behielten?)\b(.{0,60}?) im (?:Auge|Blick)\b")
# "signed up with a social network": registered ("angemeldet" .91; "signed up" .875, below the word bar)
_SIGNING_UP = re.compile(r"\bsign(?:s|ed|ing)? up\b", re.I)


def plainly(question: str) -> str:
    """Idioms said in plain words the articles use."""
    question = _WATCHING.sub("monitor", question)
    question = _WATCHING_DE.sub(lambda m: "beobachten" if m.group(1) else f"beobachten{m.group(3)}", question)
    return _SIGNING_UP.sub("registered", question)


def as_read(question: str, lang: str, written: dict[str, str], spellings=None) -> str:
    """The question as the pipeline reads it (the chain, and eval-calibrate replaying it): a lower-case
    German question with its capitals back as the articles write them (`written`; first, so that
    "facebook & co" is read as "Facebook & Co."), a misspelt name as the articles write it (`spellings`: the
    articles' capitalised words, and word -> does an article hold it), "Facebook & Co." as social media, idioms said plainly."""
    question = truecased(question, written) if lang == "de" else question
    if spellings is not None:
        question = respelled(question, *spellings)
    return plainly(platforms_as_social_media(question, lang))


# What users call an article when they describe it instead of naming it ("in dieser sarkastischen *liste*",
# "the *piece* on misconceptions", "im *Blogbeitrag*, der …"); also as the end of a compound ("CIO-Beitrag")
_DESCRIBED = r"(?:\w*(?:artikel|beitrag|beitrags|text|liste|checkliste|infobrief|newsletter|blogpost|post|serie|kolumne|ratgeber|leitfaden|anleitung)|" \
             r"article|piece|post|blog|blog post|list|checklist|newsletter|series|column|write-up|text|guide)"
_REFERENCE_START = r"(?:in|im|aus|bei|laut|nach|zu|zum|gemäß|per|according to|from|on|of)"
# a quoted title is one piece of a description, commas and all ("the piece on the 'Wer teilt, gewinnt' publication")
_QUOTED = r"(?:„[^“”\"]{1,80}[“”\"]|“[^”\"]{1,80}[”\"]|\"[^\"]{1,80}\"|(?<!\w)'[^']{1,80}'(?!\w))"


def _text_before(ends: str) -> str:
    """One piece of a description's text before any of `ends`: a quoted title, an apostrophe inside a word
    ("company's"), or another character. An apostrophe starts a quote or sits inside a word, never both: the
    alternatives stay disjoint, so a question full of quotes cannot make the pattern backtrack."""
    return rf"(?:{_QUOTED}|(?<=\w)'|[^{ends}„“\"'])"


_UNTIL = _text_before(",:–—?")  # up to the comma, colon or dash ending a description
_UNTIL_COLON = _text_before(":–—?")  # up to the colon or dash ending a description (commas inside)
# "In dem Beitrag von dem Bankenberater über typische Irrtümer: Was sagt er …?", "in dieser sarkastischen
# liste, was man alles falsch machen kann – wem wird …?": a reference before a colon or a dash
_LEADING_REFERENCE = re.compile(rf"^\s*(?:{_REFERENCE_START}|{DETERMINER}|diese[mnrs]?)\s+(?:[\w'’-]+\s+){{0,4}}?{_DESCRIBED}\b{_UNTIL_COLON}{{0,120}}[:–—]\s*", re.I)
# "In the CIO.de column by the interim manager who advises banks, what does he say …?": a leading
# prepositional phrase naming the article, up to its comma
_LEADING_REFERENCE_CLAUSE = re.compile(rf"^\s*{_REFERENCE_START}\s+(?:[\w'’.-]+\s+){{0,4}}?{_DESCRIBED}\b{_UNTIL}{{0,120}},\s*", re.I)
# "…, per the article that mocks bad social media practices?": a last clause naming the article
_TRAILING_REFERENCE = re.compile(rf",\s*{_REFERENCE_START}\s+(?:[\w'’-]+\s+){{0,4}}?{_DESCRIBED}\b{_UNTIL}{{0,120}}(?=\?*\s*$)", re.I)
# "the *satirical* checklist article", "dem *ironischen* Beitrag": words describing the article
# (case-sensitive but for the article's word: a capitalised word is a noun, "der *US-Politik bringt der* Blogbeitrag")
_DESCRIBING_WORDS = re.compile(rf"(?<!\w)({DETERMINER}\s+)(?:{MODIFIER}\s+){{1,3}}(?=(?i:{_DESCRIBED})\b)")


# "der Artikel *über die Studie „Wer teilt, gewinnt“*": what the article is about, named by a quoted title, inside the question
_ABOUT_TITLE = re.compile(rf"(?<!\w)({_DESCRIBED})\s+(?:über|zu[rm]?|on|about)\s+(?:[\w'’-]+\s+){{0,3}}?{_QUOTED}", re.I)


def without_trailing_reference(question: str) -> str:
    """The question without a reference to its article after its last comma (", according to Annette Speck's piece")."""
    return _or_whole(_TRAILING_REFERENCE.sub("", question, count=1), question)


def _or_whole(rest: str, question: str) -> str:
    """What is left of the question, or the whole question when what is left names nothing."""
    return rest if re.search(r"[^\W\d_]{3,}", rest) and len(rest.split()) >= 3 else question


def without_descriptions(question: str) -> str:
    """The question without the words describing the article it asks about: they say which article,
    not what the answer holds ("the *satirical* checklist" ranked the checklist's introduction
    "… auf *ironische* Art und Weise …" above the point asked for, and the evidence had to mention
    "sarkastischen"). The whole question when what is left names nothing."""
    rest = _LEADING_REFERENCE.sub("", question, count=1)
    rest = _LEADING_REFERENCE_CLAUSE.sub("", rest, count=1)
    rest = _TRAILING_REFERENCE.sub("", rest, count=1)
    rest = _ABOUT_TITLE.sub(r"\1", rest)
    rest = _DESCRIBING_WORDS.sub(r"\1", rest)
    return _or_whole(rest, question)


# A question about what several articles say ("Was sagen *die Artikel* …", "Do *both* the Springer piece and the
# Infobrief …", "*Compare* their views", "in *zwei Texten*"): its answer may quote more than one article.
_SEVERAL_ARTICLES = re.compile(
    r"\b(articles|texts|pieces|posts|sources|authors|both|compare[sd]?|comparison|each|across|"
    r"beide[nr]?|vergleich\w*|jeweils|verschiedene[nr]?|mehrere[nr]?|Artikeln|Texte[n]?|Beiträge[n]?|Quellen|Autoren)\b|"
    r"\b(die|alle|zwei|drei) Artikel\b", re.I)


def asks_several_articles(question: str) -> bool:
    return bool(_SEVERAL_ARTICLES.search(question))


# Where a question starts asking another thing: a question word after a comma, "und" / "and" or the end of a
# sentence ("Wie viele Unternehmen agieren laut Roland Berger strategisch*, und wie viele* setzen sich laut dem
# Branchenverband Ziele?", "Ein Artikel sagt*, wie viele* Firmen …, ein anderer*, wie viele* …")
_QUESTION_START = r"(?:wie|was|welche[rnms]?|wer|wen|wem|wo|wann|warum|wieso|ob|how|what|which|who|where|when|why|whether)\b"
_NEXT_ASKED = re.compile(rf"(?:[,;:]\s*(?:(?:und|and|sowie|aber|but)\s+)?|\s(?:und|and|sowie)\s+|(?<=[?.!])\s+)(?={_QUESTION_START})", re.I)
_ASKING = re.compile(_QUESTION_START, re.I)


def asked_parts(question: str, articles: list | None = None) -> list[str]:
    """The things a question about several articles asks one by one, or [] when it asks one thing: each part is
    searched and quoted for itself, as LangChain's query decomposition does, so the second article's figure is not
    crowded out by the first's ("… wie viele agieren laut Roland Berger strategisch" / "… wie viele setzen sich
    laut dem Branchenverband Ziele"). A part asks (a question word, or a question mark: not "Our customers
    complain that our ads feel pushy.") and says with at least three words what about, besides the names of
    `articles` ("Wie sehen das der Bankberater Leichsenring und der Blogbeitrag … jeweils?" only says who)."""
    from .answerability import specific_terms
    from .articles import without_names

    pieces = [p.strip(" ,;:") for p in _NEXT_ASKED.split(question)]
    parts = [p for p in pieces if (_ASKING.match(p) or p.endswith("?"))
             and len(specific_terms(without_names(p, articles) if articles else p, frozenset())) >= 3]
    return parts if len(parts) >= 2 else []


# A question asking what two (or each of several) articles say, each its own part of the answer ("Zwei Texte berufen
# sich auf Bitkom. Welche Zahl nennt jeder?", "Vergleiche zwei Artikel: …", "What figure does each article attribute …?");
# not "im Vergleich zu", "compared with" (a comparison within what one article says)
_EACH_ARTICLE = re.compile(
    r"\b(?:beide[nr]?|both|zwei (?:der |von den )?(?:artikel|texte|beiträge|quellen)|two (?:of the )?(?:articles|texts|pieces|sources)|"
    r"each (?:of the (?:articles|texts|two)|article|text|piece|one)|jeweils|jede[rs]? der beiden|vergleiche\b|compare (?:the|their|both|what)|"
    r"ein anderer|another (?:one|article))\b", re.I)


def asks_each_article(question: str) -> bool:
    return bool(_EACH_ARTICLE.search(question))
