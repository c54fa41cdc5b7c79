"""English questions moved toward German ones before they rank the (German) passages and sentences.

A multilingual embedding model places a question and its translation close, but not together:
every English question sits a little off in one shared direction (the "language component";
Libovický et al. 2020, "On the language neutrality of pre-trained multilingual representations").
Against German text that offset is noise: e5-small's scores of the five articles came within
0.01–0.02 of each other for English paraphrases. Subtracting the mean difference between English
and German questions that say the same thing removes it. The direction is measured on hand-written
parallel question pairs (assistant/data/parallel-questions.jsonl: marketing, business and everyday
questions, none from an eval file) with whichever embedding model is in use, embedded once per
model (on disk with the sentence vectors when the retriever asks).

Only ranking uses the moved vector: the gate and the answerability check compare the question as
asked, so their calibrated bars keep their meaning. Measured in eval/README.md (stop 37).
"""

from __future__ import annotations

import json
import threading
import weakref
from pathlib import Path

import numpy as np

from .language import german_probability

PAIRS = Path(__file__).with_name("data") / "parallel-questions.jsonl"

_directions: dict[int, np.ndarray] = {}  # id(embeddings) -> direction, dropped with the embeddings object
_lock = threading.Lock()


def parallel_questions(path: Path = PAIRS) -> tuple[list[str], list[str]]:
    """(English questions, their German translations), line by line."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["en"] for r in rows], [r["de"] for r in rows]


def direction(embeddings, sentence_vectors=None) -> np.ndarray:
    """mean(English question) − mean(German question) over the parallel pairs, for this model;
    `sentence_vectors` (its queries(), kept on disk) spares embedding them again in a new process."""
    key = id(embeddings)
    with _lock:
        if key not in _directions:
            if sentence_vectors is not None:
                embed = sentence_vectors.queries
            else:
                embed = lambda texts: np.asarray([embeddings.embed_query(t) for t in texts], dtype=np.float32)  # noqa: E731
            english, german = parallel_questions()
            _directions[key] = embed(english).mean(0) - embed(german).mean(0)
            weakref.finalize(embeddings, _directions.pop, key, None)
        return _directions[key]


def ranking_vector(question: str, vector, embeddings, sentence_vectors=None):
    """The vector that ranks German text for `question`: its own (the same object) for a German
    question; for any other, moved by the English–German direction and normalised again."""
    if german_probability(question) >= 0.5:
        return vector
    moved = np.asarray(vector, dtype=np.float32) - direction(embeddings, sentence_vectors)
    return moved / np.linalg.norm(moved)
