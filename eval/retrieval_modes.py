"""Retrieval on the dev and test question files: dense / BM25 / hybrid, with and without the
article context embedded with each chunk, and with the question's article references resolved.

    .venv/bin/python eval/retrieval_modes.py            # writes eval/results/retrieval.md

Each configuration gets its own index in a temporary folder (the corpus is ingested twice).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.articles import named_articles  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.metrics import retrieval_summary  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.index import Index  # noqa: E402
from assistant.retrieval import Retriever  # noqa: E402

FILES = {"dev": ROOT / "eval" / "questions.jsonl", "test": ROOT / "eval" / "questions-test.jsonl"}


def rows_for(retriever: Retriever, questions: list[dict], mode: str, references: bool) -> list[dict]:
    rows = []
    for q in questions:
        docs = named_articles(q["question"], retriever.articles()) or None if references else None
        passages = retriever.search(q["question"], mode=mode, doc_ids=docs)
        rows.append({**q, "retrieved": [{"doc_id": p.doc_id} for p in passages]})
    return rows


def main() -> None:
    questions = {name: load_questions(path) for name, path in FILES.items()}
    questions["retrieval-tests"] = [dict(q, answerable=True) for q in map(json.loads, (ROOT / "tests" / "data" / "retrieval_questions.jsonl").read_text().splitlines())]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for context in ("off", "bm25", "both"):
            settings = Settings(data_dir=Path(tmp) / f"context-{context}", chunk_context=context)
            index = Index(settings)
            index.ingest([settings.corpus_dir])
            retriever = Retriever(index, settings)
            for mode in ("dense", "bm25", "hybrid"):
                for references in ((False, True) if context != "off" else (False,)):
                    figures = {}
                    for name, qs in questions.items():
                        figures[name] = retrieval_summary(rows_for(retriever, qs, mode, references))
                    table.append((context, mode, references, figures))
    lines = [
        "# Retrieval: dense / BM25 / hybrid, article context, article references",
        "",
        "Command: `.venv/bin/python eval/retrieval_modes.py` (answerable questions; document ranks as in eval/README.md).",
        "",
        "| article context in | mode | article references resolved | dev hit@1 | dev MRR | test hit@1 | test MRR | test hit@3 | tests/data hit@1 | tests/data MRR |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for context, mode, references, f in table:
        lines.append(f"| {context} | {mode} | {'yes' if references else 'no'} | {f['dev']['hit@1']} | "
                     f"{f['dev']['mrr']} | {f['test']['hit@1']} | {f['test']['mrr']} | {f['test']['hit@3']} | "
                     f"{f['retrieval-tests']['hit@1']} | {f['retrieval-tests']['mrr']} |")
    out = ROOT / "eval" / "results" / "retrieval.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
