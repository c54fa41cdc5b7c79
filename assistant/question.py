"""The user's question as typed: cleaned, bounded, and its language."""

from __future__ import annotations

from .errors import AssistantError
from .language import german_probability

MAX_QUESTION_CHARS = 2000


def question_language(question: str) -> str:
    return "de" if german_probability(question) >= 0.5 else "en"


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
