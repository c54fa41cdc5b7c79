"""The eval suite, and the CI gate: a regression in retrieval or grounding fails here."""

import json

import pytest

from assistant.errors import AssistantError
from assistant.evaluation.metrics import answer_language, facts_covered, summarize
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import run_eval
from conftest import PROJECT_DIR, run_cli

DEV_SET = PROJECT_DIR / "eval" / "questions.jsonl"
TEST_SET = PROJECT_DIR / "eval" / "questions-test.jsonl"

# The CI gate uses the held-out test file (eval/README.md: the dev file tunes, the test file judges).
# Bars: the measured values (eval/results/extractive-test/report.md) minus a small margin.
CI_GATE = {
    "hit@1": 0.84,  # measured 0.88 at stop 40, 0.90 before (dev 0.944 on 974 questions, holdout 0.889)
    "mrr": 0.89,  # measured 0.927 at stop 40 (dev 0.962, holdout 0.907)
    "fact_recall": 0.70,  # measured 0.793 at stop 40, 0.813 at stop 39 (dev 0.875, holdout 0.722)
    "citation_validity": 1.0,
    "citation_support": 0.99,  # extractive quotes: 1.0
    "refusal_accuracy": 0.83,  # measured 0.90: near-miss 0.875, far 1.0 (dev 0.939, holdout 0.792; eval/README.md)
    "answer_language_match": 0.95,  # measured 0.99
}
MAX_FALSE_REFUSAL_RATE = 0.10  # measured 0.04 (2 of 50; dev 23 of 712, holdout 2 of 36): the target is 0.05, see eval/README.md


def test_dev_set_meets_the_issue_requirements():
    questions = load_questions(DEV_SET)
    assert len(questions) >= 60
    langs = [q["lang"] for q in questions]
    assert abs(langs.count("de") - langs.count("en")) <= 1
    assert sum(not q["answerable"] for q in questions) >= 12
    assert sum(len(q["gold_docs"]) >= 2 for q in questions) >= 4
    assert {d for q in questions for d in q["gold_docs"]} == {p.stem for p in (PROJECT_DIR / "corpus").glob("*.txt")}


def test_no_dev_question_repeats_a_holdout_question():
    # a helper writing dev questions from the articles alone wrote one holdout question word for word (stop 31)
    holdout = {q["question"].strip().lower() for q in load_questions(DEV_SET.parent / "questions-holdout.jsonl")}
    assert not holdout & {q["question"].strip().lower() for q in load_questions(DEV_SET)}


def test_held_out_test_set_meets_the_issue_requirements():
    questions = load_questions(TEST_SET)
    dev = {q["question"] for q in load_questions(DEV_SET)}
    assert len(questions) >= 60 and not dev & {q["question"] for q in questions}
    langs = [q["lang"] for q in questions]
    assert langs.count("de") == langs.count("en")
    styles = [q["style"] for q in questions]
    assert styles.count("near-miss") >= 20 and all(not q["answerable"] for q in questions if q["style"] == "near-miss")
    for style in ("paraphrase", "by-description", "list", "multi-article", "metadata"):
        assert styles.count(style) >= 5, style


@pytest.fixture(scope="module")
def extractive_eval(ready_index, tmp_path_factory):
    out = tmp_path_factory.mktemp("eval")
    summary = run_eval(TEST_SET, ["extractive"], out, ready_index.settings, baseline=True, progress=False)
    return summary, out


def test_ci_gate_extractive_on_the_held_out_test_set(extractive_eval):
    summary, _ = extractive_eval
    overall = summary["backends"]["extractive"]["overall"]
    failures = {m: overall[m] for m, bar in CI_GATE.items() if overall[m] < bar}
    assert not failures, f"below the CI gate: {failures} (bars {CI_GATE})"
    assert overall["false_refusal_rate"] <= MAX_FALSE_REFUSAL_RATE


def test_eval_writes_results_summary_report_and_plots(extractive_eval):
    summary, out = extractive_eval
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == len(load_questions(TEST_SET))
    for key in ("id", "lang", "question", "answer", "answer_lang", "refused", "citations", "retrieved", "sentences", "backend", "model", "latency_s", "ttft_s"):
        assert key in rows[0]
    assert json.loads((out / "summary.json").read_text())["backends"]["extractive"]["overall"]["questions"] == len(rows)
    report = (out / "report.md").read_text()
    assert "## Retrieval: ours vs the naive LangChain rag-chroma template" in report and "## Worst questions" in report
    for png in ("metrics.png", "latency.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Our retrieval beats the naive template on the same questions.
    assert summary["baseline"]["overall"]["mrr"] < summary["backends"]["extractive"]["overall"]["mrr"]


def test_any_question_file_in_the_format_runs_through_the_cli(tmp_path):
    questions = tmp_path / "mine.jsonl"
    questions.write_text(
        json.dumps({"id": "x1", "lang": "de", "question": "Was bedeutet socius?", "answerable": True,
                    "gold_docs": ["000_d8e9858a35932665"], "facts": [["gemeinsam"]]}) + "\n"
        + json.dumps({"id": "x2", "lang": "en", "question": "Who won the 2014 World Cup?", "answerable": False,
                      "gold_docs": [], "facts": []}) + "\n"
    )
    out = tmp_path / "out"
    result = run_cli("--data-dir", str(tmp_path / "data"), "eval", "--questions", str(questions), "--out", str(out), "--no-baseline")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["x1", "x2"]
    assert "gemeinsam" in rows[0]["answer"] and rows[1]["refused"]


def test_retrieval_modes_are_compared_on_both_files_and_hybrid_holds_against_dense(tmp_path):
    out = tmp_path / "retrieval.md"
    # the dev file (886 questions × 12 configurations, 7 of CI's minutes) is left out: its figures are in the
    # recorded eval/results/retrieval.md; the verdict is read on the test file
    result = run_cli("--data-dir", str(tmp_path / "data"), "eval-retrieval", "--out", str(out), "--files", "test,holdout", timeout=900)
    assert result.returncode == 0, result.stderr
    rows = [line.split(" | ") for line in out.read_text().splitlines() if line.startswith("| bm25 |")]
    figures = {(r[1], r[2], r[3]): (float(r[6]), float(r[7])) for r in rows}  # (mode, references, rerank) -> test hit@1, MRR
    assert len(rows) == 12 and len(out.read_text().splitlines()) >= 27
    assert all(r[4] == "–" and r[11] == "–" for r in rows) and all(float(r[9]) > 0.5 for r in rows)  # dev, tests/data skipped; holdout run
    bad = run_cli("--data-dir", str(tmp_path / "data"), "eval-retrieval", "--out", str(out), "--files", "dev,holdout")
    assert bad.returncode != 0 and "must include test" in bad.stderr
    default, dense = figures[("hybrid", "yes", "yes")], figures[("dense", "yes", "yes")]
    assert default >= dense, (default, dense)  # issue 16: hybrid never worse than dense alone on the test file
    assert default[0] >= figures[("hybrid", "yes", "no")][0]  # the rerank does not lose what hybrid found
    assert "hybrid is not worse than dense alone on the test file" in out.read_text()


def test_broken_question_files_get_a_clear_message(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "x"}\n')
    with pytest.raises(AssistantError, match="missing field"):
        load_questions(bad)
    bad.write_text("{not json\n")
    with pytest.raises(AssistantError, match="not valid JSON"):
        load_questions(bad)


def test_metric_helpers():
    assert facts_covered("Es sind 70 Prozent.", [["70 Prozent", "70%"], ["Banken"]]) == [True, False]
    assert answer_language("The articles are in German: „Das ist ein deutscher Satz über Banken.“ [1]") == "en"
    rows = [
        {"answerable": True, "refused": False, "retrieved": [{"doc_id": "b"}, {"doc_id": "a"}], "gold_docs": ["a"],
         "facts": [["x"]], "answer": "x", "citations": [{"n": 1, "doc_id": "a"}], "sentences": [{"supported": True}],
         "lang": "de", "answer_lang": "de", "latency_s": 1.0, "ttft_s": 0.5, "invalid_citations": []},
        {"answerable": False, "refused": True, "retrieved": [], "gold_docs": [], "facts": [], "answer": "", "citations": [],
         "sentences": [], "lang": "en", "answer_lang": "en", "latency_s": 3.0, "ttft_s": 0.1, "invalid_citations": []},
    ]
    s = summarize(rows)
    assert s["hit@1"] == 0 and s["mrr"] == 0.5 and s["fact_recall"] == 1.0 and s["refusal_accuracy"] == 1.0
    assert s["citation_precision"] == 1.0 and s["false_refusals"] == 0


def test_two_real_runs_compared_per_metric_and_per_question(extractive_eval, ready_index, tmp_path):
    """The recorded held-out run against a second real run with a strict relevance gate: the
    comparison names the refusals that appeared, as worse, per question and per metric."""
    _, first = extractive_eval
    strict = tmp_path / "strict"
    strict_summary = run_eval(TEST_SET, ["extractive"], strict, ready_index.settings.replace(gate_threshold=0.9),
                              baseline=False, progress=False)
    done = run_cli("eval", "compare", str(first), str(strict), "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    deltas = result["metrics"]["extractive"]
    assert deltas["false_refusal_rate"] > 0 and deltas["fact_recall"] < 0
    changed = result["questions"]["extractive"]
    newly_refused = [q for q, changes in changed.items() if "refused now (wrong)" in changes]
    before = json.loads((first / "summary.json").read_text())["backends"]["extractive"]["overall"]["false_refusals"]
    after = strict_summary["backends"]["extractive"]["overall"]["false_refusals"]
    assert len(newly_refused) == after - before > 0  # a stricter gate only adds refusals
    report = (tmp_path / "cmp" / "compare.md").read_text()
    assert "| overall | false_refusal_rate |" in report and "| worse |" in report and "Settings changed" in report
    assert (tmp_path / "cmp" / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = run_cli("eval", "compare", str(first), str(tmp_path / "nothing"))
    assert bad.returncode != 0 and "is not an `assistant eval` run" in bad.stderr and "Traceback" not in bad.stderr


def test_the_calibration_decides_as_the_chain_does(ready_index):
    """eval-calibrate fits the refusal decision on stored decision inputs; with the settings in use it
    must refuse exactly what the chain refuses, or the fitted values are fitted to another decision
    (it once ignored the attribution rule and judged the test file one question worse)."""
    from assistant.chain import Assistant
    from assistant.evaluation.calibrate import GRID, decision_inputs, refused

    wanted = {"tde33", "ten39", "ten03", "tde05", "ten14", "tde22", "ten28", "tde36"}  # attribution, names, counts, roles, metadata
    questions = [q for q in load_questions(TEST_SET) if q["id"] in wanted]
    questions += [q for q in load_questions(DEV_SET) if q["id"] in {"d2de27", "d2en24", "d2de29", "de14", "en21",
                                                                   "en14", "d6de06", "d6de11", "d6en06", "d7de01", "d7de03", "d8de01", "d8de03", "d8en01",
                                                                   "d20en17", "d21de18"}]  # parts, names, survey, described, two named
    questions.append({"id": "fazit", "question": "Was steht im Fazit des Infobriefs?", "answerable": True})  # no similarity bar
    settings = ready_index.settings
    rows = decision_inputs(settings, questions)
    in_use = {key: settings.flat()[key] for key in GRID}
    assistant = Assistant(settings, ready_index)
    for q, row in zip(questions, rows):
        result = assistant.ask(q["question"], backend="extractive")
        assert refused(row, in_use) == result.refused, (q["id"], result.refusal_reason)


def test_the_grid_fit_decides_every_grid_point_as_refused_does():
    """fit() judges the whole grid with numpy at once; each point must refuse what refused() refuses."""
    import random

    from assistant.evaluation.calibrate import GRID, POINTS, _key, grid_refusals, refused

    rng = random.Random(0)
    rows = []
    for english, metadata in [(False, None), (True, None), (True, False), (False, True)] * 5:
        checks = {_key(ws, nw): {"coverage": rng.choice([0.2, 0.3, 0.45, 0.7, 1.0]), "type_found": rng.random() > 0.2,
                                 "attributed": rng.random() > 0.1, "second_found": True, "placed": rng.random() > 0.1}
                  for ws in GRID["answer_word_similarity"] for nw in GRID["answer_name_weight_en"]}
        rows.append({"english": english, "metadata_refused": metadata, "number_rule_refuses": rng.random() > 0.9,
                     "no_similarity_bar": rng.random() > 0.8, "checks": checks,
                     "best": {"passage": rng.uniform(0.72, 0.9), "sentence": rng.uniform(0.72, 0.95)}})
    for row in rows:
        decided = grid_refusals(row)
        for i in rng.sample(range(len(POINTS)), 300):
            assert bool(decided[i]) == refused(row, POINTS[i]), (row, POINTS[i])
    assert sum(0 < grid_refusals(row).sum() < len(POINTS) for row in rows) >= 5  # the grid's values decide
