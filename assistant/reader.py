"""The LLM reader: which of the candidate sentences state what the question asks?

The model answers only in a constrained format: a tiny GBNF grammar ("[1, 3]") in
llama.cpp, a JSON schema as the response format for OpenAI-compatible servers and Ollama,
so it cannot drift into an answer of its own. An empty list is a refusal; the chosen
sentences become the compact evidence the answer is generated from.
"""

from __future__ import annotations

import json
import re

from langchain_core.messages import HumanMessage, SystemMessage

from .llm.local_server import capped

SYSTEM = (
    "You decide whether numbered sentences from German articles answer a question. "
    "Reply only with the numbers of the sentences that directly state what is asked (the number, name, date, "
    "reason, list or fact the question asks for), in brackets, for example [2] or [1, 3]. If the sentences are "
    "about the topic but none states the asked-for fact, reply []."
)
MAX_SENTENCES = 9  # candidates shown to the reader: one digit each keeps the grammar tiny


def grammar(n: int) -> str:
    """GBNF: "[]" or "[i, j, …]" with 1 <= i <= n. Far cheaper to decode than a JSON-schema grammar."""
    digit = f"[1-{n}]"
    return f'root ::= "[" ( {digit} ( ", " {digit} )* )? "]"'


def constrained(backend, gbnf: str, json_schema: dict, max_tokens: int, name: str = "reader"):
    """The backend's chat model, bound to answer only in one format: a GBNF grammar for llama.cpp,
    the equivalent JSON schema for OpenAI-compatible servers and Ollama."""
    if backend.name == "llamacpp":  # llama_cpp.server takes a GBNF grammar in the request body
        return capped(backend.chat_model, max_tokens, grammar=gbnf)
    if backend.name == "openai":
        return backend.chat_model.bind(response_format={"type": "json_schema", "json_schema": {"name": name, "schema": json_schema}})
    if backend.name == "ollama":
        return backend.chat_model.bind(format=json_schema)
    return backend.chat_model


def schema(n: int) -> dict:
    return {
        "type": "object",
        "properties": {"answer_sentences": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": n}}},
        "required": ["answer_sentences"],
    }


def read(backend, question: str, sentences: list[str]) -> list[int] | None:
    """1-based numbers of the sentences that answer the question; [] = none does; None = the reader failed."""
    sentences = sentences[:MAX_SENTENCES]
    if not sentences:
        return []
    listing = "\n".join(f"[{i}] {s}" for i, s in enumerate(sentences, start=1))
    messages = [SystemMessage(SYSTEM), HumanMessage(f"Question: {question}\n\nSentences:\n{listing}")]
    try:
        n = len(sentences)
        reply = constrained(backend, grammar(n), schema(n), 3 * n + 2).invoke(messages)
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        if "{" in text:  # JSON from a schema-constrained server
            numbers = json.loads(re.search(r"\{.*\}", text, re.DOTALL).group(0))["answer_sentences"]
        else:
            numbers = re.fullmatch(r"\s*\[([\d,\s]*)\]\s*", text).group(1).replace(",", " ").split()
        return sorted({int(n) for n in numbers if 1 <= int(n) <= len(sentences)})
    except Exception:  # a malformed reply or a server fault: no reader decision, the checks decide
        return None
