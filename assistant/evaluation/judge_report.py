"""Figures, report.md and metrics.png for `assistant judge` (rows from evaluation/judge.py)."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean

from .llm_judge import agreement
from .report import _fmt, _table

METRICS = [
    ("answers", "answers judged"),
    ("grounded_sentences", "sentences supported by the articles"),
    ("grounded_answers", "answers with every sentence supported"),
    ("refusal_accuracy", "refusal accuracy (refused where it should)"),
    ("should_have_refused", "answered although it should have refused"),
    ("false_refusals", "refused although answerable"),
    ("citation_validity", "citation validity (cited [n] within the contexts)"),
    ("citation_precision", "citation precision (cited context supports the sentence)"),
    ("contexts_found", "contexts found in the articles"),
    ("invented_contexts", "contexts found nowhere in the articles"),
    ("cited_doc_ids_valid", "cited document ids that exist"),
    ("fact_recall", "fact recall"),
    ("answer_language_match", "answer language = question language"),
]


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarize(rows: list[dict]) -> dict:
    answered = [r for r in rows if not r["refused"]]
    sentences = [s for r in answered for s in r["sentences"]]
    cited = [s["cited_supported"] for s in sentences if s["cited_supported"] is not None]
    contexts = [c for r in rows for c in r["contexts"]]
    citing = [r for r in answered if r["contexts"] and (r["invalid_citations"] or any(s["cited"] for s in r["sentences"]))]
    doc_ids = [d["exists"] for r in rows for d in r["cited_doc_ids"]]
    recall = [r["fact_recall"] for r in rows if r["fact_recall"] is not None]
    return {
        "answers": len(rows),
        "grounded_sentences": _share([s["supported"] for s in sentences]),
        "grounded_answers": _share([bool(r["sentences"]) and all(s["supported"] for s in r["sentences"]) for r in answered]),
        "refusal_accuracy": _share([r["refused"] for r in rows if r["expected_refusal"]]),
        "should_have_refused": sum(1 for r in rows if r["expected_refusal"] and not r["refused"]),
        "false_refusals": sum(1 for r in rows if r["refused"] and not r["expected_refusal"]),
        "citation_validity": _share([not r["invalid_citations"] for r in citing]),
        "citation_precision": _share(cited),
        "contexts_found": _share([c["found"] for c in contexts]),
        "invented_contexts": sum(1 for c in contexts if not c["found"]),
        "cited_doc_ids_valid": _share(doc_ids),
        "fact_recall": round(mean(recall), 4) if recall else None,
        "answer_language_match": _share([r["answer_lang"] == r["lang"] for r in rows]),
    }


def write(rows: list[dict], source: Path, out: Path, llm_label: str = "") -> dict:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = {"answers_file": str(source), "overall": summarize(rows),
               "by_language": {lang: summarize([r for r in rows if r["lang"] == lang]) for lang in sorted({r["lang"] for r in rows})}}
    sentences = [s for r in rows for s in r["sentences"]]
    if any("llm_supported" in s for s in sentences):
        summary["llm_judge"] = {"backend": llm_label, **agreement(sentences)}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    langs = list(summary["by_language"])
    lines = ["# Grounding judgement", "", f"Answers: `{source}` · judged by `assistant judge` against the indexed articles "
             "with the sentence verifier of eval/results/verifier.md.", ""]
    lines += _table(["metric", "all", *langs], [[label, summary["overall"][key], *[summary["by_language"][g][key] for g in langs]]
                                                for key, label in METRICS])
    if "llm_judge" in summary:
        j = summary["llm_judge"]
        lines += ["## Second opinion: an LLM judge", "",
                  f"{j['backend']} judged {j['judged_by_llm']} of {j['sentences']} sentences (yes/no, constrained): agreement with the "
                  f"verifier {_fmt(j['agreement'])}; both supported {j['both_supported']}, both unsupported {j['both_unsupported']}, "
                  f"only the verifier says supported {j['only_verifier_supported']}, only the LLM {j['only_llm_supported']}. "
                  "The verdicts above are the verifier's; the LLM's are in results.jsonl (`llm_supported`).", ""]
    lines += ["## Answers with a problem", ""]
    for row in rows:
        problems = _problems(row)
        if not problems:
            continue
        lines += [f"**{row['id']}** ({row['lang']}, {row['verdict']}): {row['question']}", "",
                  "> " + row["answer"].replace("\n", "\n> "), ""] + [f"- {p}" for p in problems] + [""]
    lines += ["![metrics](metrics.png)", ""]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _plot(summary, out)
    return summary


def _problems(row: dict) -> list[str]:
    found = []
    if row["verdict"] in ("answered although it should have refused", "refused although answerable"):
        found.append(f"{row['verdict']} (expected from the {row['expected_by']})")
    for s in row["sentences"]:
        if not s["supported"]:
            near = f"; nearest: {s['evidence']['doc_id']} „{s['evidence']['quote'][:160]}“" if s["evidence"] else ""
            found.append(f"unsupported ({_fmt(s['score'])}, {s['reason']}): {s['text']}{near}")
        elif s.get("llm_supported") is False:
            found.append(f"supported for the verifier, not for the LLM judge: {s['text']}")
        elif s["cited_supported"] is False:
            found.append(f"cites [{', '.join(map(str, s['cited']))}], which does not support it: {s['text']}")
    found += [f"invalid citation [{n}] (only {len(row['contexts'])} contexts)" for n in row["invalid_citations"]]
    found += [f"context found nowhere in the articles: „{c['text'][:160]}“" for c in row["contexts"] if not c["found"]]
    found += [f"cited document id {d['doc_id']} does not exist" for d in row["cited_doc_ids"] if not d["exists"]]
    return found


def _plot(summary: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    shown = [k for k, _ in METRICS if isinstance(summary["overall"].get(k), float)]
    groups = [("all", summary["overall"]), *summary["by_language"].items()]
    fig, ax = plt.subplots(figsize=(10, 5))
    width = 0.8 / len(groups)
    x = np.arange(len(shown))
    for i, (name, values) in enumerate(groups):
        ax.bar(x + i * width, [values.get(m) or 0 for m in shown], width, label=name)
    ax.set_xticks(x + width * (len(groups) - 1) / 2, shown, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("Grounding of the judged answers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "metrics.png", dpi=110)
    plt.close(fig)
