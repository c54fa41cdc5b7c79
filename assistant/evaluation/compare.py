"""`assistant eval compare DIR_A DIR_B`: what changed between two recorded `assistant eval` runs,
per metric (overall and per language) and per question (answers that lost facts, refusals that
appeared or went, fallbacks, the right article ranked lower), with a plot of the metric changes.
Runs are matched by question id; a run with several backends is compared backend by backend.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import AssistantError
from .metrics import facts_covered, gold_rank
from .report import METRICS, _table

WORSE_WHEN_HIGHER = {"false_refusal_rate", "fallbacks", "false_refusals", "latency_p50_s", "latency_p95_s", "ttft_p50_s",
                     "ttft_p95_s", "generated_latency_p50_s", "generated_ttft_p50_s"}


def load_run(folder: Path) -> tuple[dict, list[dict]]:
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(f"{folder} is not an `assistant eval` run (summary.json and results.jsonl): {exc}") from exc
    return summary, rows


def question_changes(before: dict, after: dict) -> list[str]:
    """What got worse or better for one question between two runs, in words."""
    changes = []
    if before["refused"] != after["refused"]:
        right = after["refused"] != after["answerable"]
        changes.append(("refused now" if after["refused"] else "answered now") + (" (right)" if right else " (wrong)"))
    if bool(before.get("fallback")) != bool(after.get("fallback")):
        changes.append("falls back now" if after.get("fallback") else "no fallback now")
    if after["answerable"] and after.get("facts"):
        lost = [f[0] for f, a, b in zip(after["facts"], facts_covered(before["answer"], before["facts"]),
                                        facts_covered(after["answer"], after["facts"])) if a and not b]
        won = [f[0] for f, a, b in zip(after["facts"], facts_covered(before["answer"], before["facts"]),
                                       facts_covered(after["answer"], after["facts"])) if b and not a]
        changes += [f"lost fact „{f}“" for f in lost] + [f"gained fact „{f}“" for f in won]
        was, now = gold_rank(before), gold_rank(after)
        if was != now:
            changes.append(f"right article ranked {was or '–'} → {now or '–'}")
    return changes


def compare_runs(a: Path, b: Path, out: Path) -> dict:
    summary_a, rows_a = load_run(a)
    summary_b, rows_b = load_run(b)
    out.mkdir(parents=True, exist_ok=True)
    pairs = list(zip(summary_a["backends"], summary_b["backends"]))
    if not pairs:
        raise AssistantError("the runs share no backend to compare")
    lines = ["# Comparing two evaluation runs", "", f"A: `{a}` ({summary_a['questions_file']})  ", f"B: `{b}` ({summary_b['questions_file']})", ""]
    if summary_a["questions_file"] != summary_b["questions_file"]:
        lines += ["**The runs used different question files:** only questions present in both are compared per question.", ""]
    if summary_a.get("settings") != summary_b.get("settings"):
        changed = {k: (summary_a["settings"].get(k), v) for k, v in summary_b.get("settings", {}).items() if summary_a["settings"].get(k) != v}
        lines += [f"Settings changed: `{changed}`", ""]
    result = {"metrics": {}, "questions": {}}
    for backend_a, backend_b in pairs:
        label = backend_a if backend_a == backend_b else f"{backend_a} → {backend_b}"
        va, vb = summary_a["backends"][backend_a], summary_b["backends"][backend_b]
        deltas = {}
        table = []
        for scope in ["overall", *sorted(set(va["by_language"]) & set(vb["by_language"]))]:
            xa = va["overall"] if scope == "overall" else va["by_language"][scope]
            xb = vb["overall"] if scope == "overall" else vb["by_language"][scope]
            for m in METRICS:
                if xa.get(m) is None and xb.get(m) is None:
                    continue
                delta = round(xb[m] - xa[m], 4) if isinstance(xa.get(m), (int, float)) and isinstance(xb.get(m), (int, float)) else None
                if scope == "overall":
                    deltas[m] = delta
                table.append([scope, m, xa.get(m), xb.get(m), _signed(delta), _judgement(m, delta)])
        result["metrics"][label] = deltas
        lines += [f"## {label}: metrics", ""] + _table(["questions", "metric", "A", "B", "B − A", ""], table)

        by_id_a = {r["id"]: r for r in rows_a if r["backend"] == backend_a}
        changed_rows = []
        for row in (r for r in rows_b if r["backend"] == backend_b):
            before = by_id_a.get(row["id"])
            if before is None:
                continue
            changes = question_changes(before, row)
            if changes:
                changed_rows.append((row, before, changes))
                result["questions"].setdefault(label, {})[row["id"]] = changes
        lines += [f"## {label}: questions that changed ({len(changed_rows)})", ""]
        for row, before, changes in changed_rows:
            lines += [f"**{row['id']}** ({row['lang']}, {'answerable' if row['answerable'] else 'unanswerable'}): {row['question']}", "",
                      "- " + "; ".join(changes), f"- A: {_short(before['answer'])}", f"- B: {_short(row['answer'])}", ""]
    lines += ["![metric changes](compare.png)", ""]
    (out / "compare.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "compare.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    _plot(result["metrics"], out / "compare.png")
    return result


def _signed(delta) -> str:
    if delta is None:
        return "–"
    return f"{delta:+.3f}" if isinstance(delta, float) else f"{delta:+d}"


def _judgement(metric: str, delta) -> str:
    if not delta:
        return ""
    better = (delta < 0) if metric in WORSE_WHEN_HIGHER else (delta > 0)
    return "better" if better else "worse"


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"


def _plot(metrics: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    shown = [m for m in METRICS if m not in WORSE_WHEN_HIGHER and m not in ("fallbacks",)]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(metrics), 1)
    x = np.arange(len(shown))
    for i, (label, deltas) in enumerate(metrics.items()):
        ax.bar(x + i * width, [deltas.get(m) or 0 for m in shown], width, label=label)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x + width * (len(metrics) - 1) / 2, shown, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("B − A")
    ax.set_title("What changed between the runs (share metrics; above 0 = B higher)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
