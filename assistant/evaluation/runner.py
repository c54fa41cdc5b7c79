"""Run a question set through the same chain as the UI and write results, summary, report and plots."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..chain import Assistant
from ..config import Settings
from ..errors import AssistantError
from ..service import open_assistant
from .metrics import answer_language, retrieval_summary, summarize
from .questions import load_questions


def result_row(question: dict, result, latency: float) -> dict:
    return {
        "id": question["id"],
        "lang": question["lang"],
        "question": question["question"],
        "answerable": question["answerable"],
        "gold_docs": question["gold_docs"],
        "facts": question["facts"],
        "style": question.get("style"),
        "answer": result.answer,
        "raw_answer": result.raw_answer,  # the model's text before verification: every fallback can be audited
        "refusal_reason": result.refusal_reason,
        "reader": result.reader,
        "answer_lang": answer_language(result.answer),
        "refused": result.refused,
        "citations": [{"n": c.n, "doc_id": c.doc_id, "chunk_id": c.chunk_id, "quote": c.quote, "start": c.start, "end": c.end}
                      for c in result.citations],
        "invalid_citations": result.invalid_citations,
        "retrieved": [{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "score": p.score} for p in result.retrieved],
        "sentences": [{"text": s.text, "supported": s.supported, "score": s.score, "reason": s.reason} for s in result.sentences],
        "backend": result.backend,
        "model": result.model,
        "fallback": result.fallback,
        "latency_s": round(latency, 4),
        "ttft_s": result.timings.ttft_s,
    }


def run_backend(assistant: Assistant, questions: list[dict], backend: str, progress: bool = True) -> list[dict]:
    from tqdm import tqdm

    rows = []
    for question in tqdm(questions, desc=f"eval {backend}", unit="q", file=sys.stderr, disable=not progress):
        started = time.perf_counter()
        result = assistant.ask(question["question"], backend=backend)
        row = result_row(question, result, time.perf_counter() - started)
        row["backend"] = backend  # the label asked for, e.g. "llamacpp:qwen2.5-coder-1.5b-instruct.gguf"
        rows.append(row)
    return rows


def baseline_rows(settings: Settings, questions: list[dict]) -> list[dict]:
    from .baseline import NaivePipeline

    pipeline = NaivePipeline.built(settings.corpus_dir)
    return [
        {**{k: q[k] for k in ("id", "lang", "answerable", "gold_docs")}, "retrieved": pipeline.retrieve(q["question"])}
        for q in questions
    ]


def run_eval(questions_path: Path, backends: list[str], out: Path, settings: Settings, baseline: bool = True, progress: bool = True) -> dict:
    questions = load_questions(questions_path)
    assistant = open_assistant(settings)
    out.mkdir(parents=True, exist_ok=True)

    rows: list[dict] = []
    for backend in backends:
        problem = assistant.backend(backend).wait_ready()  # fail early and clearly on a backend that cannot start
        if problem:
            raise AssistantError(f"backend {backend}: {problem}")
        rows += run_backend(assistant, questions, backend, progress)
    with (out / "results.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    summary = build_summary(rows, str(questions_path), _settings_used(settings))
    if baseline:
        naive = baseline_rows(settings, questions)
        summary["baseline"] = {
            "config": "rag-chroma template: RecursiveCharacterTextSplitter 1000/200 on raw files, all-MiniLM-L6-v2, Chroma similarity top-4",
            "overall": retrieval_summary(naive),
            "by_language": {lang: retrieval_summary([r for r in naive if r["lang"] == lang]) for lang in sorted({r["lang"] for r in naive})},
        }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    from .report import write_report

    write_report(summary, rows, out)
    return summary


def build_summary(rows: list[dict], questions_file: str, settings_used: dict) -> dict:
    """summary.json's figures from the result rows (also to re-summarize a recorded results.jsonl)."""
    backends = list(dict.fromkeys(r["backend"] for r in rows))
    summary = {"questions_file": questions_file, "settings": settings_used, "backends": {}}
    for backend in backends:
        mine = [r for r in rows if r["backend"] == backend]
        summary["backends"][backend] = {
            "model": mine[0]["model"] if mine else "",
            "overall": summarize(mine),
            "by_language": {lang: summarize([r for r in mine if r["lang"] == lang]) for lang in sorted({r["lang"] for r in mine})},
            # styles of the held-out file (paraphrase, near-miss, far, …): refusal of near-miss vs far questions
            "by_style": {style: summarize([r for r in mine if r.get("style") == style])
                         for style in sorted({r["style"] for r in mine if r.get("style")})},
            "by_article": {
                doc: summarize([r for r in mine if r["gold_docs"][:1] == [doc]])
                for doc in sorted({r["gold_docs"][0] for r in mine if r["gold_docs"]})
            },
        }
    return summary


def _settings_used(settings: Settings) -> dict:
    keys = ("embedding", "k", "hybrid", "gate_threshold", "gate_english_offset", "support_threshold", "support_threshold_en", "chunk_size", "chunk_overlap")
    return {key: settings.flat()[key] for key in keys}
