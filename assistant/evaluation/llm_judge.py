"""A second opinion on sentence support from an LLM (`assistant judge --llm BACKEND`): any configured
backend is asked, in a constrained yes/no format, whether the passage the verifier found supports
the claim. Its verdicts are reported beside the verifier's with their agreement; they never replace
the verifier's (whose own precision and recall are measured in eval/results/verifier.md)."""

from __future__ import annotations

import json
import re

from langchain_core.messages import HumanMessage, SystemMessage

from ..reader import constrained

SYSTEM = ("You check claims against a passage from a German article. Reply yes only if the passage states "
          "everything the claim says (a translation or paraphrase is fine); reply no if the claim adds, changes "
          "or contradicts anything, or if the passage is about something else.")
GRAMMAR = 'root ::= "yes" | "no"'
SCHEMA = {"type": "object", "properties": {"supported": {"type": "boolean"}}, "required": ["supported"]}


def second_opinion(backend, claim: str, passage: str) -> bool | None:
    """True / False from the LLM; None when it failed or answered out of format."""
    messages = [SystemMessage(SYSTEM), HumanMessage(f"Passage: {passage}\n\nClaim: {claim}\n\nDoes the passage support the claim?")]
    try:
        # the grammar ends the reply; the cap is only a bound: "yes" is three tokens in a byte-level vocabulary
        reply = constrained(backend, GRAMMAR, SCHEMA, 4, name="support").invoke(messages)
        text = (reply.content if isinstance(reply.content, str) else str(reply.content)).strip().lower()
        if "{" in text:
            return bool(json.loads(re.search(r"\{.*\}", text, re.DOTALL).group(0))["supported"])
        return {"yes": True, "no": False}.get(text.strip(" ."))
    except Exception:  # a server fault or a malformed reply: no second opinion for this sentence
        return None


def agreement(sentences: list[dict]) -> dict:
    """How often the LLM agrees with the verifier, over the sentences it judged."""
    judged = [s for s in sentences if s.get("llm_supported") is not None]
    both = sum(1 for s in judged if s["supported"] and s["llm_supported"])
    neither = sum(1 for s in judged if not s["supported"] and not s["llm_supported"])
    return {"sentences": len(sentences), "judged_by_llm": len(judged),
            "agreement": round((both + neither) / len(judged), 4) if judged else None,
            "both_supported": both, "both_unsupported": neither,
            "only_verifier_supported": sum(1 for s in judged if s["supported"] and not s["llm_supported"]),
            "only_llm_supported": sum(1 for s in judged if not s["supported"] and s["llm_supported"])}
