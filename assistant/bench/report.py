"""bench.md and PNG plots from the figures in bench.json."""

from __future__ import annotations

from pathlib import Path

TARGETS = [  # (what, how to read it from the results, limit, unit)
    ("hybrid search p95 at 100k chunks", ("100000", "ours", "search", "hybrid", "p95_ms"), 50, "ms"),
    ("no-op re-ingest on the corpus", ("corpus", "ours", "noop_reingest_s"), 1.0, "s"),
]


def dig(data: dict, path) -> float | None:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def ratio(ours, naive) -> str:
    return "–" if not ours or not naive else f"{ours / naive:.2f}"


ROWS = [  # (label, path inside one system's figures, digits)
    ("chunks", ("chunks",), 0),
    ("ingest, chunks/s", ("ingest", "chunks_per_s"), 1),
    ("ingest, s", ("ingest", "seconds"), 1),
    ("chunks embedded by that ingest", ("ingest", "embedded"), 0),
    ("no-op re-ingest, s", ("noop_reingest_s",), 3),
    ("BM25 index at start (load or build), s", ("bm25", "load_s"), 3),
    ("dense search p50 / p95, ms", ("search", "dense"), 1),
    ("BM25 search p50 / p95, ms", ("search", "bm25"), 1),
    ("hybrid search p50 / p95, ms", ("search", "hybrid"), 1),
    ("hybrid + sentence rerank p50 / p95, ms", ("search", "rerank"), 1),
    ("extractive answer p50 / p95, ms", ("answer_extractive",), 0),
    ("peak RSS, MB", ("peak_rss_mb",), 0),
]


def cell(figures: dict | None, path, digits: int) -> tuple[str, float | None]:
    value = dig(figures or {}, path)
    if isinstance(value, dict):
        return f"{fmt(value['p50_ms'], digits)} / {fmt(value['p95_ms'], digits)}", value["p95_ms"]
    return fmt(value if digits else (int(value) if value is not None else None), digits), value


def size_table(size: str, figures: dict) -> list[str]:
    ours, naive, server = figures.get("ours"), figures.get("naive"), figures.get("server")
    head = "| figure | ours (embedded) | naive LangChain | ours / naive |" + (" ours, `chroma run` server |" if server else "")
    lines = [head, "|---" * (5 if server else 4) + "|"]
    embedded, chunks = dig(ours or {}, ("ingest", "embedded")), dig(ours or {}, ("chunks",))
    resumed = embedded is not None and chunks and embedded < chunks
    for label, path, digits in ROWS:
        (o, ov), (n, nv) = cell(ours, path, digits), cell(naive, path, digits)
        if path == ("noop_reingest_s",) and naive:
            n += " (full re-embed)"
        # a resumed ingest's seconds and count are not comparable with a full one
        partial = resumed and path in (("ingest", "seconds"), ("ingest", "embedded"))
        row = f"| {label} | {o} | {n} | {'–' if partial else ratio(ov, nv)} |"
        if server:
            row += f" {cell(server, path, digits)[0] if path[0] != 'ingest' else '(served the embedded store)'} |"
        lines.append(row)
    if dig(ours or {}, ("remeasured",)):
        lines += ["", f"Ours: {ours['remeasured']} after the first run (`--remeasure`); ingest figures and "
                      "peak RSS are those of the first run."]
    if resumed:
        lines += ["", f"Ours: the measured ingest resumed an interrupted one and embedded {embedded:,} of the "
                      f"{chunks:,} chunks; its chunks/s are over those, its seconds are not a full ingest."]
    return lines


def plots(results: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [s for s in results["sizes"] if dig(results["sizes"][s], ("ours", "chunks"))]
    sizes.sort(key=lambda s: results["sizes"][s]["ours"]["chunks"])
    panels = [
        ("ingest, chunks/s", ("ingest", "chunks_per_s")),
        ("hybrid search p95, ms", ("search", "hybrid", "p95_ms")),
        ("dense search p95, ms", ("search", "dense", "p95_ms")),
        ("BM25 search p95, ms", ("search", "bm25", "p95_ms")),
        ("no-op re-ingest, s", ("noop_reingest_s",)),
        ("peak RSS, MB", ("peak_rss_mb",)),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (title, path) in zip(axes.flat, panels):
        for system, style in (("ours", "o-"), ("naive", "s--")):
            points = [(results["sizes"][s][system]["chunks"], dig(results["sizes"][s][system], path))
                      for s in sizes if system in results["sizes"][s]]
            points = [(x, y) for x, y in points if y is not None]
            if points:
                ax.plot(*zip(*points), style, label=system)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("chunks")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out / "bench-growth.png", dpi=90)
    plt.close(fig)
    return ["bench-growth.png"]


def write_report(results: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    images = plots(results, out)
    lines = [
        "# Benchmarks: ingest, search, answers, start-up, memory",
        "",
        f"Commands: {', then '.join(f'`{c}`' for c in results.get('commands', ['assistant bench']))} "
        f"on {results.get('machine', '')}; "
        "figures in `bench.json`. Synthetic corpora recombine sentences of the five articles "
        "(`assistant/bench/synthetic.py`, seeded). Each pipeline runs in its own process per size, "
        f"so peak RSS is one pipeline at one size. Search latencies: the {_questions(results)} dev questions "
        "(German and English), k=5, after one warm-up query.",
        "",
        "Naive LangChain pipeline: raw files, RecursiveCharacterTextSplitter 1000/200, "
        "`Chroma.from_documents` with HuggingFaceEmbeddings all-MiniLM-L6-v2, whitespace `BM25Retriever` "
        "(rebuilt in memory at every start) + `EnsembleRetriever` 0.5/0.5. Ours: cleaned articles, "
        "sentence chunks ≤600 characters, multilingual-e5-small, incremental Chroma, persisted German BM25, "
        "language-weighted RRF. A ratio below 1 means ours is faster or smaller.",
        "",
        "## Targets",
        "",
        "| target | limit | measured | met |",
        "|---|---|---|---|",
    ]
    for what, path, limit, unit in TARGETS + [("`assistant ask` cold start to first extractive answer",
                                              ("startup", "ask", "median_s"), 5, "s")]:
        value = dig(results["sizes"], path) if path[0] != "startup" else dig(results, path)
        met = "–" if value is None else ("yes" if value < limit else "no")
        lines.append(f"| {what} | < {limit} {unit} | {fmt(value, 2)} {unit if value is not None else '(not measured)'} | {met} |")
    bm25 = dig(results["sizes"], ("100000", "ours", "bm25", "load_s"))
    lines.append(f"| BM25 index persisted and loaded, not rebuilt at start | load | "
                 f"{'loaded in ' + fmt(bm25, 3) + ' s at 100k' if bm25 is not None else '–'} | {'yes' if bm25 is not None else '–'} |")
    for size, figures in results["sizes"].items():
        label = "the five articles" if size == "corpus" else f"synthetic, {int(size):,} chunks aimed at"
        lines += ["", f"## {label}", ""] + size_table(size, figures)
        llm = figures.get("llm")
        if llm:
            lines += ["", f"Local model through the whole chain (`llamacpp`, {llm['model']}, {llm['questions']} answerable "
                          f"dev questions, {llm['refused']} refused by the gate): time to first token p50 "
                          f"{fmt(dig(llm, ('ttft', 'p50_ms')), 0)} ms, p95 {fmt(dig(llm, ('ttft', 'p95_ms')), 0)} ms; "
                          f"output {fmt(llm['tokens_per_s_median'])} tokens/s (median); peak RSS with the model loaded "
                          f"{fmt(llm['peak_rss_mb'], 0)} MB."]
    startup = results.get("startup")
    if startup:
        lines += ["", "## Cold start (fresh process, index already built; median)", "",
                  "| start | ours | naive |", "|---|---|---|",
                  f"| process start to first search results | {startup['search']['median_s']} s | "
                  f"{dig(startup, ('naive_search', 'median_s')) or '–'} s (loads Chroma, re-splits the files, rebuilds BM25) |",
                  f"| `assistant ask` to first extractive answer | {startup['ask']['median_s']} s | – |",
                  f"| `python app.py` to a usable page | {startup['app']['median_s']} s | – |"]
    lines += ["", "## Growth", ""] + [f"![growth]({image})" for image in images]
    if (out / "bench-notes.md").exists():
        lines += ["", "How each figure grows, what was optimised (before/after) and what was left: [bench-notes.md](bench-notes.md)."]
    path = out / "bench.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _questions(results: dict) -> int | str:
    for figures in results["sizes"].values():
        n = dig(figures, ("ours", "answer_extractive", "n"))
        if n:
            return n
    return ""
