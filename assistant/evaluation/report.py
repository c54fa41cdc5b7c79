"""report.md and PNG plots from an eval summary and its result rows."""

from __future__ import annotations

from pathlib import Path

from .metrics import facts_covered, gold_rank

METRICS = [
    "hit@1", "hit@3", "mrr", "fact_recall", "all_facts_rate", "citation_validity", "citation_precision",
    "citation_support", "refusal_accuracy", "refusal_precision", "false_refusal_rate", "answer_language_match", "fallbacks", "generated_kept",
    "generated_kept_of_answerable", "generated_latency_p50_s", "generated_ttft_p50_s", "latency_p50_s", "latency_p95_s", "ttft_p50_s", "ttft_p95_s",
]


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines + [""]


def write_report(summary: dict, rows: list[dict], out: Path) -> None:
    backends = summary["backends"]
    lines = [
        "# Evaluation report",
        "",
        f"Questions: `{summary['questions_file']}` · settings: `{summary['settings']}`",
        "",
        "## Overall",
        "",
    ]
    lines += _table(["metric", *[f"{b} ({v['model']})" for b, v in backends.items()]],
                    [[m, *[v["overall"].get(m) for v in backends.values()]] for m in METRICS])

    if "baseline" in summary:
        lines += ["## Retrieval: ours vs the naive LangChain rag-chroma template", "", summary["baseline"]["config"], ""]
        first = next(iter(backends.values()))
        rows_ = []
        for scope in ["overall", *sorted(summary["baseline"]["by_language"])]:
            ours = first["overall"] if scope == "overall" else first["by_language"][scope]
            naive = summary["baseline"]["overall"] if scope == "overall" else summary["baseline"]["by_language"][scope]
            for m in ("hit@1", "hit@3", "mrr"):
                rows_.append([scope, m, ours.get(m), naive.get(m)])
        lines += _table(["questions", "metric", "ours (hybrid e5 + German BM25)", "naive"], rows_)

    for backend, values in backends.items():
        lines += [f"## {backend}: per language", ""]
        langs = list(values["by_language"])
        lines += _table(["metric", *langs], [[m, *[values["by_language"][lang].get(m) for lang in langs]] for m in METRICS])
        lines += [f"## {backend}: per article (answerable questions by first gold article)", ""]
        docs = list(values["by_article"])
        lines += _table(["metric", *docs], [[m, *[values["by_article"][d].get(m) for d in docs]] for m in ("hit@1", "mrr", "fact_recall", "citation_support", "false_refusal_rate")])
        if values.get("by_style"):
            lines += [f"## {backend}: per question style (refusal accuracy = recall of refuse on unanswerable styles)", ""]
            styles = list(values["by_style"])
            lines += _table(["metric", *styles], [[m, *[values["by_style"][st].get(m) for st in styles]]
                                                 for m in ("questions", "hit@1", "fact_recall", "refusal_accuracy", "false_refusal_rate")])

    lines += ["## Worst questions", ""]
    for row in sorted(rows, key=_badness, reverse=True)[:10]:
        if _badness(row) <= 0:
            break
        lines += [
            f"**{row['id']}** ({row['backend']}, {row['lang']}, {'answerable' if row['answerable'] else 'unanswerable'}, "
            f"gold rank {gold_rank(row) if row['answerable'] else '–'}): {row['question']}",
            "",
            "> " + row["answer"].replace("\n", "\n> "),
            "",
        ] + ([f"Refusal reason: {row['refusal_reason']}", ""] if row.get("refusal_reason") else [])
    lines += ["## Plots", "", "![metrics](metrics.png)", "", "![latency](latency.png)", ""]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _plots(summary, rows, out)


def _badness(row: dict) -> float:
    """How wrong an answer is: a wrong refusal or a missed refusal is worst, then missing facts."""
    if row["answerable"] != (not row["refused"]):
        return 2.0
    if row["answerable"] and row["facts"]:
        covered = facts_covered(row["answer"], row["facts"])
        return 1.0 - sum(covered) / len(covered)
    return 0.0


def _plots(summary: dict, rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    shown = ["hit@1", "mrr", "fact_recall", "citation_support", "refusal_accuracy", "answer_language_match"]
    groups = [(b, lang, v["by_language"][lang]) for b, v in summary["backends"].items() for lang in v["by_language"]]
    fig, ax = plt.subplots(figsize=(10, 5.5))
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(shown))
    for i, (backend, lang, values) in enumerate(groups):
        ax.bar(x + i * width, [values.get(m) or 0 for m in shown], width, label=f"{backend} · {lang}")
    ax.set_xticks(x + width * (len(groups) - 1) / 2, shown)
    ax.set_ylim(0, 1.05)
    ax.set_title("Metrics per backend and question language")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)
    fig.tight_layout()
    fig.savefig(out / "metrics.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4))
    backends = list(summary["backends"])
    ax.boxplot([[r["latency_s"] for r in rows if r["backend"] == b] for b in backends], tick_labels=backends)
    ax.set_ylabel("seconds per answer")
    ax.set_title("Answer latency")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)
