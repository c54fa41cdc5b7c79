"""Grounding and retrieval metrics over eval result rows (definitions in eval/README.md)."""

from __future__ import annotations

import math
import re
from statistics import mean

from ..language import detect_language

QUOTED = re.compile(r"„[^“]*“|\"[^\"]*\"|\[\d+\]")


def doc_ranking(row: dict) -> list[str]:
    """Distinct documents in the order their passages were retrieved."""
    return list(dict.fromkeys(r["doc_id"] for r in row["retrieved"]))


def gold_rank(row: dict) -> int | None:
    ranking = doc_ranking(row)
    return next((i + 1 for i, d in enumerate(ranking) if d in row["gold_docs"]), None)


def facts_covered(answer: str, facts: list[list[str]]) -> list[bool]:
    text = answer.lower()
    return [any(alt.lower() in text for alt in group) for group in facts]


def answer_language(answer: str) -> str:
    """The language of the answer's own words: quotations and citations removed."""
    own = QUOTED.sub(" ", answer).strip()
    return detect_language(own or answer)


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least a share q of the values at or below it.
    The one percentile rule of the eval and the bench."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ranking_metrics(ranks: list[int | None]) -> dict:
    """hit@1/3/5 and MRR from the gold document's rank per question (None = not retrieved)."""
    return {
        "hit@1": _share([r == 1 for r in ranks]),
        "hit@3": _share([r is not None and r <= 3 for r in ranks]),
        "hit@5": _share([r is not None and r <= 5 for r in ranks]),
        "mrr": round(mean(1 / r if r else 0 for r in ranks), 4) if ranks else None,
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarize(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in answerable if not r["refused"]]
    # Questions without gold documents or facts (e.g. exported ratings to review) count in neither.
    ranks = [gold_rank(r) for r in answerable if r["gold_docs"]]
    fact_rows = [facts_covered(r["answer"], r["facts"]) for r in answered if r["facts"]]
    refused_facts = [0.0] * sum(1 for r in answerable if r["refused"] and r["facts"])
    citations = [c for r in answered for c in r["citations"]]
    sentences = [s for r in answered for s in r["sentences"]]
    latencies = [r["latency_s"] for r in rows]
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        **ranking_metrics(ranks),
        # Refused answerable questions count as covering no fact.
        "fact_recall": round(mean([float(mean(f)) for f in fact_rows] + refused_facts), 4) if fact_rows or refused_facts else None,
        "all_facts_rate": _share([all(f) for f in fact_rows] + [False] * len(refused_facts)),
        "citation_validity": _share([not r.get("invalid_citations") and all(1 <= c["n"] <= len(r["retrieved"]) for c in r["citations"]) for r in answered]),
        "citation_precision": _share([c["doc_id"] in r["gold_docs"] for r in answered for c in r["citations"]]) if citations else None,
        "citation_support": _share([s["supported"] for s in sentences]),
        "refusal_accuracy": _share([r["refused"] for r in unanswerable]),  # = recall of "refuse"
        "refusal_precision": _share([not r["answerable"] for r in rows if r["refused"]]),
        "false_refusal_rate": _share([r["refused"] for r in answerable]),
        "false_refusals": sum(r["refused"] for r in answerable),
        "balanced_refusal_accuracy": round(
            ((_share([r["refused"] for r in unanswerable]) or 0) + (1 - (_share([r["refused"] for r in answerable]) or 0))) / 2, 4
        ),
        "answer_language_match": _share([r["answer_lang"] == r["lang"] for r in rows]),
        "fallbacks": sum(bool(r.get("fallback")) for r in rows),
        **kept_shares(answerable),
        "latency_p50_s": round(percentile(latencies, 0.5), 3),
        "latency_p95_s": round(percentile(latencies, 0.95), 3),
        "ttft_p50_s": round(percentile([r["ttft_s"] for r in rows if r.get("ttft_s") is not None], 0.5), 3),
        "ttft_p95_s": round(percentile([r["ttft_s"] for r in rows if r.get("ttft_s") is not None], 0.95), 3),
    }


def kept_shares(answerable: list[dict]) -> dict:
    """For a backend that generates: of the answerable questions the model was asked (not refused
    before generation), the share whose generated answer was kept (not refused by the model, not
    replaced by the fallback); the same over all answerable questions; the latency of those
    generated answers (the eval's latency p50 also counts the instant refusals). None for extractive."""
    asked = [r for r in answerable if r.get("raw_answer") is not None or r.get("fallback")]
    if not asked:
        return {"generated_kept": None, "generated_kept_of_answerable": None, "generated_latency_p50_s": None,
                "generated_ttft_p50_s": None}
    kept = sum(not r["refused"] and not r.get("fallback") for r in asked)
    return {"generated_kept": round(kept / len(asked), 4), "generated_kept_of_answerable": round(kept / len(answerable), 4),
            "generated_latency_p50_s": round(percentile([r["latency_s"] for r in asked], 0.5), 3),
            "generated_ttft_p50_s": round(percentile([r["ttft_s"] for r in asked if r.get("ttft_s") is not None], 0.5), 3)}


def retrieval_summary(rows: list[dict]) -> dict:
    """Only the retrieval metrics (for the baseline, which does not answer)."""
    return ranking_metrics([gold_rank(r) for r in rows if r["answerable"] and r["gold_docs"]])
