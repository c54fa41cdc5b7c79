"""Sweep the relevance gate's threshold (and the English offset) on a question set;
report the setting that maximises balanced refusal accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..config import Settings
from ..index import Index
from ..language import german_probability
from ..retrieval import Retriever
from .runner import load_questions


def gate_inputs(settings: Settings, questions: list[dict]) -> list[dict]:
    """Per question: best dense score, language, and whether the number rule refuses it."""
    retriever = Retriever(Index(settings), settings)
    open_gate = settings.model_copy(update={"gate_threshold": -1.0, "gate_english_offset": 0.0})
    gate_only_numbers = Retriever(retriever.index, open_gate)
    rows = []
    for q in questions:
        passages = retriever.search(q["question"])
        decision = gate_only_numbers.gate(q["question"], passages)
        rows.append({
            "id": q["id"],
            "answerable": q["answerable"],
            "english": german_probability(q["question"]) < 0.5,
            "best": decision.best_score,
            "number_rule_refuses": not decision.relevant,
        })
    return rows


def balanced_accuracy(rows: list[dict], threshold: float, offset: float) -> tuple[float, int, int]:
    """(balanced accuracy, false refusals, missed refusals)."""
    refused = [r["number_rule_refuses"] or r["best"] < threshold - (offset if r["english"] else 0.0) for r in rows]
    pos = [x for r, x in zip(rows, refused) if not r["answerable"]]
    neg = [x for r, x in zip(rows, refused) if r["answerable"]]
    tpr = sum(pos) / len(pos) if pos else 1.0
    tnr = 1 - sum(neg) / len(neg) if neg else 1.0
    return (tpr + tnr) / 2, sum(neg), len(pos) - sum(pos)


def sweep(rows: list[dict]) -> list[dict]:
    results = []
    for threshold in np.round(np.arange(0.75, 0.95, 0.0025), 4):
        for offset in np.round(np.arange(0.0, 0.0801, 0.005), 4):
            acc, false_refusals, missed = balanced_accuracy(rows, float(threshold), float(offset))
            results.append({"threshold": float(threshold), "english_offset": float(offset), "balanced_accuracy": round(acc, 4),
                            "false_refusals": false_refusals, "missed_refusals": missed})
    return results


def best_setting(results: list[dict]) -> dict:
    """Highest balanced accuracy; ties go to fewer false refusals, then to the middle of the plateau."""
    top = max(r["balanced_accuracy"] for r in results)
    tied = [r for r in results if r["balanced_accuracy"] == top]
    fewest = min(r["false_refusals"] for r in tied)
    tied = [r for r in tied if r["false_refusals"] == fewest]
    return tied[len(tied) // 2]


def calibrate(questions_path: Path, out: Path, settings: Settings) -> dict:
    rows = gate_inputs(settings, load_questions(questions_path))
    results = sweep(rows)
    best = best_setting(results)
    current = balanced_accuracy(rows, settings.gate_threshold, settings.gate_english_offset)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.json").write_text(json.dumps({"best": best, "inputs": rows, "sweep": results}, indent=2))
    lines = [
        "# Relevance-gate calibration",
        "",
        f"Command: `assistant eval-calibrate --questions {questions_path} --out {out}`",
        "",
        f"Best: threshold **{best['threshold']}**, English offset **{best['english_offset']}** → balanced refusal "
        f"accuracy {best['balanced_accuracy']} ({best['false_refusals']} false refusals, {best['missed_refusals']} missed refusals).",
        f"Settings in use when run: threshold {settings.gate_threshold}, offset {settings.gate_english_offset} → "
        f"{current[0]:.4f} ({current[1]} false, {current[2]} missed).",
        "",
        "Sweep (best English offset per threshold):",
        "",
        "| threshold | best offset | balanced accuracy | false refusals | missed refusals |",
        "|---|---|---|---|---|",
    ]
    for threshold in sorted({r["threshold"] for r in results})[::4]:
        row = max((r for r in results if r["threshold"] == threshold), key=lambda r: (r["balanced_accuracy"], -r["false_refusals"]))
        lines.append(f"| {threshold} | {row['english_offset']} | {row['balanced_accuracy']} | {row['false_refusals']} | {row['missed_refusals']} |")
    lines += ["", "Per question (best dense cosine; refused by the number rule):", "", "| id | answerable | English | best | number rule |", "|---|---|---|---|---|"]
    lines += [f"| {r['id']} | {r['answerable']} | {r['english']} | {r['best']:.4f} | {r['number_rule_refuses']} |" for r in sorted(rows, key=lambda r: r["best"])]
    (out / "calibration.md").write_text("\n".join(lines) + "\n")
    return best
