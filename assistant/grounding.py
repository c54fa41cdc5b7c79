"""Citation parsing and per-sentence support scores.

A sentence is supported when it is close to a sentence of a passage it cites.
German sentence: score = 0.7 * best cosine (e5 embeddings) + 0.3 * share of its
content words found in the cited passages (German stems), against `threshold`.
English sentence (the passages are German, so words cannot overlap): score =
best cosine, against `threshold_en`. A number in the sentence that occurs in
none of its cited passages makes it unsupported.
Then the checks of what the sentence adds to its passage (assistant/claim_check.py, bars in
`checks`): unsupported content words, an unsupported clause, a number far from the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .chunking import sentence_spans, window_around
from .language import german_probability
from .numbers import unstated_numbers

CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass
class SentenceSupport:
    text: str
    citations: list[int]
    supported: bool
    score: float
    start: int = 0  # offsets in the answer text
    end: int = 0
    reason: str = ""
    # cited passage number -> (start, end) of its sentence closest to this one, in the passage text
    evidence: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class CitationCheck:
    valid: list[int] = field(default_factory=list)  # in order of first use
    invalid: list[int] = field(default_factory=list)


def cited_numbers(text: str) -> list[int]:
    return [int(n) for group in CITATION.findall(text) for n in re.split(r"\s*[,;]\s*", group)]


def check_citations(text: str, n_passages: int) -> tuple[str, CitationCheck]:
    """Drop citations of passages that were not given; return the cleaned text."""
    check = CitationCheck()

    def keep(match: re.Match) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]
        good = [n for n in numbers if 1 <= n <= n_passages]
        for n in numbers:
            target = check.valid if n in good else check.invalid
            if n not in target:
                target.append(n)
        return "".join(f"[{n}]" for n in dict.fromkeys(good))

    cleaned = CITATION.sub(keep, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)  # space left before punctuation
    return cleaned, check


def content_words(text: str) -> set[str]:
    from .bm25 import _stemmer

    stop = _stopwords()
    words = [w.lower() for w in WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if w not in stop]))


def _stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

        # German contractions of a preposition and an article ("fürs", "beim") are function words too;
        # the list has "im", "zum", "zur" but not these
        contractions = "fürs beim ums aufs durchs übers unters vors hinters ans".split()
        _STOP = frozenset(STOPWORDS_GERMAN) | frozenset(STOPWORDS_EN) | frozenset(contractions)
    return _STOP


_STOP: frozenset[str] | None = None


def answer_sentences(answer: str) -> list[tuple[int, int]]:
    """The sentences of a generated answer. A citation after the full stop ("… gemeinsam. [1]")
    belongs to the sentence before it, and a quoted question ("„Ein Ziel? Wofür?“ fragt …")
    does not end the sentence that quotes it."""
    spans: list[list[int]] = []
    for s, e in sentence_spans(answer):
        piece = answer[s:e]
        if spans and (_ONLY_CITATIONS.fullmatch(piece) or _open_quote(answer[spans[-1][0]:spans[-1][1]])):
            spans[-1][1] = e
        else:
            spans.append([s, e])
    return [(s, e) for s, e in spans if any(c.isalnum() for c in answer[s:e])]


_ONLY_CITATIONS = re.compile(r"[\s.,;:!?]*(\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+[.!?]?\s*")


def _open_quote(text: str) -> bool:
    """A quotation opened in the text and not closed yet."""
    return text.count("„") > text.count("“") or text.count('"') % 2 == 1 or text.count("»") > text.count("«")


def score_sentences(answer: str, passages: list[str], embeddings, threshold: float, threshold_en: float,
                    checks=None) -> list[SentenceSupport]:
    """Support of every answer sentence by the passages it cites (1-based numbers). `checks`: a
    claim_check.ClaimChecks (None = the settings' defaults, claim_check.OFF = cosine and numbers only)."""
    spans = answer_sentences(answer)
    if not spans:
        return []
    texts = [answer[s:e] for s, e in spans]
    plain = [CITATION.sub("", t).strip() for t in texts]
    cited = [[n for n in dict.fromkeys(cited_numbers(t)) if 1 <= n <= len(passages)] for t in texts]
    scorer = _Scorer(passages, embeddings, plain, sorted({n for c in cited for n in c}), checks)
    results = []
    for i, (text, numbers) in enumerate(zip(texts, cited)):
        start, end = spans[i]
        if not numbers:
            results.append(SentenceSupport(text, [], False, 0.0, start, end, "no citation"))
            continue
        supported, score, reason, evidence = scorer.support(i, numbers, threshold, threshold_en)
        results.append(SentenceSupport(text, numbers, supported, score, start, end, reason, evidence))
    return results


def reattribute(sentences: list[SentenceSupport], passages: list[str], embeddings, threshold: float,
                threshold_en: float, checks=None) -> list[SentenceSupport]:
    """A sentence that its cited passage does not support but another given passage does (a model
    citing the neighbouring passage, [2] for [1]), or that cites nothing ("… (Quelle: TNS
    Infratest)."), is cited to the passage that supports it instead of failed, at the same bar.
    Returns the sentences changed."""
    failed = [s for s in sentences if not s.supported and (s.citations or s.reason == "no citation")
              and not s.reason.startswith("copied")]
    if not failed or len(passages) < 2:
        return []
    plain = [CITATION.sub("", s.text).strip() for s in failed]
    scorer = _Scorer(passages, embeddings, plain, list(range(1, len(passages) + 1)), checks)
    changed = []
    for i, sentence in enumerate(failed):
        others = [n for n in range(1, len(passages) + 1) if n not in sentence.citations]
        n, supported, score, _, evidence = scorer.best(i, others, threshold, threshold_en)
        if not supported:
            continue
        old = "".join(f"[{c}]" for c in sentence.citations) or "nothing"
        sentence.text = _replace_citations(sentence.text, n)
        sentence.citations, sentence.supported, sentence.score, sentence.evidence = [n], True, score, {n: evidence}
        sentence.reason = f"re-attributed: cited {old}, supported by [{n}]"
        changed.append(sentence)
    return changed


def best_support(claims: list[str], passages: list[str], embeddings, threshold: float, threshold_en: float,
                 checks=None) -> list[tuple]:
    """For each claim (a sentence without citations), the passage that supports it best:
    (passage number or None, supported, score, reason, (start, end) of its closest sentence).
    Used to judge answers written elsewhere against the articles, citations or not."""
    if not claims or not passages:
        return [(None, False, 0.0, "no passage", None) for _ in claims]
    numbers = list(range(1, len(passages) + 1))
    scorer = _Scorer(passages, embeddings, claims, numbers, checks)
    return [scorer.best(i, numbers, threshold, threshold_en) for i in range(len(claims))]


def _replace_citations(text: str, n: int) -> str:
    """The sentence with its citation markers replaced by one [n] where the first one stood
    (before the closing punctuation when it had none)."""
    first = CITATION.search(text)
    if first is None:
        body = text.rstrip()
        end = len(body.rstrip(".!?"))
        return f"{body[:end]} [{n}]{body[end:]}"
    body = CITATION.sub("", text[first.start():])
    return text[:first.start()] + f"[{n}]" + body


class _Scorer:
    """Answer sentences (without citations) and passage sentences embedded once, passages lazily;
    with the clause check, the sentences' clauses and the passages' adjacent sentence pairs too."""

    def __init__(self, passages: list[str], embeddings, plain: list[str], needed: list[int], checks=None):
        from .claim_check import ClaimChecks, clauses

        self.passages, self.embeddings, self.plain = passages, embeddings, plain
        self.checks = ClaimChecks.default() if checks is None else checks
        self.german = [german_probability(p) >= 0.5 for p in plain]
        self.spans_of = {n: sentence_spans(passages[n - 1]) or [(0, len(passages[n - 1]))] for n in needed}
        flat = [passages[n - 1][s:e] for n in needed for s, e in self.spans_of[n]]
        # clauses of the sentences the clause check applies to, and the passages' adjacent sentence pairs
        self.clauses = [clauses(p) if self.checks.clause_bar(g) > 0 else [] for p, g in zip(plain, self.german)]
        pairs = {n: [passages[n - 1][a[0]:b[1]] for a, b in zip(self.spans_of[n], self.spans_of[n][1:])]
                 for n in needed} if any(self.clauses) else {n: [] for n in needed}
        flat_pairs = [t for n in needed for t in pairs[n]]
        flat_clauses = [c for cs in self.clauses for c in cs]
        vectors = np.asarray(embeddings.embed_documents(flat + plain + flat_pairs + flat_clauses))
        self.answer_vectors = vectors[len(flat):len(flat) + len(plain)]
        self.rows, self.window_rows, offset, pair_offset = {}, {}, 0, len(flat) + len(plain)
        for n in needed:
            self.rows[n] = vectors[offset:offset + len(self.spans_of[n])]
            offset += len(self.spans_of[n])
            pair_rows = vectors[pair_offset:pair_offset + len(pairs[n])]
            pair_offset += len(pairs[n])
            self.window_rows[n] = np.vstack([self.rows[n], pair_rows]) if len(pair_rows) else self.rows[n]
        self.clause_vectors, offset = [], pair_offset
        for cs in self.clauses:
            self.clause_vectors.append(vectors[offset:offset + len(cs)])
            offset += len(cs)

    def best(self, i: int, numbers: list[int], threshold: float, threshold_en: float):
        """(passage number, supported, score, reason, (start, end)) of the single passage among
        `numbers` that supports answer sentence i best (supported first, then by score)."""
        best = (None, False, 0.0, "no passage", None)
        for n in numbers:
            supported, score, reason, evidence = self.support(i, [n], threshold, threshold_en)
            if best[0] is None or (supported, score) > (best[1], best[2]):
                best = (n, supported, score, reason, evidence[n])
        return best

    def support(self, i: int, numbers: list[int], threshold: float, threshold_en: float):
        """(supported, score, reason, evidence) of answer sentence i by the passages `numbers`."""
        clean, german = self.plain[i], self.german[i]
        similarities = {n: self.rows[n] @ self.answer_vectors[i] for n in numbers}
        evidence = {n: self.spans_of[n][int(np.argmax(sim))] for n, sim in similarities.items()}
        cosine = max(float(np.max(sim)) for sim in similarities.values())
        source = " ".join(self.passages[n - 1] for n in numbers)
        if german:
            words = content_words(clean)
            overlap = len(words & content_words(source)) / len(words) if words else 0.0
            score, bar = round(0.7 * cosine + 0.3 * overlap, 4), threshold
        else:
            score, bar = round(cosine, 4), threshold_en
        missing = unstated_numbers(clean, source)
        if missing:
            reason = f"number {missing[0]} not in cited passages"
        else:
            reason = self._added(i, numbers, clean, german, source, evidence) if score >= bar else ""
        return not reason and score >= bar, score, reason, evidence

    def _added(self, i, numbers, clean, german, source, evidence) -> str:
        """Why a sentence close enough to its passage still adds something the passage does not say
        (claim_check), or ""."""
        from .claim_check import unsupported_words

        checks = self.checks
        near = " ".join(self._window(n, evidence[n]) for n in numbers)
        if checks.numbers_near_evidence and (missing := unstated_numbers(clean, near)):
            return f"number {missing[0]} not near the closest passage sentence"
        if checks.max_unsupported(german) < 1.0:
            unsupported, total = unsupported_words(clean, source, self.embeddings, checks.word_similarity)
            if total and len(unsupported) / total > checks.max_unsupported(german):
                return f"words not in cited passages: {', '.join(unsupported)} ({len(unsupported)} of {total})"
        bar = checks.clause_bar(german)
        if bar > 0 and len(self.clauses[i]) > 1:
            sims = np.max(np.vstack([self.window_rows[n] for n in numbers]) @ self.clause_vectors[i].T, axis=0)
            worst = int(np.argmin(sims))
            if sims[worst] < bar:
                return f"part not supported: \u201c{self.clauses[i][worst]}\u201d ({float(sims[worst]):.3f})"
        return ""

    def _window(self, n: int, span: tuple[int, int]) -> str:
        """The passage sentence `span` with its neighbours."""
        start, end = window_around(self.spans_of[n], self.spans_of[n].index(span))
        return self.passages[n - 1][start:end]
