"""The interface every backend implements, the extractive one included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..answerability import Answerability
from ..results import Answer, Turn
from ..retrieval import Passage


@dataclass
class AnswerRequest:
    question: str  # standalone (condensed) question
    passages: list[Passage]  # numbered [1]..[n] in this order
    lang: str  # "de" or "en": the language to answer in
    check: Answerability | None = None  # what is asked: its terms and kind of answer
    evidence: list[tuple[int, int, int]] | None = None  # the reader's sentences: (passage number, start, end)
    # the question without the words that name an article ("In the ironic checklist, …"): what a
    # quoted sentence must answer (with them, the sentence describing the checklist wins)
    asked: str | None = None
    several_articles: bool = False  # asks what several articles say (or names several): may quote more than one
    parts: list[str] = field(default_factory=list)  # what it asks of them one by one (question.asked_parts), each quoted


@dataclass
class Reading:
    """The reader step's decision: which candidate sentences state what is asked."""

    candidates: list[tuple[int, int, int]]  # (passage number, start, end), in reading order
    picked: list[int] | None  # 1-based numbers of candidates; [] = none answers; None = the reader failed

    def evidence(self) -> list[tuple[int, int, int]]:
        return [self.candidates[i - 1] for i in self.picked or []]


class Backend:
    """Streams an answer for a question and numbered passages, in a language.

    `stream` yields text pieces as they are produced. A backend whose answer is made of
    verbatim quotes ends with the `Answer` (citations and support known by construction);
    a generated answer ends without one and is verified after generation.
    """

    name: str = ""
    model: str = ""  # what answers, shown to the user
    generates: bool = False  # True: an LLM writes the answer (it is given evidence and verified)

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        raise NotImplementedError

    def condense(self, question: str, history: list[Turn], lang: str) -> str | None:
        """The follow-up question rewritten to stand alone; None when this backend cannot."""
        return None

    def read(self, question: str, passages: list[Passage], check: Answerability) -> Reading | None:
        """The reader step; None when this backend has none."""
        return None

    def wait_ready(self, timeout: float | None = None) -> str | None:
        """Block until the backend can answer (a local model loads in its own process); None when
        ready, else why not. The app never calls it: there, answers fall back meanwhile."""
        return None
