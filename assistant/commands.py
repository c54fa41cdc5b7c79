"""What each `assistant` command does (the parser is assistant/cli.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .errors import AssistantError


def load_settings(args):
    from .config import load_settings as settings_from

    overrides = {"data_dir": args.data_dir, "embedding": args.embedding, "chroma_url": args.chroma_url}
    return settings_from(**{key: value for key, value in overrides.items() if value is not None})


def cmd_ingest(args) -> int:
    from .index import Index
    from .service import progress_bar
    from .webpages import fetch, is_url

    settings = load_settings(args)
    given = args.paths or [settings.corpus_dir]
    paths = []
    for item in given:
        if is_url(item):
            try:
                paths.append(fetch(str(item), settings.data_dir / "web", settings.ingest.max_document_bytes))
            except AssistantError as exc:
                print(f"skipped {exc}", file=sys.stderr)
        elif Path(item).exists():
            paths.append(Path(item))
        else:
            print(f"skipped {item}: no such file or folder", file=sys.stderr)
    if not paths:
        raise AssistantError("Nothing to ingest: none of the given paths exists or could be fetched.")
    index = Index(settings)
    started = time.perf_counter()
    wait = -1 if args.wait else 0
    if args.rebuild:
        print(f"rebuilding the index at {index.location}", file=sys.stderr)
        report = index.rebuild(paths, progress=progress_bar(), wait=wait)
    else:
        report = index.ingest(paths, progress=progress_bar(), prune=not args.no_prune, replace=args.replace, wait=wait)
    for skip in report.skipped:
        print(f"skipped {skip.path}: {skip.reason}", file=sys.stderr)
    for doc_id in report.removed_documents:
        print(f"removed {doc_id}: its file no longer exists", file=sys.stderr)
    print(f"{report.summary()} in {time.perf_counter() - started:.2f} s")
    return 1 if report.conflicts or (report.skipped and not report.documents) else 0


def cmd_search(args) -> int:
    from .question import clean_question
    from .retrieval import Retriever
    from .service import open_index

    question, notice = clean_question(sys.stdin.read() if args.question == "-" else args.question)
    if notice:
        print(f"note: {notice}", file=sys.stderr)
    if args.k is not None and not 1 <= args.k <= 100:
        raise AssistantError("-k must be between 1 and 100.")
    index = open_index(load_settings(args))
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
            where = ", ".join(filter(None, [c.page_label(result.language), where]))
            lines.append(f"  [{c.n}] {c.title} ({c.doc_id}, {where})")
            lines.append(f"      „{c.quote}“")
    footer = f"— {result.backend}: {result.model} · {result.timings.total_s:.2f} s"
    return "\n".join(lines + ["", footer])


def _assistant(args):
    from .service import open_assistant

    if args.k is not None and not 1 <= args.k <= 20:
        raise AssistantError("-k must be between 1 and 20.")
    return open_assistant(load_settings(args))


def _ready(backend) -> None:
    """Wait for a local model to load (it runs in its own process); say so if it cannot."""
    problem = backend.wait_ready()
    if problem:
        print(f"note: {problem}; answers are extractive until it runs", file=sys.stderr)


def cmd_ask(args) -> int:
    question = sys.stdin.read() if args.question == "-" else args.question
    assistant = _assistant(args)
    _ready(assistant.backend(args.backend))
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
    from .results import Turn

    assistant = _assistant(args)
    backend = assistant.backend(args.backend)
    _ready(backend)
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
    if args.compare:
        return cmd_eval_compare(args)
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


def cmd_eval_compare(args) -> int:
    from pathlib import Path

    from .evaluation.compare import compare_runs

    if len(args.compare) != 3 or args.compare[0] != "compare":
        raise AssistantError("usage: assistant eval compare DIR_A DIR_B [--out DIR]")
    out = args.out if args.out != Path("eval/results/latest") else Path("eval/results/compare")
    result = compare_runs(Path(args.compare[1]), Path(args.compare[2]), out)
    for label, deltas in result["metrics"].items():
        shown = ", ".join(f"{m} {d:+}" for m, d in deltas.items() if d)
        print(f"{label}: {shown or 'no metric changed'}; {len(result['questions'].get(label, {}))} questions changed")
    print(f"report: {out / 'compare.md'}")
    return 0


def cmd_eval_retrieval(args) -> int:
    from .evaluation.retrieval_modes import compare_retrieval

    files = tuple(name.strip() for name in args.files.split(",") if name.strip())
    print("\n".join(compare_retrieval(load_settings(args), args.out, files)))
    return 0


def cmd_eval_verifier(args) -> int:
    from .evaluation.verifier import fit_bars, measure, write_fit, write_report

    settings = load_settings(args)
    if getattr(args, "fit", False):
        fitted = fit_bars(settings)
        print(f"bars with the lowest cost on the fit half: {fitted['chosen']}")
        print(f"report: {write_fit(fitted, args.out)}")
        return 0
    figures, rows = measure(settings, before=True)
    for name, group in (("fit", figures["halves"]["fit"]), ("held-out", figures["halves"]["held-out"]), ("all", figures)):
        o = group["overall"]
        print(f"verifier, {name} ({o['pairs']} pairs): precision {o['precision']} recall {o['recall']} accuracy {o['accuracy']}")
    print(f"report: {write_report(figures, rows, args.out)}")
    return 0


def cmd_judge(args) -> int:
    from tqdm import tqdm

    from .evaluation import judge_report
    from .evaluation.judge import Judge, load_answers
    from .service import open_assistant

    answers = load_answers(args.answers, args.answer_field)  # a bad file fails here, before the index opens
    assistant = open_assistant(load_settings(args))
    llm = None
    if args.llm:
        llm = assistant.backend(args.llm)
        problem = llm.wait_ready()
        if problem or not llm.generates:
            raise AssistantError(f"the LLM judge {args.llm} cannot judge: {problem or 'it is not an LLM backend'}")
    judge = Judge(assistant, llm)
    rows = [judge.judge(item) for item in tqdm(answers, desc="judge", unit="answer", file=sys.stderr)]
    summary = judge_report.write(rows, args.answers, args.out, llm_label=f"{llm.name} ({llm.model})" if llm else "")
    o = summary["overall"]
    if "llm_judge" in summary:
        print(f"LLM judge {summary['llm_judge']['backend']}: agreement with the verifier {summary['llm_judge']['agreement']}")
    print(f"{o['answers']} answers: sentences supported by the articles {o['grounded_sentences']}, answers fully grounded "
          f"{o['grounded_answers']}, should have refused {o['should_have_refused']}, refused although answerable "
          f"{o['false_refusals']}, contexts found nowhere {o['invented_contexts']}")
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
    from .service import open_index

    settings = load_settings(args)
    open_index(settings)
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
        path = models.install(args.name, settings.models_dir, log=lambda line: print(line, file=sys.stderr))
        import importlib.util

        if importlib.util.find_spec("llama_cpp") is None:
            print("to use it, install llama-cpp-python: CMAKE_ARGS=... .venv/bin/pip install -e '.[llamacpp]' (see the README)")
        else:
            print(f"installed {path}. It answers from now on (the newest installed model is the default): "
                  f"`assistant ask \"…\"`, `assistant chat`, or restart the app (`python app.py`); to choose it explicitly: "
                  f"--backend llamacpp:{path.name}")
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


def cmd_feedback_export(args) -> int:
    from .conversations import ConversationStore
    from .feedback import question_lines

    settings = load_settings(args)
    lines = question_lines(ConversationStore(settings.data_dir / "conversations.sqlite3").ratings())
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        review = sum(line["needs_review"] for line in lines)
        print(f"{len(lines)} rated questions written to {args.out} ({review} to review: see needs_review)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if lines else 1
