"""The kind of answer a question asks for (a number of one kind, a year, a time of day, a reason, a
job, a person, an employer, an organisation, a place, the title of a cited work, a list) and what
evidence of it looks like in a text (an object with .search): read at the question's first question
word ("Welche *Organisation* nennt … wie viele Firmen …" asks for a name). The answerability check
(answerability.py) asks for this evidence in the window it answers from.
"""

from __future__ import annotations

import re

from .chunking import sentence_spans
from .entities import (
    ASKS_FOR_EMPLOYER,
    ASKS_FOR_ORGANISATION,
    EmployerEvidence,
    NameEvidence,
    surnames,
)

# A survey's size asked by name: a number question (ANSWER_TYPES) of the kind "survey" (_SURVEY_QUESTION).
_SAMPLE_SIZE = r"sample size|size of the sample|stichprobengröße|größe der stichprobe"

# The kind of answer a question asks for, by its question words (German and English).
# A person asked for by a relation to something named: "Wer *leitet* …", "Who *founded* …", "Who is the *CEO* of …"
_ASKS_FOR_A_PERSON = (r"\b(wer|who|von wem|by whom|wie heißt (der|die)|what is the name of the)\b"
                      r"(?!\s+(ist|is|war|was)\s+[A-ZÄÖÜ]\w+\s+[A-ZÄÖÜ]\w+\s*\?)")
PERSON_RELATION = (r"(ge)?(leit|führ|gründ|geschäftsführ|chef|vorsitz|vorstand|inhaber|besitz|eigentüm|direktor|präsident|"
                   r"partner|ceo|head|lead|run|found|own|chief|director|president|chair|manag)\w*")
ASKS_FOR_A_PERSON = re.compile(_ASKS_FOR_A_PERSON, re.I)

ANSWER_TYPES = [
    # a person's first name: the articles often give only a title and a surname ("Professor Dr. Kruse")
    ("first name", re.compile(r"\b(vorname\w*|first name|given name)\b", re.I)),
    # a time of day ("What's the best time of day to post on LinkedIn?", "Zu welcher Uhrzeit …"): a clock time
    ("time of day", re.compile(r"\b((what|which)(['’]s| is| are)? (the )?(best |ideal |optimal |right )?(time of (the )?day|times?(?!\s*(frame|span|period|horizon|line))|day of the week)|"
                               r"(at|on) what (time|hour|day)|zu welche[rn]? (uhrzeit|tageszeit|zeit)|welche[rsn]? (uhrzeit|tageszeit|wochentag)|"
                               r"um wie viel uhr|was ist die beste (zeit|uhrzeit|tageszeit))\b", re.I)),
    # "when" asks for a time only as a question word, not in "what happens when …"
    ("year", re.compile(r"\b(wann|seit wann|in welchem jahr|welches jahr|welchem jahr|what year|which year|since when)\b|"
                        r"(^|[.?!]\s*)when\b|\bwhen (did|was|were|is|will|does|do|has|had)\b", re.I)),
    ("number", re.compile(r"\b(wie ?viele?|wie hoch|wie groß|welche[rn]? anteil|wie lange|wie oft|wie alt|prozent|how (many|much|long|old|often|high|large)|"
                          r"what (share|percentage|proportion|fraction|portion|amount|number)|(what|which) (\w+ )?(share|percentage|proportion)|percent|"
                          # an amount by its name: "What was Microsoft's revenue …", "Was kostet …"
                          r"what (is|was|were|are) (the )?([\w’']+ )?(revenue|turnover|budget|price|cost|costs|salary|profit|sales|income|worth)|"
                          rf"was kostet|was kosten|wie teuer|{_SAMPLE_SIZE}|"
                          # figures asked for as such: "Welche Zahlen werden angeführt?", "What are the two figures?"
                          r"welche[n]? (zahl|zahlen|prozentzahl\w*|zahlenwerte?)|(what|which) (\w+ )?(figures|numbers|statistics)|"
                          # "the number one goal" is the first goal, no number
                          r"what (are|were|is|was) the (\w+ )?(figures?|numbers?(?! (?:one|1)\b)|statistics))\b", re.I)),
    ("employer", ASKS_FOR_EMPLOYER),  # a named person's company: said next to their name
    # the title of a cited work ("In welchem Buch ist … erschienen?", "Wie heißt der Fachbeitrag von …?")
    ("work title", re.compile(r"\b((?<=\bin )(which|what) (book|publication|volume|anthology|journal|magazine)|"
                              r"(?<=\bin )welche[mr] (buch|band|sammelband|publikation|zeitschrift|magazin)|"
                              r"wie (heißt|lautet|hieß) (der|die|das) (buch|studie|publikation|fachbeitrag|kapitel|buchkapitel|sammelband)|"
                              r"what (is|was) the (title|name) of (the|his|her|their) (book|study|chapter|publication|paper|contribution))\b", re.I)),
    ("reason", re.compile(r"\b(warum|weshalb|wieso|weswegen|why|for what reason)\b", re.I)),
    # a person's job or position; never "role" ("Welche Rolle spielt …" asks what something does)
    ("role", re.compile(r"\b(welche[rsn]? (position|funktion|stelle|berufsbezeichnung)|welchen (beruf|job|posten)|von beruf|als was|"
                        r"in welcher (funktion|position|eigenschaft)|what (position|job|profession|occupation)|which (position|job)|"
                        r"what is (his|her|their) (job|position|profession|occupation)|job title|do(es)? for a living|the profession)\b", re.I)),
    # a person, by a relation to something named ("Wer leitet …", "Who founded …", "Who is the CEO of …");
    # not "Who is Egbert Wege?" (a description) nor "Wer beschreibt …" (anyone who says it)
    ("person", re.compile(rf"{_ASKS_FOR_A_PERSON}(?=.*\b{PERSON_RELATION})", re.I)),
    ("organisation", ASKS_FOR_ORGANISATION),
    ("place", re.compile(r"\b(welche[rsmn]? (stadt|städten?|land|ländern?|ort|orten?|region|regionen)|"
                         r"which (city|cities|country|countries|town|towns|region|regions)|what (city|cities|country|countries|town|towns)|"
                         r"wo\b(?=.*\b(sitz|ansässig|befindet|liegt|beheimatet|niedergelassen))|"
                         r"where\b(?=.*\b(based|located|headquartered|headquarters|situated)))", re.I)),
    # a plural after "welche", also as a compound's head and in the dative ("In welchen *Unternehmensbereichen*")
    ("list", re.compile(r"\b(welche[n]? (\w+ )?\w*(faktoren|punkte[n]?|vorteile[n]?|nachteile[n]?|fragen|gründe[n]?|ziele[n]?|risiken|chancen|aspekte[n]?|"
                        r"bereiche[n]?|beispiele[n]?|plattformen|netzwerke[n]?|unternehmen|fehler[n]?|abteilungen|missverständnisse|irrtümer|"
                        r"mythen|thesen|tipps|schritte|empfehlungen|maßnahmen|\w+ungen)\b|"  # -ungen: a plural ("Fehlhaltungen")
                        r"(which|what) (\w+ )?(factors|points|benefits|advantages|questions|reasons|goals|risks|examples|platforms|networks|companies|mistakes|"
                        r"areas|departments|functions|sectors|fields|misconceptions|misunderstandings|myths|theses|tips|steps|recommendations|measures)|"
                        r"(welche|which|what) (zwei|drei|vier|fünf|two|three|four|five|several|mehrere) \w+|"  # "What three things …"
                        r"(zwei|drei|vier|fünf|two|three|four|five) (\w+ )?\w+|list|nenne|nenn|name the)\b", re.I)),  # "Nenn mir …", as spoken
]
# Evidence of each kind of answer in a piece of text.
_NUMBER_WORDS = (r"\d|prozent|percent|hälfte|drittel|viertel|zehntel|dritte[sn]?|zweite[sn]?|zehnte[nms]?|jede[snm]? \w+|"
                 r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|million\w*|milliard\w*|mehrheit|wenige")
TYPE_EVIDENCE = {
    "time of day": re.compile(r"\b\d{1,2}([:.]\d\d)?\s?(uhr|h|am|pm|a\.m\.|p\.m\.)(?!\w)|\b(morgens|vormittags|mittags|nachmittags|abends|nachts|"
                              r"morgen|vormittag|mittag|nachmittag|abend|morning|afternoon|evening|noon|night|"
                              r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|wochenende|monday|tuesday|wednesday|"
                              r"thursday|friday|saturday|sunday|weekend)s?\b", re.I),
    "year": re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\bvor \w+ (jahren|monaten)\b|\bseit \w+", re.I),
    "number": re.compile(rf"({_NUMBER_WORDS})", re.I),
    # job words, also as the head of a compound ("Unternehmensberater", "Interimsmanager", "Fachautor";
    # not "Bankleiterqualifikation")
    "role": re.compile(r"(berater|manager|partner|professor|vorstand|vorständ|chef|leiter|direktor|redakteur|journalist|autor|gründer|"
                       r"inhaber|sprecher|analyst|referent|moderator|geschäftsführer|präsident|consultant|director|officer|founder|editor)"
                       r"(in|innen|s|en|e|n)?\b|\b(ceo|cio|cto|cmo|cfo|head of)\b", re.I),
}
# A number question asks for one kind of number; evidence of another kind does not answer it:
# "Wie alt ist …" is not answered by "§33 KWG", "How many employees …" not by "drei Jahre",
# "Wie viel Euro Budget …" not by "drei Jahre gesichertes Budget". The first kind whose question
# pattern matches decides; "count" (any "wie viele"/"how many") is the rest.
_TIME_UNIT = r"((jahr|monat|woche|tag|stunde|minute|jahrzehnt|year|month|week|day|hour|minute|decade)\w*|(min|std|sek|sec|hrs?)\b)"
_NUMBER_WORD = (r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|"
                r"two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|hundred|thousand")
_QUANTITY = rf"(\d[\d.,]*|{_NUMBER_WORD}|mehrere[n]?|einige[n]?|vielen?|wenige[n]?|several|few|many)"
_PROPORTION = (r"\d[\d,.]*\s?(%|prozent|percent)|hälfte|drittel|viertel|fünftel|zehntel|jede[snmr]? (zweite|dritte|vierte|fünfte|zehnte)|"
               r"mehrheit|minderheit|meisten|\b(half|third|quarter|majority|minority|one in \w+)\b|\d+ von \d+")
NUMBER_KINDS = [
    ("percent", re.compile(r"\b(wie ?viele? prozent|in prozent|prozentual|in percent|welche[rn]? anteil|prozentsatz|what (share|percentage|proportion|fraction|portion)|"
                           r"(which|what) (\w+ )?(share|percentage|proportion)|how many percent|what percent)", re.I),  # "What ROI percentage …"
     re.compile(_PROPORTION, re.I)),
    ("age", re.compile(r"\b(wie alt|how old|what age|welches alter)\b", re.I),
     re.compile(r"\d+[- ]?(jahre alt|jährig|years? old|year-old)|\b(geboren|jahrgang|born|aged)\b|\balter von \d", re.I)),
    ("duration", re.compile(rf"\b(wie lange|how long|seit wie vielen|for how many {_TIME_UNIT}|wie viele {_TIME_UNIT}|how many {_TIME_UNIT})", re.I),
     re.compile(rf"\b{_QUANTITY}\s+(\w+\s+)?{_TIME_UNIT}|jahrzehnt|decade|\b(seit|since) (1[89]\d\d|20\d\d)\b", re.I)),
    # a German compound ending in the amount counts too: "Jahresbudget", "Werbekosten", "Jahresumsatz"
    ("money", re.compile(r"\b(euros?|dollars?|geld|kost\w*|\w*budget\w*|\w*umsatz\w*|\w*kosten|\w*gehalt|gewinn\w*|preis\w*|\w*etat|investi\w*|ausgegeben|ausgibt|ausgeben|"
                         r"money|cost\w*|spen[dt]\w*|revenue|profit\w*|price\w*|paid|pay|earn\w*|raised?|invest\w*|salary|gehalt)\b", re.I),
     re.compile(r"€|\$|\b(euro|dollar|us-dollar|mio|mrd|million\w*|milliard\w*|billion\w*)\b", re.I)),
]
# the whole a share is of, when it is an amount: "share of Procter & Gamble's *revenue*", not "share of
# companies with annual revenue over …" (a qualifier)
SHARE_OF_MONEY = re.compile(r"\b(?:share|percentage|proportion|percent|fraction|portion) of (?:(?!with|that|which|who|whose)[\w&’']+ ){0,4}?"
                             r"(revenues?|turnover|budgets?|sales|profits?|income|spending|earnings)\b", re.I)
# A count is any number except a stretch of time ("drei Jahre"), a year ("2014"), a paragraph or a
# list item's number ("2. Sozial bedeutet uneigennützig"); a proportion only when the question
# does not ask for the absolute number.
_COUNT_NOT = re.compile(rf"https?://\S+|\b{_QUANTITY}\s+(\w+\s+)?{_TIME_UNIT}|\b(1[89]\d\d|20\d\d)\b|§\s?\d+|^\s*\d{{1,2}}[.)]\s|"
                        r"\b(seite|seiten|s\.|page|pages|p\.|pp\.)\s?\d+", re.I | re.M)  # nor a page ("(Seite 108)")
# How many took part in a survey: the articles cite studies but never their sample sizes; a count
# elsewhere in the window ("17 Prozent der Unternehmen", "nur wenige Unternehmen") does not answer it.
_SURVEY_QUESTION = re.compile(rf"\b({_SAMPLE_SIZE}|"
                              r"(wie groß|how (large|big)) (war|ist|was|is) (die|the) (stichprobe|sample))\b|"
                              r"\b(wie ?viele|how many)\b.*\b(befragt\w*|umfrage\w*|survey\w*|polled|interviewed|respondents|"
                              r"teilnehmer\w*|teilgenommen|beteiligt\w*|participants|participated|took part|were asked|wurden gefragt|stichprobe|sample|"
                              r"untersucht\w*|analysiert\w*|examined|studied|analy[sz]ed)", re.I)
_SURVEY_WORD = re.compile(r"befrag|umfrage|survey|interview|respondent|teilnehm|participant|stichprobe|sample", re.I)
_ABSOLUTE = re.compile(r"\b(absolute[nr]? (zahl|zahlen|anzahl)|in absolute (numbers|terms)|absolute (number|numbers|count))\b", re.I)


ROLE_QUESTION_STEMS = frozenset("position funktion stell beruf job post profession occupation titl".split())


def number_kind(question: str) -> str:
    """Which kind of number a number question asks for: percent, age, duration, money, the size of a
    survey, or count."""
    found = next((name for name, asks, _ in NUMBER_KINDS if asks.search(question)), "count")
    return "survey" if found == "count" and _SURVEY_QUESTION.search(question) else found


class _SurveyEvidence:
    """A count in a sentence about a survey ("Befragt wurden 500 Unternehmen")."""

    def search(self, text: str):
        count = _CountEvidence(absolute=False)
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if _SURVEY_WORD.search(sentence) and (m := count.search(sentence)):
                return m
        return None


class _CountEvidence:
    """Numbers that can count something: what is left of a text without its times and years. A
    magnitude asked for ("Wie hoch war der durchschnittliche Return …?") is a figure, not "nur wenige
    Unternehmen", which answers only "how many"."""

    def __init__(self, absolute: bool, magnitude: bool = False):
        self.absolute, self.magnitude = absolute, magnitude

    def search(self, text: str):
        rest = _COUNT_NOT.sub(" ", text)
        if self.absolute:
            rest = re.sub(_PROPORTION, " ", rest, flags=re.I)
        if self.magnitude:
            rest = re.sub(r"\bwenige\w*", " ", rest, flags=re.I)
        return TYPE_EVIDENCE["number"].search(rest)


# Capitalised words before a surname that are no first name.
_NOT_FIRST_NAMES = frozenset("prof professor professorin dr herr frau mr mrs ms der die das den dem des ein eine einer einem "
                             "the a an von of und and laut".split())


class _FirstNameEvidence:
    """A first name before the surname the question names: "Peter Kruse", not "Professor Dr. Kruse"."""

    def __init__(self, question: str):
        words = re.findall(r"[^\W\d_]+", question)
        # the person's surname ("Professor *Kruse*"), else any capitalised word; not "Media" of "Social Media"
        named = surnames(question)
        self.surnames = named or [w for w in words[1:] if w[:1].isupper() and w.lower() not in _NOT_FIRST_NAMES
                                  and not re.fullmatch(r"(?i)vorname\w*|first|given|name", w)]

    def search(self, text: str):
        for surname in self.surnames:
            for m in re.finditer(rf"(?<![\w.])([A-ZÄÖÜ][a-zäöüß]+)\s+{re.escape(surname)}\b", text):
                if m.group(1).lower() not in _NOT_FIRST_NAMES and m.group(1) != surname:
                    return m
        return None


class _WorkTitleEvidence:
    """A quoted title of two or more words that the question does not give: „Kopfüber strategielos in
    Social Media“ is the chapter a question about its book names, not the book."""

    def __init__(self, question: str):
        self.given = question.lower()

    def search(self, text: str):
        return next((m for m in _QUOTED_TITLE.finditer(text) if len(m.group(1).split()) >= 2 and m.group(1).lower() not in self.given), None)


_QUOTED_TITLE = re.compile(r"[\"„“»«']([^\"„“”»«']{3,150})[\"“”«»']")


def evidence_pattern(question: str, kind: str):
    """What evidence of the asked-for kind of answer looks like (an object with .search), or None."""
    if kind == "work title":
        return _WorkTitleEvidence(question)
    if kind == "first name":
        return _FirstNameEvidence(question)
    if kind == "employer":
        return EmployerEvidence(question)
    if kind in ("person", "organisation", "place"):
        return NameEvidence(question, kind)
    if kind != "number":
        return TYPE_EVIDENCE.get(kind)
    sub = number_kind(question)
    if sub == "count":
        return _CountEvidence(bool(_ABSOLUTE.search(question)), bool(_MAGNITUDE.search(question)))
    if sub == "survey":
        return _SurveyEvidence()
    if sub == "percent" and _EXACT.search(question):  # "What *exact* percentage …": a figure, not "fast die Hälfte"
        return _EXACT_PERCENT
    return next(evidence for name, _, evidence in NUMBER_KINDS if name == sub)


_MAGNITUDE = re.compile(r"\b(wie hoch|how high|how large|how big)\b", re.I)
_EXACT = re.compile(r"\b(exact|exactly|precise|precisely|genau|genaue[nr]?|exakt|exakte[nr]?)\b", re.I)
_EXACT_PERCENT = re.compile(r"\d[\d,.]*\s?(%|prozent|percent)", re.I)



_QUESTION_WORD = re.compile(r"\b(wer|wen|wem|wessen|was|welche[rmns]?|wie|wo|wann|warum|weshalb|wieso|"
                            r"who|whom|whose|what|which|how|where|when|why)\b", re.I)


# an amount asked for in a unit: "Welches jährliche Budget *in Euro* …", "Welchen konkreten ROI *in Prozent* …"
IN_A_UNIT = re.compile(r"\b(in (euro|euros|dollar|dollars|us-dollar|prozent|percent)|as a percentage)\b", re.I)


def _asks_an_amount_in_a_unit(question: str) -> bool:
    """A unit after a question word of its sentence ("Welches Budget *in Euro* …?", "What is the ROI *in
    percent*?"); not in a yes/no question about it ("Lässt sich der Nutzen *in Euro* und Cent beziffern?
    Was sagen …": whether it can be given, answered by the articles' view, d29de16)."""
    for match in IN_A_UNIT.finditer(question):
        sentence_start = max(question.rfind(end, 0, match.start()) for end in ".?!:") + 1
        if _QUESTION_WORD.search(question, sentence_start, match.start()):
            return True
    return False


_IMPERATIVE = re.compile(r"\s*(bitte\s+)?(name|list|enumerate|nenne|nenn|nennen sie|nennt|zähle|zähl|liste|listen sie)\b", re.I)
# An answer asked for as a list, whatever the question word
_AS_A_LIST = re.compile(r"\b(stichpunkt\w*|zähl\w* (\w+ ){0,4}auf|aufzählen|aufzählung|auflisten|bullet points?|list (them|it|the points))\b", re.I)


def answer_type(question: str) -> str:
    """The kind of answer asked for, read at the question's first question word: "Welche
    *Organisation* nennt der Infobrief als Quelle für die Zahlen dazu, wie viele Firmen …" asks
    for a name, not for the number in its relative clause. Where the first question word does not
    decide it ("Was sagt der Text darüber, wie viele …", "Does the article say when …"), the first
    kind found anywhere, in the order of ANSWER_TYPES."""
    if _asks_an_amount_in_a_unit(question):  # "Welches jährliche Budget *in Euro* empfiehlt …?" asks for an amount
        return "number"
    if _AS_A_LIST.search(question):  # "Was bringen soziale Medien …? Kurz in Stichpunkten bitte."
        return "list"
    # after an imperative ("Name the mistaken attitudes the checklist on *how* NOT to succeed … lists") the first
    # question word is in a clause of what is asked for: the kind is found anywhere
    first = None if _IMPERATIVE.match(question) else _QUESTION_WORD.search(question)
    if first:
        for name, pattern in ANSWER_TYPES:
            if (m := pattern.search(question, first.start())) and m.start() == first.start():
                return name
        if first.group(1).lower() != "wie" and _names_a_thing(question[first.end():]):  # "wie": also "Netzwerke wie Xing"
            return "other"
    for name, pattern in ANSWER_TYPES:
        if pattern.search(question):
            return name
    return "other"


ENGLISH_NEGATION = {"don", "doesn", "didn", "aren", "isn", "wasn", "weren", "haven", "hasn", "not", "t"}
AUXILIARIES = set("do does did is are was were has have had can could should would will may might must "
                   "ist sind war waren hat haben hatte kann können soll sollte sagt sagen nennt nennen "
                   "steht gibt bedeutet meint".split())


def _names_a_thing(rest: str) -> bool:
    """After the question word: a thing ("Welche *Organisation*", "which *source*"), not a verb
    ("What *does* the article say …", "Was *sagt* der Text …"): any word but an auxiliary or a
    saying verb."""
    words = re.findall(r"[^\W\d_]+", rest)[:1]
    return bool(words) and words[0].lower() not in AUXILIARIES
