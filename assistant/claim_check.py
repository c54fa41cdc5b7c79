"""What a claim adds to its cited passage: the verifier's checks beyond the sentence cosine.

A sentence that copies most of a passage sentence and adds an invented reason or a second claim
("… beliebt, *und verkürzen die Dauer von Stellenbesetzungen*") keeps a high cosine to that
sentence. Three simple checks catch the added part, each with a reason that names it:

- unsupported words: the claim's content words that no word of the cited passages matches by
  German stem, inside a German compound, or by e5 word similarity (the matcher of the
  answerability check, `AnswerabilityCheck.matches`). Too large a share of them fails the
  sentence. Stop words (German and English) and words that name the source itself ("laut",
  "Artikel", "according", "author") do not count.
- unsupported part: the claim is cut into clauses at commas, semicolons, dashes and
  conjunctions ("weil", "und", "because", "which", …); every clause must be close (e5 cosine) to a
  sentence, or two adjacent sentences, of a cited passage.
- numbers near the evidence: a number must occur in the cited passage's sentence closest to the
  claim or in its neighbours, not just anywhere in the passage ("over the last 30 years" against
  "in den letzten 20 Jahren … vor 30 Jahren").

Which checks apply in which language, and their bars, are settings (GroundingSettings), fitted on
half of eval/support-pairs.jsonl (assistant/evaluation/verifier.py, eval/results/verifier.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .grounding import WORD

# Words that name the source rather than say something about the world ("laut dem Text", "the
# article says"): an answer may add them without inventing anything.
SOURCE_WORDS = frozenset({"laut", "zufolge", "text", "artikel", "autor", "autorin", "fazit",
                          "according", "article", "author", "text", "conclusion"})

# Where a claim is cut into clauses: punctuation, and conjunctions that start a second claim or a reason.
CLAUSE_BREAK = re.compile(r"\s*[,;]\s+|\s+[–—-]\s+|\s+(?=(?:und|weil|da|denn|während|sodass|wodurch|"
                          r"and|because|which|who|whereas|so that)\b)", re.IGNORECASE)
MIN_CLAUSE_WORDS = 3  # a clause of fewer words (of 4+ letters) is joined to its neighbour


@dataclass(frozen=True)
class ClaimChecks:
    """The bars of the checks (GroundingSettings says what each means); a share of 1.0 or a clause
    bar of 0.0 turns a check off."""
    word_similarity: float
    max_unsupported_words: float  # German claims
    max_unsupported_words_en: float  # English claims
    clause_threshold: float  # German claims
    clause_threshold_en: float  # English claims
    numbers_near_evidence: bool

    @classmethod
    def default(cls) -> ClaimChecks:
        from .config import GroundingSettings

        return cls.from_settings(GroundingSettings())

    @classmethod
    def from_settings(cls, grounding) -> ClaimChecks:
        return cls(grounding.support_word_similarity, grounding.max_unsupported_words,
                   grounding.max_unsupported_words_en, grounding.clause_threshold,
                   grounding.clause_threshold_en, grounding.numbers_near_evidence)

    def max_unsupported(self, german: bool) -> float:
        return self.max_unsupported_words if german else self.max_unsupported_words_en

    def clause_bar(self, german: bool) -> float:
        return self.clause_threshold if german else self.clause_threshold_en


OFF = ClaimChecks(1.0, 1.0, 1.0, 0.0, 0.0, False)  # the verifier as it was: cosine and numbers only


@lru_cache(maxsize=1)
def _english_stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # sentence-transformers' dependency

    return frozenset(ENGLISH_STOP_WORDS)


def claim_terms(text: str) -> dict[str, str]:
    """Content words of a claim that must be found in its source: stem -> word as written."""
    from .answerability import surface_words

    skip = _english_stopwords() | SOURCE_WORDS
    return {stem: word for stem, word in surface_words(text).items() if word.lower() not in skip}


def unsupported_words(claim: str, source: str, embeddings, word_similarity: float) -> tuple[list[str], int]:
    """The claim's content words that no word of `source` matches (stem, compound, or e5 word
    similarity >= word_similarity), and how many content words it has."""
    from .answerability import AnswerabilityCheck

    terms = claim_terms(claim)
    if not terms:
        return [], 0
    matched = AnswerabilityCheck(embeddings, 0.0, word_similarity).matches(terms, source)
    return [word for stem, word in terms.items() if stem not in matched], len(terms)


def clauses(text: str) -> list[str]:
    """The claim cut into clauses; a piece of fewer than MIN_CLAUSE_WORDS words joins its neighbour."""
    merged: list[str] = []
    for piece in (p.strip() for p in CLAUSE_BREAK.split(text)):
        if not piece:
            continue
        if merged and (len(WORD.findall(piece)) < MIN_CLAUSE_WORDS or len(WORD.findall(merged[-1])) < MIN_CLAUSE_WORDS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged
