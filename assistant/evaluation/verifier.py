"""The verifier measured on hand-labelled pairs (eval/support-pairs.jsonl): for each answer sentence
and its numbered passages, does grounding.score_sentences judge the claim supported by the passages
it cites? Precision and recall of "supported", overall, per language and per kind of pair.

    assistant eval-verifier            # writes eval/results/verifier.md and verifier.json
"""

from __future__ import annotations

import json
from pathlib import Path

from ..config import PROJECT_DIR, Settings
from ..embeddings import load_embedding_model
from ..grounding import reattribute, score_sentences

PAIRS = PROJECT_DIR / "eval" / "support-pairs.jsonl"


def verdict(pair: dict, embeddings, settings: Settings) -> tuple[bool, list]:
    """Supported when every sentence the verifier finds in the answer is supported (what the chain keeps)."""
    sentences = score_sentences(pair["answer"], pair["passages"], embeddings,
                                settings.grounding.support_threshold, settings.grounding.support_threshold_en)
    return bool(sentences) and all(s.supported for s in sentences), sentences


def precision_recall(rows: list[dict]) -> dict:
    said = [r for r in rows if r["judged"]]
    true = [r for r in rows if r["supported"]]
    hits = sum(1 for r in said if r["supported"])
    return {"pairs": len(rows), "precision": round(hits / len(said), 3) if said else None,
            "recall": round(hits / len(true), 3) if true else None,
            "accuracy": round(sum(r["judged"] == r["supported"] for r in rows) / len(rows), 3) if rows else None}


def reattributed_to(pair: dict, sentences: list, embeddings, settings: Settings) -> list[int] | None:
    """The chain's second chance for a failed pair (grounding.reattribute): the passages its
    sentences are re-cited to when all then stand supported, else None."""
    g = settings.grounding
    reattribute(sentences, pair["passages"], embeddings, g.support_threshold, g.support_threshold_en)
    if not sentences or not all(s.supported for s in sentences):
        return None
    return sorted({n for s in sentences for n in s.citations})


def reattribution_figures(rows: list[dict]) -> dict:
    """Of the wrong-neighbour pairs: re-cited to a passage that supports the claim (right), to
    another (wrong), or left failed. Of the pairs no passage supports: wrongly rescued."""
    neighbour = [r for r in rows if r["category"] == "wrong-neighbour" and not r["judged"]]
    right = sum(1 for r in neighbour if r["reattributed_to"] and set(r["reattributed_to"]) <= set(r["supported_by"]))
    moved = sum(1 for r in neighbour if r["reattributed_to"])
    unsupported = [r for r in rows if not r["supported_by"] and r["category"] != "wrong-neighbour" and not r["judged"]]
    return {"wrong_neighbour": len(neighbour), "recited_right": right, "recited_wrong": moved - right,
            "unsupported": len(unsupported), "unsupported_rescued": sum(1 for r in unsupported if r["reattributed_to"])}


def measure(settings: Settings, pairs_path: Path = PAIRS) -> tuple[dict, list[dict]]:
    embeddings = load_embedding_model(settings).embeddings
    rows = []
    for line in pairs_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pair = json.loads(line)
        judged, sentences = verdict(pair, embeddings, settings)
        rows.append({"id": pair["id"], "lang": pair["lang"], "category": pair["category"], "supported": pair["supported"],
                     "judged": judged, "sentences": [(s.text, s.supported, s.score, s.reason) for s in sentences],
                     "reattributed_to": reattributed_to(pair, sentences, embeddings, settings) if not judged else None,
                     "supported_by": pair.get("supported_by", [])})
    figures = {"overall": precision_recall(rows), "reattribution": reattribution_figures(rows),
               "by_language": {lang: precision_recall([r for r in rows if r["lang"] == lang]) for lang in ("de", "en")},
               "by_category": {c: precision_recall([r for r in rows if r["category"] == c])
                               for c in sorted({r["category"] for r in rows})}}
    return figures, rows


def write_report(figures: dict, rows: list[dict], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "verifier.json").write_text(json.dumps({"figures": figures, "rows": rows}, ensure_ascii=False, indent=1))
    o = figures["overall"]
    lines = ["# The verifier on hand-labelled pairs", "",
             f"Command: `.venv/bin/assistant eval-verifier` over `eval/support-pairs.jsonl` ({o['pairs']} pairs, "
             "see eval/support-pairs.md). \"Supported\" = every sentence the verifier finds in the answer is supported "
             "by the passages it cites. Goal (issue 15): precision ≥ 0.95, recall ≥ 0.9.", "",
             "| pairs | precision | recall | accuracy |", "|---|---|---|---|",
             f"| all ({o['pairs']}) | {o['precision']} | {o['recall']} | {o['accuracy']} |"]
    for name, group in [*figures["by_language"].items(), *figures["by_category"].items()]:
        lines.append(f"| {name} ({group['pairs']}) | {group['precision']} | {group['recall']} | {group['accuracy']} |")
    ra = figures["reattribution"]
    lines += ["", "## Re-attribution (the chain's second chance for a failed sentence)", "",
              f"Of {ra['wrong_neighbour']} wrong-neighbour pairs judged unsupported as cited, {ra['recited_right']} are re-cited "
              f"to a passage that supports the claim, {ra['recited_wrong']} to one that does not. Of {ra['unsupported']} "
              f"unsupported pairs with no supporting passage (other negative categories), {ra['unsupported_rescued']} "
              "are wrongly rescued by re-citing."]
    lines += ["", "Precision or recall is empty where a group has no pair judged or labelled supported "
              "(the negative categories): there accuracy is the share correctly judged unsupported.", "",
              "## Wrong verdicts", ""]
    for r in rows:
        if r["judged"] != r["supported"]:
            detail = "; ".join(f"{'✓' if ok else '✗'} {score} {reason}".strip() for _, ok, score, reason in r["sentences"])
            lines.append(f"- {r['id']} ({r['category']}, {r['lang']}): labelled {'supported' if r['supported'] else 'unsupported'}, "
                         f"judged {'supported' if r['judged'] else 'unsupported'} — {detail}")
    path = out / "verifier.md"
    path.write_text("\n".join(lines) + "\n")
    return path
