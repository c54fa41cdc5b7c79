"""Retrieval on the dev and test question files: dense / BM25 / hybrid, with the article context in
no index, the BM25 index only, or both, with the question's article references resolved or not, and with the
sentence rerank (assistant/sentence_vectors.py) on or off.

    assistant eval-retrieval            # writes eval/results/retrieval.md
    assistant eval-retrieval --files test,holdout --out /tmp/r.md   # some files only ("–" for the others)

Each context setting gets its own index in a temporary folder (the corpus is ingested three times).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..articles import named_articles, searched_text
from ..config import PROJECT_DIR, Settings
from ..errors import AssistantError
from ..index import Index
from ..retrieval import Retriever
from .metrics import retrieval_summary
from .questions import load_questions

FILES = {"dev": PROJECT_DIR / "eval" / "questions.jsonl", "test": PROJECT_DIR / "eval" / "questions-test.jsonl",
         "holdout": PROJECT_DIR / "eval" / "questions-holdout.jsonl"}
RETRIEVAL_TESTS = PROJECT_DIR / "tests" / "data" / "retrieval_questions.jsonl"


def rows_for(retriever: Retriever, questions: list[dict], mode: str, references: bool, rerank: bool = False) -> list[dict]:
    rows = []
    for q in questions:
        docs = named_articles(q["question"], retriever.articles()) or None if references else None
        passages = retriever.search(searched_text(q["question"], retriever.articles(), docs), mode=mode, doc_ids=docs, rerank=rerank)
        rows.append({**q, "retrieved": [{"doc_id": p.doc_id} for p in passages]})
    return rows


ALL_FILES = (*FILES, "retrieval-tests")
_SKIPPED = {"hit@1": "–", "mrr": "–", "hit@3": "–"}


def compare_retrieval(settings: Settings, out: Path, files: tuple[str, ...] = ALL_FILES) -> list[str]:
    """Every configuration on the question `files` (names of ALL_FILES; the test file always, since the
    verdict is read on it); writes the Markdown table to `out` and returns its lines."""
    unknown = set(files) - set(ALL_FILES)
    if unknown or "test" not in files:
        raise AssistantError(f"--files takes {', '.join(ALL_FILES)} and must include test; got {', '.join(files)}")
    questions = {name: load_questions(path) for name, path in FILES.items() if name in files}
    if "retrieval-tests" in files:
        questions["retrieval-tests"] = [dict(q, answerable=True) for q in map(json.loads, RETRIEVAL_TESTS.read_text().splitlines())]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for context in ("off", "bm25", "both"):
            variant = settings.replace(data_dir=Path(tmp) / f"context-{context}", chroma_url="", chunk_context=context)
            index = Index(variant)
            index.ingest([variant.corpus_dir])
            retriever = Retriever(index, variant)
            for mode in ("dense", "bm25", "hybrid"):
                for references in ((False, True) if context != "off" else (False,)):
                    # the sentence rerank on top of each mode, with the default context only (one ingest less to read)
                    for rerank in ((False, True) if context == "bm25" else (False,)):
                        figures = {name: retrieval_summary(rows_for(retriever, questions[name], mode, references, rerank))
                                   if name in questions else _SKIPPED for name in ALL_FILES}
                        table.append((context, mode, references, rerank, figures))
    lines = [
        "# Retrieval: dense / BM25 / hybrid, article context, article references, sentence rerank",
        "",
        "Command: `.venv/bin/assistant eval-retrieval` (answerable questions; document ranks as in eval/README.md).",
        "",
        "| article context in | mode | article references resolved | sentence rerank | dev hit@1 | dev MRR | test hit@1 | test MRR | "
        "test hit@3 | holdout hit@1 | holdout MRR | tests/data hit@1 | tests/data MRR |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for context, mode, references, rerank, f in table:
        lines.append(f"| {context} | {mode} | {'yes' if references else 'no'} | {'yes' if rerank else 'no'} | {f['dev']['hit@1']} | "
                     f"{f['dev']['mrr']} | {f['test']['hit@1']} | {f['test']['mrr']} | {f['test']['hit@3']} | "
                     f"{f['holdout']['hit@1']} | {f['holdout']['mrr']} | "
                     f"{f['retrieval-tests']['hit@1']} | {f['retrieval-tests']['mrr']} |")
    chosen = {(c, m, r, rr): f for c, m, r, rr, f in table}
    context = settings.flat()["chunk_context"]
    default = chosen[(context, "hybrid", True, True)]
    dense = chosen[(context, "dense", True, True)]
    verdict = "not worse than" if (default["test"]["hit@1"], default["test"]["mrr"]) >= (dense["test"]["hit@1"], dense["test"]["mrr"]) else "WORSE than"
    lines += ["", f"Default (what `assistant ask` does): article context in {context}, hybrid, article references "
              f"resolved, sentence rerank: dev hit@1 {default['dev']['hit@1']} / MRR {default['dev']['mrr']}, test hit@1 "
              f"{default['test']['hit@1']} / MRR {default['test']['mrr']}, holdout hit@1 {default['holdout']['hit@1']} / MRR "
              f"{default['holdout']['mrr']}; hybrid is {verdict} dense alone on the test file "
              f"({dense['test']['hit@1']} / {dense['test']['mrr']})."]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return lines
