"""Command line: assistant ingest | search | info | remove.

Heavy libraries are imported inside the commands, so `assistant --help`
and bad input answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .errors import AssistantError

def main(argv: list[str] | None = None) -> int:
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

    ingest = sub.add_parser("ingest", help="add or update articles (.txt, .md, .html) in the index")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the corpus folder)")
    ingest.add_argument("--rebuild", action="store_true", help="delete the index and embed everything again")
    ingest.add_argument("--no-prune", action="store_true", help="keep documents whose files were deleted")
    ingest.set_defaults(func=cmd_ingest)

    search = sub.add_parser("search", help="find the passages that best match a question")
    search.add_argument("question", help='the question, or "-" to read it from standard input')
    search.add_argument("-k", type=int, default=None, help="number of passages (default 5)")
    search.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")
    search.add_argument("--json", action="store_true", help="print a JSON list of passages in rank order")
    search.set_defaults(func=cmd_search)

    for name, help_text in (("ask", "answer a question with cited passages"), ("chat", "interactive chat with follow-up questions")):
        cmd = sub.add_parser(name, help=help_text)
        if name == "ask":
            cmd.add_argument("question", help='the question, or "-" to read it from standard input')
            cmd.add_argument("--json", action="store_true", help="print the whole result object as JSON")
        cmd.add_argument("--backend", help="extractive, llamacpp, openai or ollama (default: llamacpp if a local model is installed, else extractive)")
        cmd.add_argument("-k", type=int, default=None, help="passages given to the backend (default 5)")
        cmd.set_defaults(func=cmd_ask if name == "ask" else cmd_chat)

    evaluate = sub.add_parser("eval", help="run a question set through the chain and write a grounding report")
    evaluate.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    evaluate.add_argument("--backend", default="extractive", help="one backend or several, comma-separated")
    evaluate.add_argument("--out", type=Path, default=Path("eval/results/latest"))
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the naive rag-chroma comparison")
    evaluate.set_defaults(func=cmd_eval)

    calibrate = sub.add_parser("eval-calibrate", help="sweep the relevance-gate threshold on a question set")
    calibrate.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    calibrate.add_argument("--out", type=Path, default=Path("eval/results/calibration"))
    calibrate.add_argument("--test", type=Path, default=None, help="a held-out question file: judged with the fitted values, never fitted")
    calibrate.set_defaults(func=cmd_calibrate)

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
    bench.add_argument("--reuse", action="store_true", help="keep figures already measured for a size in --work")
    bench.add_argument("--remeasure", action="store_true",
                       help="with --reuse: measure our no-op re-ingest, searches and answers again on the store "
                            "already built (after a code change), keeping its ingest figures")
    bench.set_defaults(func=cmd_bench)

    models = sub.add_parser("models", help="local GGUF models: list, install")
    models.add_argument("action", choices=("list", "install"))
    models.add_argument("name", nargs="?", help="qwen2.5-0.5b or qwen2.5-1.5b")
    models.set_defaults(func=cmd_models)

    info = sub.add_parser("info", help="show the store, collection, chunk count and embedding model")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=cmd_info)

    remove = sub.add_parser("remove", help="remove documents from the index by id")
    remove.add_argument("doc_ids", nargs="+")
    remove.set_defaults(func=cmd_remove)
    return parser


def load_settings(args):
    from .config import Settings

    overrides = {"data_dir": args.data_dir, "embedding": args.embedding, "chroma_url": args.chroma_url}
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def cmd_ingest(args) -> int:
    from .index import Index, print_progress

    settings = load_settings(args)
    paths = args.paths or [settings.corpus_dir]
    missing = [str(p) for p in paths if not p.exists()]
    for path in missing:
        print(f"skipped {path}: no such file or folder", file=sys.stderr)
    paths = [p for p in paths if p.exists()]
    if not paths:
        raise AssistantError("Nothing to ingest: none of the given paths exists.")
    index = Index(settings)
    if args.rebuild:
        index.drop()
        print(f"rebuilding the index at {index.location}", file=sys.stderr)
    started = time.perf_counter()
    report = index.ingest(paths, progress=print_progress(), prune=not args.no_prune)
    for skip in report.skipped:
        print(f"skipped {skip.path}: {skip.reason}", file=sys.stderr)
    for doc_id in report.removed_documents:
        print(f"removed {doc_id}: its file no longer exists", file=sys.stderr)
    print(f"{report.summary()} in {time.perf_counter() - started:.2f} s")
    return 0 if report.documents or not report.skipped else 1


def ensure_index(index) -> None:
    """First run: build the index from the corpus folder."""
    if index.count() == 0 and index.settings.corpus_dir.exists():
        from .index import print_progress

        print(f"building the index from {index.settings.corpus_dir} (first run)", file=sys.stderr)
        report = index.ingest([index.settings.corpus_dir], progress=print_progress())
        print(report.summary(), file=sys.stderr)


def cmd_search(args) -> int:
    from .index import Index
    from .retrieval import Retriever

    from .chain import clean_question

    question, notice = clean_question(sys.stdin.read() if args.question == "-" else args.question)
    if notice:
        print(f"note: {notice}", file=sys.stderr)
    if args.k is not None and not 1 <= args.k <= 100:
        raise AssistantError("-k must be between 1 and 100.")
    settings = load_settings(args)
    index = Index(settings)
    index.check_model()
    ensure_index(index)
    passages = Retriever(index).search(question, k=args.k, mode=args.mode)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("No passages found.")
    for p in passages:
        print(f"[{p.rank}] {p.title}  ({p.doc_id}, chunk {p.chunk_id.rsplit('#', 1)[1]}, score {p.score:.4f})")
        print("    " + p.text.replace("\n", "\n    "))
        print()
    return 0


def render(result) -> str:
    """The answer with unsupported sentences marked, then the sources."""
    lines = [result.answer]
    unsupported = [s for s in result.sentences if not s.supported]
    if unsupported:
        lines.append("")
        mark = "nicht belegt" if result.language == "de" else "not supported"
        lines += [f"  ⚠ {mark}: {s.text}" for s in unsupported]
    if result.citations:
        lines.append("")
        lines.append("Quellen:" if result.language == "de" else "Sources:")
        for c in result.citations:
            chars = "Zeichen" if result.language == "de" else "characters"
            where = ("Kopfzeile" if result.language == "de" else "header") if c.chunk_id.endswith("#header") else f"{chars} {c.start}-{c.end}"
            lines.append(f"  [{c.n}] {c.title} ({c.doc_id}, {where})")
            lines.append(f"      „{c.quote}“")
    footer = f"— {result.backend}: {result.model} · {result.timings.total_s:.2f} s"
    return "\n".join(lines + ["", footer])


def _assistant(args):
    from .chain import Assistant
    from .index import Index

    settings = load_settings(args)
    if args.k is not None and not 1 <= args.k <= 20:
        raise AssistantError("-k must be between 1 and 20.")
    index = Index(settings)
    index.check_model()
    ensure_index(index)
    return Assistant(settings, index)


def cmd_ask(args) -> int:
    question = sys.stdin.read() if args.question == "-" else args.question
    assistant = _assistant(args)
    if args.json:
        result = assistant.ask(question, backend=args.backend, k=args.k)
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    result = None
    for event in assistant.stream(question, backend=args.backend, k=args.k):
        if isinstance(event, str):
            continue
        result = event
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    print(render(result))
    return 0


def cmd_chat(args) -> int:
    from .chain import Turn

    assistant = _assistant(args)
    backend = assistant.backend(args.backend)
    print(f"Antworten von / answers by: {backend.name} ({backend.model}). Leere Zeile oder Strg-D beendet.")
    history = []
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            result = assistant.ask(question, history=history, backend=backend.name, k=args.k)
        except AssistantError as exc:
            print(f"error: {exc}")
            continue
        print(render(result))
        history.append(Turn(question, result))
    return 0


def cmd_eval(args) -> int:
    from .evaluation.runner import run_eval

    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    summary = run_eval(args.questions, backends, args.out, load_settings(args), baseline=not args.no_baseline)
    for backend, values in summary["backends"].items():
        o = values["overall"]
        print(f"{backend}: hit@1 {o['hit@1']} MRR {o['mrr']} fact recall {o['fact_recall']} citation support "
              f"{o['citation_support']} refusal accuracy {o['refusal_accuracy']} false refusals {o['false_refusals']} "
              f"p50 {o['latency_p50_s']} s")
    if "baseline" in summary:
        b = summary["baseline"]["overall"]
        print(f"naive baseline: hit@1 {b['hit@1']} MRR {b['mrr']}")
    print(f"report: {args.out / 'report.md'}")
    return 0


def cmd_bench(args) -> int:
    from .bench.run import run_bench
    from .llm.llamacpp import available, model_path

    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.server_sizes = [s.strip() for s in args.server_sizes.split(",") if s.strip()]
    for size in args.sizes:
        if size != "corpus" and not size.isdigit():
            raise AssistantError(f"--sizes takes 'corpus' and chunk counts, not {size!r}")
    if args.llm and not available(load_settings(args)):
        print("no local model installed: skipping the time-to-first-token figures", file=sys.stderr)
        args.llm = 0
    args.llm_model = str(model_path(load_settings(args))) if args.llm else ""
    print(f"report: {run_bench(args)}")
    return 0


def cmd_calibrate(args) -> int:
    from .evaluation.calibrate import calibrate
    from .index import Index

    settings = load_settings(args)
    ensure_index(Index(settings))
    best = calibrate(args.questions, args.out, settings, args.test)
    print("fitted on the dev file: " + " ".join(f"ASSISTANT_{k.upper()}={v}" for k, v in best.items())
          + f"; cross-validated and test figures: {args.out / 'calibration.md'}")
    return 0


def cmd_models(args) -> int:
    from . import models
    from .llm.llamacpp import installed_models

    settings = load_settings(args)
    if args.action == "install":
        if not args.name:
            raise AssistantError(f"Name a model to install: {', '.join(models.MODELS)}.")
        models.install(args.name, settings.models_dir, log=lambda line: print(line, file=sys.stderr))
        return 0
    installed = {p.name for p in installed_models(settings)}
    for spec in models.MODELS.values():
        state = "installed" if spec.filename in installed else "not installed"
        print(f"{spec.name:14} {spec.size_mb:5} MB  {state}")
    for name in sorted(installed - {s.filename for s in models.MODELS.values()}):
        print(f"{name:14}          installed (own file)")
    return 0


def cmd_info(args) -> int:
    from .index import Index

    settings = load_settings(args)
    index = Index(settings)
    stamp = index.stamp()
    info = {
        "store": "server" if settings.chroma_url else "embedded",
        "location": index.location,
        "collection": settings.collection,
        "chunks": index.count(),
        "documents": len(index.documents()),
        "embedding_model": stamp.get("embedding_model"),
        "embedding_dimension": stamp.get("embedding_dimension"),
        "configured_embedding": settings.embedding,
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key:22} {value if value is not None else '-'}")
    return 0


def cmd_remove(args) -> int:
    from .index import Index

    removed = Index(load_settings(args)).remove(args.doc_ids)
    print(f"removed {removed} chunks")
    return 0 if removed else 1


if __name__ == "__main__":
    sys.exit(main())
