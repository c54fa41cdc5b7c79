"""Hubness correction for ranking passages by their closest sentence to a question (the retriever's
rerank): CSLS (cross-domain similarity local scaling, Conneau et al. 2018, "Word Translation Without
Parallel Data").

Some sentences are close to almost every question: short and generic ("Social Media kann man nebenher
machen.", "In Unternehmen bestehen Vorbehalte gegenüber sozialen Medien."). With e5-small they won the
closest-sentence rerank for questions they do not answer, English ones most (a question and a German
sentence meet only across languages, where such hubs crowd the top). CSLS ranks a sentence s for a
question q by 2·cos(q, s) − r(q) − r(s), r(s) being the mean cosine of s to its K nearest queries;
r(q) is the same for every sentence of one question, so the ranking is cos(q, s) − r(s) / 2. The
reference queries are the articles' own sentences embedded as queries: nothing is fitted to a question
file, and K is the paper's 10. No library computes it over a sentence store; it is a few lines of numpy.
"""

from __future__ import annotations

import numpy as np

K = 10
REFERENCE_SIZE = 2000  # at most this many reference sentences: r(s) of a candidate costs one product with them


class HubScores:
    """r(s) for sentences, against a fixed set of reference sentences embedded as queries."""

    def __init__(self, texts: list[str], query_vectors: np.ndarray, passage_vectors: np.ndarray):
        self.texts = {t: i for i, t in enumerate(texts)}
        self.reference = np.asarray(query_vectors, dtype=np.float32)
        # the reference sentences' own mean r(s): subtracted, so that a ranking score stays on the cosine's scale
        # (the chain compares them with margins and with passage cosines)
        self.mean = float(self.of(texts, passage_vectors).mean()) if texts else 0.0

    def of(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Per sentence (its text and passage vector), the mean cosine to its K nearest reference queries,
        not counting itself."""
        if not len(texts) or len(self.reference) <= K:
            return np.zeros(len(texts))
        sims = np.asarray(vectors, dtype=np.float32) @ self.reference.T
        for row, text in enumerate(texts):
            if text in self.texts:
                sims[row, self.texts[text]] = -1.0
        return np.sort(sims, axis=1)[:, -K:].mean(axis=1).astype(np.float64)


    def csls(self, cosines: np.ndarray, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """The CSLS ranking scores of sentences for one question: cos(q, s) − (r(s) − the reference's mean r) / 2."""
        return np.asarray(cosines, dtype=np.float64) - (self.of(texts, vectors) - self.mean) / 2
