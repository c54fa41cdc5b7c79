"""The one LCEL helper behind every LLM backend (llamacpp, openai, ollama): prompt | chat model | parser
for answering and condensing, and the grammar- or schema-constrained reader step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser

from ..answerability import Answerability
from ..prompts import answer_prompt, condense_prompt, format_evidence, format_passages
from ..reader import MAX_SENTENCES, read
from ..results import Turn
from ..retrieval import Passage
from ..sentence_choice import rank_sentences
from .base import AnswerRequest, Backend, Reading


# Whole passages in a prompt (no compact evidence: evidence_sentences = 0): at most this many, however many of a
# named article were searched, so the prompt stays within a small model's context.
PROMPT_PASSAGES = 5


class ChatBackend(Backend):
    generates = True

    def __init__(self, name: str, model: str, chat_model: Any, embeddings):
        self.name, self.model = name, model
        self.chat_model = chat_model  # a LangChain BaseChatModel
        self.embeddings = embeddings  # for ranking the reader's candidate sentences

    def _chain(self, prompt):
        return prompt | self.chat_model | StrOutputParser()

    def stream(self, request: AnswerRequest) -> Iterator[str]:
        # The reader's sentences, under their passages' numbers, make a short prompt (fast prefill).
        given = format_evidence(request.passages, request.evidence) if request.evidence else format_passages(request.passages[:PROMPT_PASSAGES])
        yield from self._chain(answer_prompt(request.lang)).stream({"question": request.question, "passages": given})

    def condense(self, question: str, history: list[Turn], lang: str) -> str | None:
        messages = []
        for turn in history[-3:]:
            messages += [HumanMessage(turn.question), AIMessage(turn.result.answer[:1000])]
        try:
            return self._chain(condense_prompt(lang)).invoke({"history": messages, "question": question}).strip()
        except Exception:
            return None  # condensing is a help, not a must: the caller falls back to history-aware retrieval

    def read(self, question: str, passages: list[Passage], check: Answerability) -> Reading:
        candidates = rank_sentences(question, passages, self.embeddings, check)[0][:MAX_SENTENCES]
        candidates.sort(key=lambda c: (c[0], c[1]))  # in reading order
        return Reading(candidates, read(self, question, [passages[n - 1].text[a:b] for n, a, b in candidates]))
