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

MAX_QUESTION_CHARS = 2000


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


def clean_question(question: str) -> str:
    if question == "-":
        question = sys.stdin.read()
    question = " ".join("".join(c if c.isprintable() else " " for c in question).split())
    if not question:
        raise AssistantError("The question is empty. / Die Frage ist leer.")
    if len(question) > MAX_QUESTION_CHARS:
        print(f"note: the question was {len(question):,} characters long; only the first {MAX_QUESTION_CHARS:,} are used.", file=sys.stderr)
        question = question[:MAX_QUESTION_CHARS]
    return question


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

    question = clean_question(args.question)
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
