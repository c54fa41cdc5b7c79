"""What an article's author is, and questions that name the article by it.

Users describe an article by its author's job as often as by its kind: "In the piece by the bank
consultant and interim manager, …", "the consultant who writes about misconceptions", "der
Gastbeitrag des Unternehmensberaters". The job is in the article's author note ("Hansjörg
Leichsenring ist Unternehmensberater und Interimsmanager."), read at ingest (`author_role`).
English questions name it in English: no translation model exists offline here, so the few job
words an author note uses are translated by the small table below (a German compound is matched by
its head: "Bankberater" is a "Berater"). A job word common as a topic in this domain ("Manager":
"What does a community manager do?") names the article only with its own prefix ("Interimsmanager",
"interim manager").
"""

from __future__ import annotations

import re

# German job word (the head of a compound) -> its English words
HEADS = {
    "berater": ("consultant", "adviser", "advisor"),
    "manager": ("manager",),
    "journalist": ("journalist",),
    "redakteur": ("editor",),
    "professor": ("professor",),
    "gründer": ("founder",),
    "geschäftsführer": ("managing director", "ceo"),
    "anwalt": ("lawyer", "attorney"),
    "unternehmer": ("entrepreneur",),
    "referent": ("speaker",),
    "blogger": ("blogger",),
    "wissenschaftler": ("researcher", "scientist"),
}
TOPIC_HEADS = {"manager"}  # a topic in questions too: names the article only with its prefix
PREFIXES = {"interims": ("interim",), "unternehmens": ("management", "business", "corporate"), "bank": ("bank", "banking"),
            "finanz": ("finance", "financial"), "marketing": ("marketing",), "kommunikations": ("communications",)}

_NOUN = r"[A-ZÄÖÜ][\w()-]+"
# "Hansjörg Leichsenring ist Unternehmensberater und Interimsmanager.", "… arbeitet als Berater."
_ROLE_SENTENCE = r"{author} (?:ist|war|arbeitet (?:derzeit |heute )?als) (?P<role>{noun}(?: (?:und|sowie) {noun})?)\."


def author_role(text: str, author: str | None) -> str | None:
    """The author's job as the article's author note states it, or None."""
    if not author:
        return None
    m = re.search(_ROLE_SENTENCE.format(author=re.escape(author), noun=_NOUN), text)
    return m["role"] if m else None


def _noun_patterns(noun: str) -> tuple[str, str] | None:
    """(German, English) regex for one job noun of a role, or None when its head is not a job word."""
    word = re.sub(r"[()-]", "", noun.lower())
    head = next((h for h in sorted(HEADS, key=len, reverse=True) if word.endswith(h)), None)
    if head is None:
        return None
    prefix = word[: -len(head)]
    english = "|".join(re.escape(e) for e in HEADS[head])
    if head in TOPIC_HEADS:
        if prefix not in PREFIXES:
            return None
        german = rf"{re.escape(prefix)}-?{head}"
        english = rf"(?:{'|'.join(PREFIXES[prefix])})[\s-]+(?:{english})"
    else:
        german = rf"\w*{head}"
        english = rf"(?:[\w-]+\s+){{0,2}}?(?:{english})"
    return german, english


def role_references(question: str, role: str | None) -> list[str]:
    """The phrases of `question` that name an article by its author's `role` ("by the bank consultant and
    interim manager", "des Bankberaters"), or []."""
    patterns = [p for noun in re.findall(_NOUN, role or "") if (p := _noun_patterns(noun))]
    if not patterns:
        return []
    german = "|".join(g for g, _ in patterns)
    english = "|".join(e for _, e in patterns)
    jobs = rf"(?:{english})(?:\s+and\s+(?:{english}))?"
    german_jobs = rf"(?:{german})(?:s|en|in|innen)?(?:\s+und\s+(?:{german})(?:s|en|in|innen)?)?"
    # what describes the author further belongs to the description, not to what is asked ("the interim manager
    # *who advises banks*", "dem Interimsmanager *aus der Finanzbranche*")
    who = r"(?:\s+(?:who|that)\s+[^,?:;]*)?"
    where_from = r"(?:\s+(?:aus|von|bei|mit)\s+(?:der|dem|den|einer|einem)\s+[\w-]+)?"
    found = re.finditer(
        rf"\b(?:by|from)\s+(?:the|a|an|this|that|one)\s+(?P<en1>{jobs}\b{who})|"
        rf"\b(?:the|a|an|this|that)\s+(?P<en2>{jobs}(?:'s|’s|\s+(?:who|that)\s+(?:writes|wrote|argues|says|lists|explains|describes)\b[^,?:;]*))|"
        rf"\b(?:des|eines|vom|von dem|von einem)\s+(?:[\w-]+\s+){{0,2}}?(?P<de>{german_jobs}\b{where_from})",
        question, re.IGNORECASE)
    return [next(g for g in m.groups() if g).lower() for m in found]
