"""scale.md and scale-growth.png from scale.json (written by `python -m assistant.bench.scale`).

The notes between NOTES_START and NOTES_END in an existing scale.md (how each figure grows,
where the next bottleneck is: written by hand from the figures) are kept when it is written again.
"""

from __future__ import annotations

import json
from pathlib import Path

from .report import dig, fmt

NOTES_START, NOTES_END = "<!-- notes: kept when the report is written again -->", "<!-- end of notes -->"
GOAL_MS = 100  # hybrid p95 at 1M chunks through the server
SEARCH_ROWS = [("dense", "dense search"), ("bm25", "BM25 search"), ("hybrid", "hybrid search")]


def _sizes(results: dict) -> list[str]:
    return sorted(results["sizes"], key=int)


def _label(size: str) -> str:
    n = int(size)
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def _latency(figures: dict, *path) -> str:
    value = dig(figures, path)
    return "–" if not value else f"{fmt(value['p50_ms'])} / {fmt(value['p95_ms'])}"


def _mb(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def rows(figures: dict) -> list[tuple[str, str]]:
    """(label, cell) of one size, in table order."""
    build, m = figures.get("build", {}), figures.get("measure", {})
    disk = figures.get("disk_mb", {})
    out = [
        ("chunks in the server (count) / articles", f"{m.get('count', 0):,} / {build.get('documents', 0):,}"),
        ("build: ingest through `Index.ingest`, min", fmt(build.get("ingest_s", 0) / 60)),
        ("– parse, clean, chunk, plan (client), s", fmt(build.get("parse_chunk_plan_s"))),
        (f"– insert into the server (upserts of {build.get('upsert_batch')}), s", fmt(build.get("insert_s"))),
        ("– insert rate, chunks/s", fmt(build.get("insert_chunks_per_s"), 0)),
        ("– BM25 read back / index / save, s",
         f"{fmt(build.get('bm25_read_back_s'))} / {fmt(build.get('bm25_index_s'))} / {fmt(build.get('bm25_save_s'))}"),
        ("builder peak RSS / server peak RSS while building, MB", f"{_mb(build.get('peak_rss_mb'))} / {_mb(build.get('server_peak_rss_mb'))}"),
        ("store on disk: Chroma / BM25, MB", f"{_mb(disk.get('chroma'))} / {fmt(disk.get('bm25'))}"),
        ("server start / first query after it (loads the vector index), s",
         f"{fmt(figures.get('server_start_s'), 2)} / {fmt(m.get('first_query_s'), 2)}"),
        ("BM25 index loaded (not built) in the searching process, s", fmt(dig(m, ("bm25", "load_s")), 3)),
    ]
    for mode, label in SEARCH_ROWS:
        out.append((f"{label} p50 / p95, ms", _latency(m, "search", mode)))
    out += [
        ("searching process: RSS after BM25 load / peak, MB", f"{_mb(dig(m, ('bm25', 'rss_after_load_mb')))} / {_mb(m.get('peak_rss_mb'))}"),
        ("`chroma run` server: RSS after the searches / peak, MB", f"{_mb(figures.get('server_rss_mb'))} / {_mb(figures.get('server_peak_rss_mb'))}"),
        ("load average before → after the searches (2 cores, shared)", " → ".join(m.get("loadavg_before_after", []))),
    ]
    cpu = m.get("cpu")
    if cpu:
        out.append(("CPU during the searches: other processes / ours (searching process + server), cores",
                    f"{fmt(cpu['other_processes_cores'], 2)} / {fmt(cpu['measuring_and_server_cores'], 2)}"))
    return out


def _growth(results: dict) -> list[str]:
    """Each figure from the smallest to the largest size, as a factor (the data; the notes read it)."""
    sizes = _sizes(results)
    if len(sizes) < 2:
        return []
    lo, hi = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    span = int(hi["measure"]["count"]) / max(1, int(lo["measure"]["count"]))
    figures = [("dense p95", ("measure", "search", "dense", "p95_ms")), ("BM25 p95", ("measure", "search", "bm25", "p95_ms")),
               ("hybrid p95", ("measure", "search", "hybrid", "p95_ms")), ("BM25 load", ("measure", "bm25", "load_s")),
               ("searching process peak RSS", ("measure", "peak_rss_mb")), ("server RSS", ("server_rss_mb",)),
               ("Chroma on disk", ("disk_mb", "chroma")), ("BM25 on disk", ("disk_mb", "bm25")),
               ("insert rate", ("build", "insert_chunks_per_s"))]
    parts = []
    for name, path in figures:
        a, b = dig(lo, path), dig(hi, path)
        if a and b:
            parts.append(f"{name} ×{b / a:.2f}")
    return [f"From {_label(sizes[0])} to {_label(sizes[-1])} ({span:.0f}× the chunks): " + ", ".join(parts) + "."]


def _notes(path: Path) -> list[str]:
    if path.exists():
        text = path.read_text()
        if NOTES_START in text and NOTES_END in text:
            return [NOTES_START + text.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0] + NOTES_END]
    return [NOTES_START, "", "(How each figure grows and where the next bottleneck is: to be written from the figures.)", "", NOTES_END]


def write_scale_report(results: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    sizes = _sizes(results)
    image = plot(results, out)
    v = results.get("vectors", {})
    largest = results["sizes"][sizes[-1]] if sizes else {}
    goal = dig(largest, ("measure", "search", "hybrid", "p95_ms"))
    lines = [
        "# Scale: search on large stores through a `chroma run` server (store-only, synthetic vectors)",
        "",
        "Commands: " + ", then ".join(f"`{c}`" for c in results.get("commands", [])) +
        f" on {results.get('machine', '')}; figures in `scale.json`. The searches wait for a quiet machine (less than "
        "0.6 cores busy); what other processes used meanwhile is in the table (CPU during the searches); builds may "
        "have shared the machine (load average after the build in `scale.json`).",
        "",
        "**What is real and what is synthetic.** The texts are synthetic German articles (sentences of the five "
        "articles recombined, `assistant/bench/synthetic.py`, seeded), written into a real `chroma run` server by our "
        "own ingestion (`Index.ingest`: cleaning, chunking, ids `doc#n`, the metadata and markers, the collection "
        "stamped with the e5 model name and dimension, the revision; the German BM25 index built and saved for that "
        "revision). Only the embedding is swapped: the **vectors are synthetic**. "
        f"{v.get('count', '?'):,} chunks of other synthetic articles were embedded for real with our e5 "
        f"({v.get('e5_runtime', '?')} runtime); each stored chunk gets one of those vectors (chosen by a hash of its text) "
        f"plus Gaussian noise of norm {v.get('sigma', '?')}, renormalised (`SyntheticE5` in `assistant/bench/scale.py`). "
        f"Median cosines: a synthetic vector to its real base {v.get('synthetic_to_its_base_cosine_median', '?')}, two "
        f"synthetic vectors of the same base {v.get('synthetic_siblings_cosine_median', '?')}; among the real vectors, "
        f"a vector to its nearest neighbour {v.get('real_nearest_neighbour_cosine_median', '?')}, any two "
        f"{v.get('real_any_pair_cosine_median', '?')}. The questions (the {dig(largest, ('measure', 'search', 'hybrid', 'n')) or '?'} "
        "searches per mode are the dev questions, twice) are embedded by the real model in the measuring process. "
        "Whether the expected article comes first is meaningless on such rows and is not reported.",
        "",
        "**How it is measured.** Per size: the store is built in one process, the server is restarted, then a fresh "
        "process (like the bench worker) opens our `Retriever` with `ASSISTANT_CHROMA_URL`, loads the saved BM25 index "
        "(a rebuild there is an error), and times dense, BM25 and hybrid search (k=5, after one warm-up) over "
        "`eval/questions.jsonl`; peak RSS is that process's VmHWM, the server's RSS is read from `/proc`.",
        "",
        "## Goal",
        "",
        "| goal | limit | measured | met |",
        "|---|---|---|---|",
        f"| hybrid search p95 at {_label(sizes[-1]) if sizes else '?'} chunks through the server | < {GOAL_MS} ms | "
        f"{fmt(goal)} ms | {'–' if goal is None else ('yes' if goal < GOAL_MS else 'no')} |",
    ]
    if not sizes:
        lines = lines[:-1]
    for size, facts in results.get("not_measured", {}).items():
        lines.append(f"| hybrid search p95 at {_label(size)} chunks through the server | < {GOAL_MS} ms | not measured | – |")
    bench = out / "bench.json"
    embedded = dig(json.loads(bench.read_text()), ("sizes", "100000", "ours", "search", "hybrid", "p95_ms")) if bench.exists() else None
    if embedded is not None:
        lines.append(f"| hybrid search p95 at 100k chunks, embedded store, real vectors (`assistant bench`, bench.md) | < 50 ms | "
                     f"{fmt(embedded)} ms | {'yes' if embedded < 50 else 'no'} |")
    lines += ["", "## Figures per size", "",
              "| figure | " + " | ".join(_label(s) for s in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    table = [rows(results["sizes"][s]) for s in sizes]
    for i, (label, _) in enumerate(table[0] if table else []):
        lines.append(f"| {label} | " + " | ".join(t[i][1] for t in table) + " |")
    steps = [list(dig(results["sizes"][s], ("measure", "breakdown")) or {}) for s in sizes]
    if steps and steps[-1]:
        lines += ["", "## Where a hybrid search spends its time", "",
                  "Each step on its own, once per dev question, p50 / p95 in ms. A hybrid search is: the revision and "
                  "model check, the question's embedding, the dense query, BM25, the fusion, then the passages.", "",
                  "| step | " + " | ".join(_label(s) for s in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
        for step in steps[-1]:
            lines.append(f"| {step} | " + " | ".join(_latency(results['sizes'][s], 'measure', 'breakdown', step) for s in sizes) + " |")
    for size, facts in results.get("not_measured", {}).items():
        lines += ["", f"## {_label(size)} chunks: not measured", ""] + facts["lines"]
    before = results.get("before")
    if before:
        lines += ["", "## Before / after", ""] + before
    lines += ["", "## Growth and the next bottleneck", ""] + _growth(results) + ["", f"![growth]({image})", ""] + _notes(out / "scale.md")
    path = out / "scale.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def plot(results: dict, out: Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _sizes(results)
    xs = [results["sizes"][s]["measure"]["count"] for s in sizes]
    bench_path = out / "bench.json"
    bench = json.loads(bench_path.read_text()).get("sizes", {}) if bench_path.exists() else {}
    bench_sizes = sorted((s for s in bench if s.isdigit()), key=int)

    def series(path):
        return [(x, dig(results["sizes"][s], path)) for x, s in zip(xs, sizes) if dig(results["sizes"][s], path) is not None]

    def bench_series(system, path):
        return [(dig(bench[s], (system, "chunks")), dig(bench[s], (system,) + path)) for s in bench_sizes
                if dig(bench[s], (system,) + path) is not None]

    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    panels = axes.flat
    for ax, stat in zip((next(panels), next(panels)), ("p95_ms", "p50_ms")):
        for mode, style in (("dense", "o-"), ("bm25", "s-"), ("hybrid", "^-")):
            points = series(("measure", "search", mode, stat))
            if points:
                ax.plot(*zip(*points), style, label=f"{mode}, server, synthetic vectors")
        for system, style, what in (("ours", "k^--", "hybrid, embedded, real vectors (bench)"),
                                    ("server", "m^:", "hybrid, server, real vectors (bench)")):
            points = bench_series(system, ("search", "hybrid", stat))
            if points:
                ax.plot(*zip(*points), style, label=what)
        if stat == "p95_ms":
            ax.axhline(GOAL_MS, color="r", lw=0.8, ls="--", label=f"goal at 1M: {GOAL_MS} ms")
        ax.set_title(f"search {stat[:3]}, ms (k=5, {len(xs) and dig(results['sizes'][sizes[-1]], ('measure', 'search', 'hybrid', 'n'))} searches)")
        ax.set_ylabel("ms")
        ax.legend(fontsize=7)
    def lines_panel(title: str, lines) -> None:
        """One panel: a line per (path into a size's results, style, label) that has figures."""
        ax = next(panels)
        for path, style, label in lines:
            points = series(path)
            if points:
                ax.plot(*zip(*points), style, label=label)
        ax.set_title(title)
        ax.legend(fontsize=7)

    lines_panel("start-up costs, s", ((("measure", "bm25", "load_s"), "o-", "BM25 load (searching process)"),
                                      (("server_start_s",), "s-", "server start"),
                                      (("measure", "first_query_s"), "^-", "first query after start")))
    lines_panel("memory, MB", ((("measure", "peak_rss_mb"), "o-", "searching process, peak"),
                               (("server_rss_mb",), "s-", "chroma server after the searches"),
                               (("build", "peak_rss_mb"), "^--", "builder (ingest), peak")))
    lines_panel("on disk, MB", ((("disk_mb", "chroma"), "o-", "Chroma store"), (("disk_mb", "bm25"), "s-", "BM25 index")))
    ax = next(panels)
    points = series(("build", "insert_chunks_per_s"))
    if points:
        ax.plot(*zip(*points), "o-", label="insert into the server")
    parse = [(x, results["sizes"][s]["build"]["chunks_written"] / results["sizes"][s]["build"]["parse_chunk_plan_s"])
             for x, s in zip(xs, sizes) if dig(results["sizes"][s], ("build", "parse_chunk_plan_s"))]
    if parse:
        ax.plot(*zip(*parse), "s-", label="parse + chunk (client)")
    points = bench_series("ours", ("ingest", "chunks_per_s"))
    if points:
        ax.plot(*zip(*points), "k^--", label="real ingest with e5 (bench)")
    ax.set_title("build rate, chunks/s")
    ax.legend(fontsize=7)
    for ax in axes.flat:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("chunks")
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "scale-growth.png", dpi=90)
    plt.close(fig)
    return "scale-growth.png"
