"""The evaluation tab's explorer: pick a recorded run, filter its questions by what went wrong and
by language, open one to see the answer with each sentence's verdict, its evidence highlighted in
the article, and the retrieval ranking; compare it with another run (evaluation/compare.py).

Runs are folders with results.jsonl and summary.json from `assistant eval`: the committed ones
under eval/results/ and the app's own under the data directory."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .evaluation.metrics import facts_covered, gold_rank
from .render import CONTEXT_CHARS, highlighted

# filter name -> does a result row match it
FILTERS = {
    "alle / all": lambda r: True,
    "falsch abgelehnt / refused although answerable": lambda r: r["answerable"] and r["refused"],
    "nicht abgelehnt / answered although unanswerable": lambda r: not r["answerable"] and not r["refused"],
    "fehlende Fakten / missing facts": lambda r: r["answerable"] and r["facts"] and not all(facts_covered(r["answer"], r["facts"])),
    "Ersatzantwort / fallback": lambda r: bool(r.get("fallback")),
    "nicht belegter Satz / unsupported sentence": lambda r: any(not s["supported"] for s in r["sentences"]),
    "richtiger Artikel nicht zuerst / right article not first": lambda r: r["answerable"] and gold_rank(r) != 1,
}
LANGUAGES = ["alle / all", "de", "en"]


def find_runs(*roots: Path) -> dict[str, Path]:
    """label -> folder of every eval run under the roots (newest first within a root)."""
    runs = {}
    for root in roots:
        if not root.exists():
            continue
        folders = [p.parent for p in root.glob("**/results.jsonl") if (p.parent / "summary.json").exists()]
        for folder in sorted(folders, key=lambda f: f.stat().st_mtime, reverse=True):
            if "backends" in json.loads((folder / "summary.json").read_text(encoding="utf-8")):  # not a judge run
                runs[f"{root.name}/{folder.relative_to(root)}"] = folder
    return runs


def load_rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def matching(rows: list[dict], problem: str, language: str) -> list[tuple[str, str]]:
    """(label, id) of the questions that match the filter and language."""
    test = FILTERS.get(problem, FILTERS["alle / all"])
    chosen = [r for r in rows if test(r) and (language not in ("de", "en") or r["lang"] == language)]
    return [(f"{r['id']} · {r['question'][:90]}", f"{r['backend']}|{r['id']}") for r in chosen]


def question_html(row: dict, articles: dict) -> str:
    """One question: answer, each sentence's verdict, the cited evidence in its article, the ranking."""
    parts = [f"<h3>{escape(row['id'])} · {escape(row['question'])}</h3>",
             f"<div class='src-meta'>{escape(row['backend'])} · {'answerable' if row['answerable'] else 'unanswerable'} · "
             f"{'refused' if row['refused'] else 'answered'}{' · fallback: ' + escape(row['fallback']) if row.get('fallback') else ''}"
             f"{' · reason: ' + escape(row['refusal_reason']) if row.get('refusal_reason') else ''}</div>",
             f"<div class='eval-answer'>{escape(row['answer'])}</div>"]
    if row.get("raw_answer") and row["raw_answer"] != row["answer"]:
        parts.append(f"<details><summary>Modellantwort vor der Prüfung / raw model answer</summary><div>{escape(row['raw_answer'])}</div></details>")
    if row["sentences"]:
        items = "".join(f"<li class='{'supported' if s['supported'] else 'unsupported'}'>{'✓' if s['supported'] else '✗'} "
                        f"{s['score']:.2f} {escape(s['text'])}{' – ' + escape(s['reason']) if s.get('reason') else ''}</li>"
                        for s in row["sentences"])
        parts.append(f"<h4>Sätze / sentences</h4><ul class='verdicts'>{items}</ul>")
    if row["facts"]:
        covered = facts_covered(row["answer"], row["facts"])
        parts.append("<h4>Erwartete Fakten / expected facts</h4><ul>" + "".join(
            f"<li>{'✓' if ok else '✗'} {escape(' | '.join(f))}</li>" for f, ok in zip(row["facts"], covered)) + "</ul>")
    for c in row["citations"]:
        parts.append(_evidence(c, articles))
    ranking = "".join(f"<tr><td>{i}</td><td>{escape(p['doc_id'])}{' ★' if p['doc_id'] in row['gold_docs'] else ''}</td>"
                      f"<td>{escape(p['chunk_id'])}</td><td>{p['score']:.4f}</td></tr>" for i, p in enumerate(row["retrieved"], 1))
    parts.append("<h4>Ranking (★ = erwarteter Artikel / expected article)</h4><table class='ranking'>"
                 f"<tr><th>#</th><th>article</th><th>chunk</th><th>score</th></tr>{ranking}</table>")
    return "".join(parts)


def _evidence(citation: dict, articles: dict) -> str:
    """The cited quote highlighted in its article (found by its offsets, or by its text in older runs)."""
    article = articles.get(citation["doc_id"])
    head = f"<h4>[{citation['n']}] {escape(citation['doc_id'])}</h4>"
    if article is None:
        return f"<div class='src-card'>{head}<mark class='quote'>{escape(citation['quote'])}</mark></div>"
    text = article.text
    start = citation.get("start") if text[citation.get("start", 0):citation.get("end", 0)] == citation["quote"] else text.find(citation["quote"])
    if start is None or start < 0:
        return f"<div class='src-card'>{head}<mark class='quote'>{escape(citation['quote'])}</mark></div>"
    end = start + len(citation["quote"])
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    context = ("…" if lo else "") + highlighted(text[lo:hi], start - lo, end - lo) + ("…" if hi < len(text) else "")
    return f"<div class='src-card'>{head}<div class='src-context'>{context}</div></div>"


def explorer(roots: list[Path], articles, compare_dir: Path):
    """The explorer's components and events, inside the current Blocks/Tab. `articles()` gives
    doc id -> Article. Returns a function that refreshes the run lists (for app.load)."""
    import gradio as gr

    from .evaluation.compare import compare_runs
    from .ui_text import t

    def runs():
        return find_runs(*roots)

    # value=None: a dropdown defaults to its first choice, and choosing that one would then change nothing
    run = gr.Dropdown(list(runs()), value=None, label=t("run"), elem_id="run-choice")
    with gr.Row():
        problem = gr.Dropdown(list(FILTERS), value="alle / all", label=t("filter"), elem_id="problem-choice")
        language = gr.Dropdown(LANGUAGES, value="alle / all", label=t("language"), elem_id="language-choice")
    question = gr.Dropdown([], label=t("question"), elem_id="question-choice")
    detail = gr.HTML(elem_id="question-detail")
    other = gr.Dropdown(list(runs()), value=None, label=t("compare"), elem_id="compare-choice")
    comparison = gr.Markdown(elem_id="compare-view")

    def questions(label, problem_name, lang):
        folder = runs().get(label)
        choices = matching(load_rows(folder), problem_name, lang) if folder else []
        return gr.update(choices=choices, value=None), f"{len(choices)} Fragen / questions" if folder else ""

    def show(label, key):
        folder = runs().get(label)
        if not folder or not key:
            return ""
        backend, _, qid = key.partition("|")
        row = next((r for r in load_rows(folder) if r["backend"] == backend and r["id"] == qid), None)
        return question_html(row, articles()) if row else ""

    def compare(label_a, label_b):
        found = runs()
        if label_a not in found or label_b not in found:
            return ""
        compare_runs(found[label_a], found[label_b], compare_dir)
        return (compare_dir / "compare.md").read_text(encoding="utf-8").replace("![metric changes](compare.png)", "")

    for control in (run, problem, language):
        control.change(questions, [run, problem, language], [question, detail], api_visibility="private")
    question.change(show, [run, question], detail, api_visibility="private")
    other.change(compare, [run, other], comparison, api_visibility="private")
    return lambda: (gr.update(choices=list(runs())), gr.update(choices=list(runs()))), [run, other]
