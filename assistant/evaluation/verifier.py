"""The verifier measured on hand-labelled pairs (eval/support-pairs.jsonl): for each answer sentence
and its numbered passages, does grounding.score_sentences judge the claim supported by the passages
it cites? Precision and recall of "supported", overall, per language and per kind of pair, on a
fit half (the only pairs the claim checks' bars were chosen on) and a held-out half (split_half),
and for the verifier before the claim checks (cosine and numbers only) for comparison.

    assistant eval-verifier            # writes eval/results/verifier.md and verifier.json
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from pathlib import Path

from ..config import PROJECT_DIR, Settings
from ..embeddings import load_embedding_model
from ..claim_check import ClaimChecks
from ..grounding import reattribute, score_sentences

PAIRS = PROJECT_DIR / "eval" / "support-pairs.jsonl"


SPLIT_RULE = ("within each (batch, category, language) group, pairs sorted by the SHA-256 hex digest of their id; "
              "even ranks (0, 2, …) are the fit half, odd ranks the held-out half")


def split_half(pairs: list[dict]) -> dict[str, str]:
    """id -> "fit" or "held-out" (SPLIT_RULE): deterministic, and balanced per batch, category and language
    (a later batch never moves a pair of an earlier one between the halves)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for pair in pairs:
        groups[(pair.get("batch", 1), pair["category"], pair["lang"])].append(pair)
    half = {}
    for group in groups.values():
        for rank, pair in enumerate(sorted(group, key=lambda p: hashlib.sha256(p["id"].encode()).hexdigest())):
            half[pair["id"]] = "fit" if rank % 2 == 0 else "held-out"
    return half


def checks_of(settings: Settings) -> ClaimChecks:
    return ClaimChecks.from_settings(settings.grounding)


def before_checks(settings: Settings) -> Settings:
    """The verifier as it was before the claim checks: cosine and numbers only, bars 0.78 (German) and 0.88 (English)."""
    g = settings.grounding.model_copy(update={"support_threshold": 0.78, "support_threshold_en": 0.88, "max_unsupported_words": 1.0,
                                              "max_unsupported_words_en": 1.0, "clause_threshold": 0.0,
                                              "clause_threshold_en": 0.0, "numbers_near_evidence": False})
    return settings.model_copy(update={"grounding": g})


def verdict(pair: dict, embeddings, settings: Settings) -> tuple[bool, list]:
    """Supported when every sentence the verifier finds in the answer is supported (what the chain keeps)."""
    sentences = score_sentences(pair["answer"], pair["passages"], embeddings, settings.grounding.support_threshold,
                                settings.grounding.support_threshold_en, checks_of(settings))
    return bool(sentences) and all(s.supported for s in sentences), sentences


def precision_recall(rows: list[dict]) -> dict:
    said = [r for r in rows if r["judged"]]
    true = [r for r in rows if r["supported"]]
    hits = sum(1 for r in said if r["supported"])
    return {"pairs": len(rows), "precision": round(hits / len(said), 3) if said else None,
            "recall": round(hits / len(true), 3) if true else None,
            "accuracy": round(sum(r["judged"] == r["supported"] for r in rows) / len(rows), 3) if rows else None}


def reattributed_to(pair: dict, sentences: list, embeddings, settings: Settings) -> list[int] | None:
    """The chain's second chance for a failed pair (grounding.reattribute): the passages its
    sentences are re-cited to when all then stand supported, else None."""
    g = settings.grounding
    reattribute(sentences, pair["passages"], embeddings, g.support_threshold, g.support_threshold_en, checks_of(settings))
    if not sentences or not all(s.supported for s in sentences):
        return None
    return sorted({n for s in sentences for n in s.citations})


def reattribution_figures(rows: list[dict]) -> dict:
    """Of the wrong-neighbour pairs: re-cited to a passage that supports the claim (right), to
    another (wrong), or left failed. Of the pairs no passage supports: wrongly rescued."""
    neighbour = [r for r in rows if r["category"] == "wrong-neighbour" and not r["judged"]]
    right = sum(1 for r in neighbour if r["reattributed_to"] and set(r["reattributed_to"]) <= set(r["supported_by"]))
    moved = sum(1 for r in neighbour if r["reattributed_to"])
    unsupported = [r for r in rows if not r["supported_by"] and r["category"] != "wrong-neighbour" and not r["judged"]]
    return {"wrong_neighbour": len(neighbour), "recited_right": right, "recited_wrong": moved - right,
            "unsupported": len(unsupported), "unsupported_rescued": sum(1 for r in unsupported if r["reattributed_to"])}


def load_pairs(pairs_path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in pairs_path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge_pairs(pairs: list[dict], embeddings, settings: Settings) -> list[dict]:
    half = split_half(pairs)
    rows = []
    for pair in pairs:
        judged, sentences = verdict(pair, embeddings, settings)
        rows.append({"id": pair["id"], "lang": pair["lang"], "category": pair["category"], "half": half[pair["id"]],
                     "supported": pair["supported"], "judged": judged,
                     "sentences": [(s.text, s.supported, s.score, s.reason) for s in sentences],
                     "reattributed_to": reattributed_to(pair, sentences, embeddings, settings) if not judged else None,
                     "supported_by": pair.get("supported_by", [])})
    return rows


def figures_of(rows: list[dict]) -> dict:
    return {"overall": precision_recall(rows), "reattribution": reattribution_figures(rows),
            "by_language": {lang: precision_recall([r for r in rows if r["lang"] == lang]) for lang in ("de", "en")},
            "by_category": {c: precision_recall([r for r in rows if r["category"] == c])
                            for c in sorted({r["category"] for r in rows})}}


def measure(settings: Settings, pairs_path: Path = PAIRS, before: bool = False) -> tuple[dict, list[dict]]:
    """Figures on all pairs (top level, as before the split) and per half ("fit", "held-out");
    with `before`, the same for the verifier without the claim checks under "before"."""
    embeddings = load_embedding_model(settings).embeddings
    pairs = load_pairs(pairs_path)
    rows = judge_pairs(pairs, embeddings, settings)
    figures = figures_of(rows)
    figures["halves"] = {h: figures_of([r for r in rows if r["half"] == h]) for h in ("fit", "held-out")}
    figures["split_rule"] = SPLIT_RULE
    if before:
        old = judge_pairs(pairs, embeddings, before_checks(settings))
        figures["before"] = {"all": figures_of(old), **{h: figures_of([r for r in old if r["half"] == h]) for h in ("fit", "held-out")}}
    return figures, rows


class _Memo:
    """Embeddings with each document's vector kept: the fit grid judges the same texts many times."""

    def __init__(self, embeddings):
        self._embeddings, self._vectors = embeddings, {}

    def embed_documents(self, texts: list[str]):
        new = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if new:
            self._vectors.update(zip(new, self._embeddings.embed_documents(new)))
        return [self._vectors[t] for t in texts]

    def __getattr__(self, name):
        return getattr(self._embeddings, name)


# The bars tried on the fit half, per language of the answer sentence (the two languages' bars are
# separate settings and a pair's sentences are of one language, so each language is fitted alone).
GRID = {
    "de": {"support_threshold": [0.76, 0.78, 0.80], "support_word_similarity": [0.90, 0.93, 0.95, 1.0],
           "max_unsupported_words": [0.2, 0.25, 0.3, 0.35, 0.4, 1.0], "clause_threshold": [0.0, 0.80, 0.82]},
    "en": {"support_threshold_en": [0.84, 0.85, 0.86, 0.87, 0.88], "max_unsupported_words_en": [0.3, 0.4, 0.5, 1.0],
           "clause_threshold_en": [0.0, 0.79, 0.80, 0.81, 0.82, 0.83]},
}
FIT_COST = "2 × false accepts + false rejects (a wrongly kept sentence costs twice a wrongly dropped one)"


def fit_bars(settings: Settings, pairs_path: Path = PAIRS) -> dict:
    """The bars of GRID with the lowest FIT_COST on the fit half only, German first (it sets the word
    similarity bar the English word check would use), then English; ties keep the earlier grid value
    (the stricter-to-looser order of each list). Returns the settings chosen and the top rows."""
    embeddings = _Memo(load_embedding_model(settings).embeddings)
    pairs = load_pairs(pairs_path)
    half = split_half(pairs)
    fit = [p for p in pairs if half[p["id"]] == "fit"]
    chosen, tables = {}, {}
    for lang in ("de", "en"):
        pairs = [p for p in fit if p["lang"] == lang]
        grid, scored = GRID[lang], []
        for values in itertools.product(*grid.values()):
            update = {**chosen, **dict(zip(grid, values))}
            trial = settings.model_copy(update={"grounding": settings.grounding.model_copy(update=update)})
            said = [(verdict(p, embeddings, trial)[0], p["supported"]) for p in pairs]
            fa = sum(1 for v, y in said if v and not y)
            fr = sum(1 for v, y in said if y and not v)
            scored.append((2 * fa + fr, fa, fr, dict(zip(grid, values))))
        scored.sort(key=lambda row: row[0])  # stable: ties keep grid order
        chosen.update(scored[0][3])
        tables[lang] = scored[:10]
    return {"chosen": chosen, "top": tables, "pairs": {lang: sum(1 for p in fit if p["lang"] == lang) for lang in ("de", "en")}}


def write_fit(fitted: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# The claim checks' bars, searched on the fit half of the support pairs", "",
             "Command: `.venv/bin/assistant eval-verifier --fit`. Split: " + SPLIT_RULE + f" (fit: {fitted['pairs']['de']} German, "
             f"{fitted['pairs']['en']} English pairs). Cost: {FIT_COST}. The held-out half is never read here.", "",
             f"Chosen: `{json.dumps(fitted['chosen'])}` (the defaults in assistant/config.py, GroundingSettings).", ""]
    for lang, rows in fitted["top"].items():
        lines += [f"## {lang}: the 10 lowest costs", "", "| cost | false accepts | false rejects | bars |", "|---|---|---|---|"]
        lines += [f"| {cost} | {fa} | {fr} | `{json.dumps(bars)}` |" for cost, fa, fr, bars in rows]
        lines.append("")
    path = out / "verifier-fit.md"
    path.write_text("\n".join(lines))
    return path


def _cells(group: dict | None) -> str:
    if group is None:
        return "– | – | –"
    return " | ".join("–" if group[k] is None else str(group[k]) for k in ("precision", "recall", "accuracy"))


def _table(by_half: dict) -> list[str]:
    """One row per group (all, language, category), precision / recall / accuracy for each half."""
    halves = list(by_half)
    head = " | ".join(f"{h} P | {h} R | {h} acc" for h in halves)
    lines = [f"| pairs (fit / held-out / all) | {head} |", "|---" * (1 + 3 * len(halves)) + "|"]
    names = [("all", None)] + [(lang, "by_language") for lang in ("de", "en")] + \
        [(c, "by_category") for c in by_half[halves[-1]]["by_category"]]
    for name, key in names:
        groups = [by_half[h]["overall"] if key is None else by_half[h][key].get(name) for h in halves]
        counts = " / ".join(str(g["pairs"]) if g else "0" for g in groups)
        lines.append(f"| {name} ({counts}) | " + " | ".join(_cells(g) for g in groups) + " |")
    return lines


def write_report(figures: dict, rows: list[dict], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "verifier.json").write_text(json.dumps({"figures": figures, "rows": rows}, ensure_ascii=False, indent=1))
    o, halves = figures["overall"], figures["halves"]
    now = {"fit": halves["fit"], "held-out": halves["held-out"], "all": figures}
    lines = ["# The verifier on hand-labelled pairs", "",
             f"Command: `.venv/bin/assistant eval-verifier` over `eval/support-pairs.jsonl` ({o['pairs']} pairs, "
             "see eval/support-pairs.md). \"Supported\" = every sentence the verifier finds in the answer is supported "
             "by the passages it cites. Goal (issue 15): precision ≥ 0.95, recall ≥ 0.9.", "",
             f"**Split** (assistant/evaluation/verifier.py, `split_half`): {figures['split_rule']}. The claim checks "
             "(assistant/claim_check.py) and the bars in GroundingSettings were designed and chosen on the fit half only "
             "(`assistant eval-verifier --fit`, eval/results/verifier-fit.md); the held-out half is the honest figure.", "",
             "| | fit P | fit R | held-out P | held-out R | all P | all R |", "|---|---|---|---|---|---|---|"]
    if "before" in figures:
        b = figures["before"]
        lines.append("| before (cosine + numbers only) | " + " | ".join(
            f"{b[h]['overall']['precision']} | {b[h]['overall']['recall']}" for h in ("fit", "held-out", "all")) + " |")
    lines.append("| with the claim checks | " + " | ".join(
        f"{now[h]['overall']['precision']} | {now[h]['overall']['recall']}" for h in ("fit", "held-out", "all")) + " |")
    lines += ["", "## With the claim checks (the current settings)", "", *_table(now)]
    if "before" in figures:
        lines += ["", "## Before: cosine and numbers only (English bar 0.88, German 0.78)", "",
                  *_table({"fit": figures["before"]["fit"], "held-out": figures["before"]["held-out"], "all": figures["before"]["all"]})]
    ra = figures["reattribution"]
    lines += ["", "## Re-attribution (the chain's second chance for a failed sentence)", "",
              f"Of {ra['wrong_neighbour']} wrong-neighbour pairs judged unsupported as cited, {ra['recited_right']} are re-cited "
              f"to a passage that supports the claim, {ra['recited_wrong']} to one that does not. Of {ra['unsupported']} "
              f"unsupported pairs with no supporting passage (other negative categories), {ra['unsupported_rescued']} "
              "are wrongly rescued by re-citing."]
    lines += ["", "Precision or recall is empty (–) where a group has no pair judged or labelled supported "
              "(the negative categories): there accuracy is the share correctly judged unsupported.", "",
              "## Wrong verdicts", ""]
    for r in rows:
        if r["judged"] != r["supported"]:
            detail = "; ".join(f"{'✓' if ok else '✗'} {score} {reason}".strip() for _, ok, score, reason in r["sentences"])
            lines.append(f"- {r['id']} ({r['half']}, {r['category']}, {r['lang']}): labelled {'supported' if r['supported'] else 'unsupported'}, "
                         f"judged {'supported' if r['judged'] else 'unsupported'} — {detail}")
    pipeline = out / "verifier-notes.md"  # findings and the local model's run before and after (written by hand)
    if pipeline.exists():
        lines += ["", pipeline.read_text().strip()]
    path = out / "verifier.md"
    path.write_text("\n".join(lines) + "\n")
    return path
