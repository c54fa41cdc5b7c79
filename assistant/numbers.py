"""The numbers a text states, as values, in German and English: "drei Jahre" and "three years"
are the same 3, "ein Viertel" and "a quarter" the same 1/4, "jedes zweite" and "every second"
the same 1/2, "erster" and "first" the same 1st.

The verifier needs them: a generated sentence that changes a figure ("ein Drittel" for the
passage's "ein Viertel", "zwölf Thesen" for "Zehn Thesen", "five years" for "drei Jahre") reads
almost like its passage to an embedding model, and judged it supported. Digits alone were
checked before; number words were not. No library reads German and English number words into
values (num2words goes the other way), so the small table is written here.
"""

from __future__ import annotations

import re

_CARDINALS = {
    2: "zwei two", 3: "drei three", 4: "vier four", 5: "fünf five", 6: "sechs six", 7: "sieben seven",
    8: "acht eight", 9: "neun nine", 10: "zehn ten", 11: "elf eleven", 12: "zwölf twelve", 20: "zwanzig twenty",
    30: "dreißig thirty", 40: "vierzig forty", 50: "fünfzig fifty", 100: "hundert hundred", 1000: "tausend thousand",
}  # "ein"/"one" is left out: in German it is also the article
_ORDINALS = {
    1: "erst first", 2: "zweit second", 3: "dritt third", 4: "viert fourth", 5: "fünft fifth",
    6: "sechst sixth", 7: "siebt seventh", 8: "acht eighth", 9: "neunt ninth", 10: "zehnt tenth",
}
_FRACTIONS = {2: "hälfte half halb", 3: "drittel", 4: "viertel quarter", 5: "fünftel", 10: "zehntel"}

_WORD_VALUES: dict[str, set[str]] = {}
for value, words in _CARDINALS.items():
    for w in words.split():
        _WORD_VALUES.setdefault(w, set()).add(f"{value}")
for value, words in _FRACTIONS.items():
    for w in words.split():
        _WORD_VALUES.setdefault(w, set()).add(f"1/{value}")
_ORDINAL_STEMS = {stem: value for value, stems in _ORDINALS.items() for stem in stems.split()}
# English "a third", "a fifth" are fractions as well as ordinals
_ENGLISH_FRACTION_ORDINALS = {"third", "fourth", "fifth", "tenth"}

# "one company in three", "einer von drei", "two out of three": a share, not the cardinal three
_SHARE = re.compile(r"\b(one|ein|eine|einer|eines|two|zwei)\s+(?:[^\W\d_]+\s+)?(?:in|von|out of)\s+(two|three|four|five|ten|zwei|drei|vier|fünf|zehn)\b")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+")
_EVERY = {"jede", "jedes", "jeder", "jeden", "jedem", "every", "each"}


def numeric_values(text: str) -> set[str]:
    """The values of the numbers in `text`: "70", "2014", "1.5", "1/4" (fractions), "#3" (ordinals)."""
    values: set[str] = set()

    def share(match: re.Match) -> str:
        denominator = next(iter(_WORD_VALUES[match.group(2)]))
        values.add(f"{2 if match.group(1) in ('two', 'zwei') else 1}/{denominator}")
        return " "

    tokens = _TOKEN.findall(_SHARE.sub(share, text.lower()))
    for i, token in enumerate(tokens):
        if token[0].isdigit():
            values.add(token.replace(",", "."))
            continue
        if token in _WORD_VALUES:  # "acht" is eight, not the stem of "achte"
            values |= _WORD_VALUES[token]
            continue
        ordinal = _ordinal(token)
        if ordinal is None:
            continue
        before = tokens[i - 1] if i else ""
        if before in _EVERY:  # "jedes zweite", "every third": a share
            values.add(f"1/{ordinal}")
        elif before in ("a", "one") and token in _ENGLISH_FRACTION_ORDINALS:  # "a third"
            values.add(f"1/{ordinal}")
        else:
            values.add(f"#{ordinal}")
    return values


def _ordinal(token: str) -> int | None:
    """1 for "erste", "ersten", "erster", "first"; None for a word that is no ordinal."""
    for stem, value in _ORDINAL_STEMS.items():
        if token == stem or (token.startswith(stem) and token[len(stem):] in ("e", "er", "es", "en", "em")):
            return value
    return None


# "50 Prozent", "25 %", "10 percent": a percentage that is a simple fraction states that fraction too
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|prozent\b|percent\b|per cent\b)", re.IGNORECASE)


def _percent_fractions(text: str) -> dict[str, str]:
    """"50" -> "1/2" for "50 Prozent" in `text` (the fractions numeric_values names, from a half to a tenth)."""
    fractions = {}
    for match in _PERCENT.finditer(text):
        value = float(match.group(1).replace(",", "."))
        if value and (100 / value).is_integer() and int(100 / value) in _FRACTIONS:
            fractions[match.group(1).replace(",", ".")] = f"1/{int(100 / value)}"
    return fractions


def unstated_numbers(claim: str, source: str) -> list[str]:
    """The claim's numbers whose value the source does not state ("die Hälfte" states "50 Prozent" and back;
    the bare number 50 it does not)."""
    stated = numeric_values(source) | set(_percent_fractions(source).values())
    as_fraction = _percent_fractions(claim)
    return sorted(v for v in numeric_values(claim) if v not in stated and as_fraction.get(v) not in stated)
