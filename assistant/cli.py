"""Command line: the parser and the entry point; what each command does is assistant/commands.py.

Heavy libraries are imported inside the commands, so `assistant --help`
and bad input answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import commands
from .errors import AssistantError


def main(argv: list[str] | None = None) -> int:
    from .config import offline_environment

    offline_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # keep tracebacks away from users unless asked for
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(f"error: unexpected {exc.__class__.__name__}: {exc} (set ASSISTANT_DEBUG=1 for details)", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Grounded answers from German articles on social-media strategy.")
    parser.add_argument("--data-dir", help="where the index lives (ASSISTANT_DATA_DIR, default ./data)")
    parser.add_argument("--embedding", help="embedding model: e5 (default), minilm, or a sentence-transformers name or path")
    parser.add_argument("--chroma-url", help="use a Chroma server, e.g. http://localhost:8000 (ASSISTANT_CHROMA_URL)")
    sub = parser.add_subparsers(dest="command")

    ingest = sub.add_parser("ingest", help="add or update articles (.txt, .md, .html, .pdf, .docx, web pages) in the index")
    ingest.add_argument("paths", nargs="*", help="files, folders or http(s) addresses (default: the corpus folder); "
                                                 "a web page is fetched once and kept under <data dir>/web")
    ingest.add_argument("--rebuild", action="store_true", help="delete the index and embed everything again")
    ingest.add_argument("--no-prune", action="store_true", help="keep documents whose files were deleted")
    ingest.add_argument("--replace", action="store_true", help="let these files replace indexed articles of the same id that come from other files")
    ingest.add_argument("--wait", action="store_true", help="wait for another running ingest instead of stopping")
    ingest.set_defaults(func=commands.cmd_ingest)

    search = sub.add_parser("search", help="find the passages that best match a question")
    search.add_argument("question", help='the question, or "-" to read it from standard input')
    search.add_argument("-k", type=int, default=None, help="number of passages (default 5)")
    search.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")
    search.add_argument("--json", action="store_true", help="print a JSON list of passages in rank order")
    search.set_defaults(func=commands.cmd_search)

    for name, help_text in (("ask", "answer a question with cited passages"), ("chat", "interactive chat with follow-up questions")):
        cmd = sub.add_parser(name, help=help_text)
        if name == "ask":
            cmd.add_argument("question", help='the question, or "-" to read it from standard input')
            cmd.add_argument("--json", action="store_true", help="print the whole result object as JSON")
        cmd.add_argument("--backend", help="extractive, llamacpp, openai or ollama (default: llamacpp if a local model is installed, else extractive)")
        cmd.add_argument("-k", type=int, default=None, help="passages given to the backend (default 5)")
        cmd.set_defaults(func=commands.cmd_ask if name == "ask" else commands.cmd_chat)

    evaluate = sub.add_parser("eval", help="run a question set through the chain and write a grounding report; "
                              "`eval compare DIR_A DIR_B` compares two recorded runs")
    evaluate.add_argument("compare", nargs="*", metavar="compare DIR_A DIR_B",
                          help="compare two runs instead: what changed per metric and per question (report in --out)")
    evaluate.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    evaluate.add_argument("--backend", default="extractive", help="one backend or several, comma-separated")
    evaluate.add_argument("--out", type=Path, default=Path("eval/results/latest"))
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the naive rag-chroma comparison")
    evaluate.set_defaults(func=commands.cmd_eval)

    calibrate = sub.add_parser("eval-calibrate", help="sweep the relevance-gate threshold on a question set")
    calibrate.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    calibrate.add_argument("--out", type=Path, default=Path("eval/results/calibration"))
    calibrate.add_argument("--test", type=Path, default=None, help="a held-out question file: judged with the fitted values, never fitted")
    calibrate.set_defaults(func=commands.cmd_calibrate)

    retrieval = sub.add_parser("eval-retrieval", help="compare dense / BM25 / hybrid and the article context on the question files")
    retrieval.add_argument("--out", type=Path, default=Path("eval/results/retrieval.md"))
    retrieval.add_argument("--files", default="dev,test,holdout,retrieval-tests",
                           help="comma-separated question files (dev, test, holdout, retrieval-tests); test always")
    retrieval.set_defaults(func=commands.cmd_eval_retrieval)

    verifier = sub.add_parser("eval-verifier", help="precision and recall of the sentence verifier on eval/support-pairs.jsonl")
    verifier.add_argument("--out", type=Path, default=Path("eval/results"))
    verifier.add_argument("--fit", action="store_true", help="search the claim checks' bars on the fit half only (verifier-fit.md)")
    verifier.set_defaults(func=commands.cmd_eval_verifier)

    judge = sub.add_parser("judge", help="judge answers written by any system (JSONL; RAGAS fields accepted) against the articles")
    judge.add_argument("answers", type=Path, help="JSONL: question, answer, optional contexts, cited_doc_ids, facts or ground_truth, answerable")
    judge.add_argument("--out", type=Path, default=Path("eval/results/judged"))
    judge.add_argument("--answer-field", help="judge this field as the answer, e.g. raw_answer of an `assistant eval` "
                                              "results.jsonl (the model's text before verification); lines without it are skipped")
    judge.add_argument("--llm", help="also ask this backend (llamacpp, openai, ollama, e.g. openai:gpt-4o-mini) per sentence: "
                                     "a second opinion reported with its agreement, never replacing the verifier")
    judge.set_defaults(func=commands.cmd_judge)

    bench = sub.add_parser("bench", help="ingest, search, answer, start-up and memory figures from the corpus to 100k chunks")
    bench.add_argument("--sizes", default="corpus,1000,10000,100000",
                       help="comma-separated: 'corpus' and synthetic chunk counts (default corpus,1000,10000,100000)")
    bench.add_argument("--out", type=Path, default=Path("eval/results"), help="where bench.md, bench.json and plots go")
    bench.add_argument("--work", type=Path, default=Path("data/bench"), help="synthetic corpora and stores (large)")
    bench.add_argument("--server-sizes", default="100000", help="sizes also measured against a `chroma run` server")
    bench.add_argument("--llm", type=int, default=5, help="time N answers from the local model if one is installed (0 = skip)")
    bench.add_argument("--no-naive", action="store_true", help="skip the naive LangChain pipeline")
    bench.add_argument("--no-startup", action="store_true", help="skip the cold-start measurements")
    bench.add_argument("--startup-runs", type=int, default=3)
    bench.add_argument("--questions", type=Path, default=None,
                       help="questions searched and answered at each size (default eval/questions.jsonl)")
    bench.add_argument("--reuse", action="store_true", help="keep figures already measured for a size in --work")
    bench.add_argument("--remeasure", action="store_true",
                       help="with --reuse: measure our no-op re-ingest, searches and answers again on the store "
                            "already built (after a code change), keeping its ingest figures")
    bench.set_defaults(func=commands.cmd_bench)

    models = sub.add_parser("models", help="local GGUF models: list, install")
    models.add_argument("action", choices=("list", "install"))
    models.add_argument("name", nargs="?", help="qwen2.5-0.5b or qwen2.5-1.5b")
    models.set_defaults(func=commands.cmd_models)

    info = sub.add_parser("info", help="show the store, collection, chunk count and embedding model")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=commands.cmd_info)

    remove = sub.add_parser("remove", help="remove documents from the index by id")
    remove.add_argument("doc_ids", nargs="+")
    remove.set_defaults(func=commands.cmd_remove)

    feedback = sub.add_parser("feedback", help="the answers users rated in the app")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_sub.add_parser("export", help="write the rated questions as a question file `assistant eval` runs")
    export.add_argument("--out", type=Path, default=None, help="the question file to write (default: standard output)")
    export.set_defaults(func=commands.cmd_feedback_export)
    return parser


if __name__ == "__main__":
    sys.exit(main())
