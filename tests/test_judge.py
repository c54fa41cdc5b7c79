"""`assistant judge`: answers written elsewhere, judged against the real articles with the real
verifier (e5 weights from the package, the corpus index)."""

import json

import pytest

from assistant.chain import Assistant
from assistant.evaluation import judge_report
from assistant.evaluation.judge import Judge, load_answers
from assistant.errors import AssistantError
from conftest import CORPUS, run_cli

BANKS = ("In Wahrheit ist es umgekehrt. Das Internet ist längst keine Parallelwelt mehr. Bezogen auf Finanzdienstleiter hat "
         "z.B. die Online-Agentur Zieltraffic bereits vor einiger Zeit festgestellt, dass 70 Prozent der Diskussion rund um "
         "das Thema Banken über Social Media-Kanäle stattfindet.")
INVENTED = "Laut einer Studie der Universität Hamburg nutzen 93 Prozent aller Bäckereien in Norddeutschland TikTok für Werbung."

CRAFTED = [
    {"id": "faithful", "question": "Was bedeutet das lateinische Wort socius?",
     "answer": "Das Wort sozial kommt vom lateinischen socius und bedeutet gemeinsam.", "facts": [["gemeinsam"]]},
    {"id": "invented-number", "question": "Wie viel Prozent der Diskussion über Banken findet über Social-Media-Kanäle statt?",
     "answer": "Laut Zieltraffic finden 85 Prozent der Diskussion über Banken in sozialen Medien statt [1].",
     "contexts": [BANKS], "facts": [["70 Prozent"]]},
    {"id": "invented-source", "question": "Wie viele Bäckereien in Norddeutschland werben auf TikTok?",
     "answer": "93 Prozent aller Bäckereien in Norddeutschland nutzen TikTok für Werbung [1].", "contexts": [INVENTED],
     "cited_doc_ids": ["999_unbekannt"]},
    {"id": "wrong-citation", "question": "Which online agency found that most discussion about banks happens on social media?",
     "answer": "Zieltraffic found that 70 percent of the discussion about banks takes place on social media channels [2]. [7]",
     "contexts": [BANKS, INVENTED]},
    {"id": "should-refuse", "question": "Wie hoch war der Umsatz von Procter & Gamble im Jahr 2012?",
     "answer": "Der Umsatz von Procter & Gamble betrug 2012 rund 83 Milliarden Dollar.", "answerable": False},
    {"id": "refused-rightly", "question": "Wie wird das Wetter morgen in Berlin?",
     "answer": "Dazu enthalten die Artikel keine Informationen."},
    {"user_input": "What does the Latin word socius mean?", "response": "The word social comes from the Latin socius, which means together [1].",
     "retrieved_contexts": ["Ein Blick in den Duden belegt jedoch, dass das Wort sozial aus dem lateinischen socius abgeleitet "
                            "ist und dies bedeutet schlichtweg: gemeinsam."],
     "ground_truth": "socius means together (gemeinsam)"},
]


@pytest.fixture(scope="module")
def judged(ready_index, tmp_path_factory):
    path = tmp_path_factory.mktemp("judge") / "answers.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in CRAFTED) + "\n", encoding="utf-8")
    judge = Judge(Assistant(ready_index.settings, ready_index))
    rows = {row["id"]: row for row in (judge.judge(item) for item in load_answers(path))}
    return rows, judge


def test_a_faithful_answer_is_supported_with_its_evidence_in_the_article(judged):
    rows, _ = judged
    row = rows["faithful"]
    assert row["verdict"] == "answered" and row["fact_recall"] == 1.0
    [sentence] = row["sentences"]
    assert sentence["supported"] and sentence["evidence"]["doc_id"] == "000_d8e9858a35932665"
    article = (CORPUS / "000_d8e9858a35932665.txt").read_text(encoding="utf-8")
    assert "socius" in sentence["evidence"]["quote"] and sentence["evidence"]["quote"] in article


def test_an_invented_number_is_caught_although_the_context_is_real(judged):
    rows, _ = judged
    row = rows["invented-number"]
    assert row["contexts"][0]["found"] and row["contexts"][0]["doc_id"] == "000_d8e9858a35932665"
    [sentence] = row["sentences"]
    assert not sentence["supported"] and "85" in sentence["reason"] and sentence["cited_supported"] is False
    assert row["fact_recall"] == 0.0


def test_an_invented_source_is_caught_even_where_it_supports_the_answer(judged):
    rows, _ = judged
    row = rows["invented-source"]
    assert not row["contexts"][0]["found"] and row["cited_doc_ids"] == [{"doc_id": "999_unbekannt", "exists": False}]
    assert row["verdict"] == "answered although it should have refused"  # this assistant finds nothing on it
    [sentence] = row["sentences"]
    assert sentence["cited_supported"] is True  # the invented context says it ...
    assert not sentence["supported"]  # ... the articles do not


def test_a_wrong_and_an_invalid_citation_are_reported_while_the_claim_stands(judged):
    rows, _ = judged
    row = rows["wrong-citation"]
    assert row["invalid_citations"] == [7]
    [sentence] = row["sentences"]
    assert sentence["supported"] and sentence["cited"] == [2] and sentence["cited_supported"] is False


def test_refusals_are_judged_against_the_answerable_field_or_this_assistants_decision(judged):
    rows, _ = judged
    assert rows["should-refuse"]["verdict"] == "answered although it should have refused"
    assert rows["should-refuse"]["expected_by"] == "answerable field"
    assert rows["refused-rightly"]["verdict"] == "refused rightly"
    assert rows["refused-rightly"]["expected_by"] == "this assistant's refusal decision"


def test_ragas_fields_are_accepted(judged):
    rows, _ = judged
    row = rows["7"]  # no id: the line number
    assert row["question"].startswith("What does the Latin") and row["contexts"][0]["found"]
    assert row["sentences"][0]["supported"] and row["sentences"][0]["cited_supported"] is True
    assert row["answer_lang"] == "en" and row["fact_recall"] > 0.5


def test_the_report_names_every_problem(judged, tmp_path):
    rows, _ = judged
    summary = judge_report.write(list(rows.values()), tmp_path / "answers.jsonl", tmp_path / "out")
    o = summary["overall"]
    # should have refused: the Procter & Gamble revenue (answerable: false) and the bakeries (this assistant refuses)
    assert o["answers"] == 7 and o["should_have_refused"] == 2 and o["invented_contexts"] == 2
    assert o["cited_doc_ids_valid"] == 0.0
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for needle in ("unsupported", "number 85 not in cited passages", "context found nowhere in the articles",
                   "answered although it should have refused", "invalid citation [7]", "cited document id 999_unbekannt"):
        assert needle in report, needle
    assert (tmp_path / "out" / "metrics.png").stat().st_size > 10_000


def test_the_naive_baselines_answers_judged_from_the_command_line(ready_index, tmp_path):
    """Answers of the naive LangChain rag-chroma template (MiniLM, 1000-character chunks of the raw
    files): its top chunk's best-matching sentence, cited, with its four chunks as contexts."""
    from assistant.evaluation.baseline import NaivePipeline
    from assistant.evaluation.questions import load_questions
    from assistant.grounding import content_words
    from assistant.chunking import sentence_spans

    pipeline = NaivePipeline.built(CORPUS)
    questions = [q for q in load_questions(CORPUS.parent / "eval" / "questions.jsonl") if q["lang"] == "de"][:8]
    lines = []
    for q in questions:
        chunks = [d.page_content for d in pipeline.store.similarity_search(q["question"], k=4)]
        top = chunks[0]
        sentences = [top[s:e] for s, e in sentence_spans(top)]
        best = max(sentences, key=lambda s: len(content_words(s) & content_words(q["question"])))
        lines.append(json.dumps({"id": q["id"], "question": q["question"], "answer": f"{best} [1]", "contexts": chunks,
                                 "facts": q["facts"], "answerable": q["answerable"]}, ensure_ascii=False))
    answers = tmp_path / "naive.jsonl"
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"ASSISTANT_DATA_DIR": str(ready_index.settings.data_dir), "HF_HUB_OFFLINE": "1"}
    done = run_cli("judge", str(answers), "--out", str(tmp_path / "out"), env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())["overall"]
    assert summary["answers"] == 8
    assert summary["contexts_found"] >= 0.8  # the naive chunks are article text, raw files though
    assert summary["grounded_sentences"] >= 0.8  # quoted sentences: the verifier must find them
    results = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert all(s["evidence"] for r in results for s in r["sentences"])


def test_a_bad_answers_file_gets_a_clear_message(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "Was ist Social Media?"}\n', encoding="utf-8")
    with pytest.raises(AssistantError, match="bad.jsonl:1: needs a 'question'"):
        load_answers(path)
    done = run_cli("judge", str(path))
    assert done.returncode != 0 and "needs a 'question'" in done.stderr and "Traceback" not in done.stderr


def _items(*ids):
    return [dict(a, id=a["id"], contexts=a.get("contexts"), cited_doc_ids=None, reference=None, lang=None, gold_docs=None,
                 answerable=a.get("answerable"), facts=a.get("facts")) for a in CRAFTED if a.get("id") in ids]


def test_an_llm_second_opinion_is_reported_beside_the_verifier_never_instead(ready_index, tmp_path):
    """A real OpenAI-compatible server whose model says every claim is supported: its verdicts are
    recorded and their agreement reported; the verifier's verdicts stand."""
    from scripted_llm import scripted_chat_server

    with scripted_chat_server('{"supported": true}') as url:
        assistant = Assistant(ready_index.settings.replace(openai_base_url=url, llm_retries=0), ready_index)
        judge = Judge(assistant, assistant.backend("openai"))
        rows = [judge.judge(item) for item in _items("faithful", "invented-number")]
    faithful, invented = (r["sentences"][0] for r in rows)
    assert (faithful["supported"], faithful["llm_supported"]) == (True, True)
    assert (invented["supported"], invented["llm_supported"]) == (False, True)
    summary = judge_report.write(rows, tmp_path / "a.jsonl", tmp_path / "out", llm_label="openai (scripted)")
    assert summary["llm_judge"]["agreement"] == 0.5 and summary["llm_judge"]["only_llm_supported"] == 1
    assert summary["overall"]["grounded_sentences"] == 0.5
    assert "agreement with the verifier 0.500" in (tmp_path / "out" / "report.md").read_text()


def test_the_llm_judge_through_the_local_model_process_and_its_grammar(ready_index, tiny_model):
    """The llamacpp backend (a real quantized GGUF in its own llama_cpp.server process) answers the
    yes/no grammar: every sentence with evidence gets a boolean second opinion."""
    settings = ready_index.settings.replace(llamacpp_model=str(tiny_model))
    assistant = Assistant(settings, ready_index)
    backend = assistant.backend("llamacpp")
    assert backend.wait_ready(120) is None
    rows = [Judge(assistant, backend).judge(item) for item in _items("faithful")]
    assert isinstance(rows[0]["sentences"][0]["llm_supported"], bool)
