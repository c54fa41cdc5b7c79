"""Hybrid retrieval: dense (Chroma) + German BM25, fused by reciprocal rank, and the relevance gate.

BM25 ranks are noise for an English question over German text, so BM25's
weight in the fusion is the probability that the question is German.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass

import numpy as np

from .answerability import specific_terms
from .articles import without_names
from .bm25 import BM25Index
from .config import Settings
from .language import german_probability
from .language_shift import ranking_vector
from .names import unknown_brand_names, unknown_names
from .question import asked_sentences
from .sections import CONCLUSION_HEADING, asked_item, asked_part, item_line, part_chunk, without_position
from .spelling import CAPITALISED_WORD
from .store import Store

MODES = ("hybrid", "dense", "bm25")


# a word inside a sentence (not its first): how the articles write it there
_INNER_WORD = re.compile(r"(?<=[\w,;)\"“]\s)[^\W\d_]+")
DOMAIN_SAMPLE = 300  # articles whose words decide the domain words of a large index (a share of .6 ± .03)


@dataclass
class Passage:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    score: float  # the ranking score of the mode used (RRF, cosine or BM25)
    dense_score: float | None = None  # cosine similarity to the question
    sentence_score: float | None = None  # cosine of its closest sentence to the question (when reranked)
    bm25_score: float | None = None
    rank: int = 0
    author: str | None = None
    source: str | None = None
    pages: str | None = None  # a PDF chunk's pages, "3@0,4@5812" (ingestion.chunk_pages)
    section: str | None = None  # "conclusion": the part of its article the question asks about

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class GateDecision:
    relevant: bool
    best_score: float
    threshold: float
    reason: str = ""


# "Who is Egbert Wege?": a name of two or three capitalised words, nothing else asked
_PERSON = r"((?:[A-ZÄÖÜ][\w’'.-]+\s+){1,2}[A-ZÄÖÜ][\w’'.-]+)"
_WHO_IS = re.compile(rf"(?i:who is|who was|who's|wer ist|wer war)\s+(?:(?i:eigentlich|denn|this|dieser)\s+)?{_PERSON}\s*\??|"
                     rf"{_PERSON}\s*[–—:,-]?\s*(?i:wer ist das|wer ist er|wer ist sie|wer ist denn das|who is that|who is he|who is she|who's that)\s*\??")
_NUMBER = re.compile(r"\b\d[\d.,]*\d\b|\b\d\b")
# A phrase the question quotes ("… calls social media 'relativ kostengünstig' - cheaper than what?",
# "wem wird Social Media dort 'nebenher' überlassen?"): users copy the article's own words. A quote
# mark after a letter is an apostrophe ("companies' misconceptions"), not an opening one.
_QUOTED_PHRASE = re.compile(r"(?:(?<=[\s(])|^)[\"'„“‚‘»«]([^\"'„“‚‘»«”’]{3,80}?)[\"'“”‘’«»](?=[\s,.;:?!)\-–—]|$)")


def quoted_phrases(question: str) -> list[str]:
    """The phrases a question puts in quotation marks."""
    return [m.group(1).strip() for m in _QUOTED_PHRASE.finditer(question) if m.group(1).strip()]


def leading_part(passages: list[Passage]) -> str | None:
    """The part of an article the first passage is ("conclusion", "end", "beginning", "item 3"), if any
    (Retriever.part_first)."""
    part = passages[0].section if passages else None
    return None if part is None or part.startswith("missing item") else part


def missing_item(passages: list[Passage]) -> int | None:
    """n when the question asks for a point n that the article's list lacks (Retriever.part_first)."""
    part = passages[0].section if passages else None
    return int(part.split()[-1]) if part and part.startswith("missing item") else None


# How many of the retrieved passages an answer may quote from. Five, not three: the sentence answering a paraphrased
# question is often in the fourth or fifth passage ("Welche Leitfragen …?": the questions "Was erwarte ich von einem
# Kontakt? …" were in the fourth); since an answer quotes one article unless several are asked about, more passages
# cost little precision (dev, 726 questions: fact recall 0.821 -> 0.829, citation precision 0.901 -> 0.900; test
# 0.750 -> 0.770 / 0.877 -> 0.857, holdout 0.764 -> 0.750 / 0.907 -> 0.904)
# Since the chain searches twice as many passages of one named article (chain.NAMED_ARTICLE_K_FACTOR), up to 10.
ANSWER_PASSAGES = 10


def answer_passages(passages: list[Passage]) -> list[Passage]:
    """The passages an answer quotes: the first ANSWER_PASSAGES, or only the part of an article the question
    asks about ("Welche Vorteile nennt das Fazit?"); the answerability check reads the first three."""
    return passages[:1] if leading_part(passages) else passages[:ANSWER_PASSAGES]


def article_first(passages: list[Passage], doc_id: str) -> list[Passage]:
    """The passages of one article first, each group in rank order (re-ranked)."""
    ordered = [p for p in passages if p.doc_id == doc_id] + [p for p in passages if p.doc_id != doc_id]
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    return ordered


def article_by_article(passages: list[Passage]) -> list[Passage]:
    """The best passage of each article first, in rank order, then the others: for a question naming several
    articles ("How do the Infobrief and the checklist differ …?"), whose first three passages otherwise all
    came from the article closest to its words."""
    firsts = list({p.doc_id: p for p in reversed(passages)}.values())[::-1]
    ordered = firsts + [p for p in passages if p not in firsts]
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    return ordered


def article_headers(passages: list[Passage], n: int) -> list[str]:
    """The header (title, author, source) of each of the first n passages' article."""
    return [" ".join([p.title or "", p.author or "", p.source or ""]) for p in passages[:n]]


def rrf(rankings: list[tuple[float, list[str]]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: sum of weight / (k + rank) over the rankings."""
    scores: dict[str, float] = {}
    for weight, ids in rankings:
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


class Retriever:
    def __init__(self, index: Store, settings: Settings | None = None):
        self.index = index
        self.settings = settings or index.settings
        self._bm25: BM25Index | None = None
        self._bm25_lock = threading.Lock()  # the UI serves several users at once
        self._articles = None  # (revision, [ArticleInfo])
        self._domain = None  # (revision, stems)
        self._sentence_vectors = None

    def articles(self) -> list:
        """What the index knows of each article (title, kind, source, author, date), per revision."""
        from .articles import ArticleInfo

        revision = self.index.revision()
        if self._articles is None or self._articles[0] != revision:
            self._articles = (revision, [ArticleInfo.from_meta(m) for m in self.index.documents()])
        return self._articles[1]

    def domain_words(self) -> frozenset[str]:
        """Stems that most articles use ("sozial", "unternehm"): they say nothing specific about a question."""
        return self._vocabulary()[1]

    def written_forms(self) -> dict[str, str]:
        """Lower-case word -> how the articles write it inside a sentence, for the words they mostly
        capitalise ("mittelständler" -> "Mittelständler", "roi" -> "ROI")."""
        return self._vocabulary()[2]

    def capitalised_forms(self) -> dict[str, str]:
        """Lower-case word -> its most frequent capitalised form, for every word the articles capitalise
        in their text, a sentence's first word too ("kruse" -> "Kruse" after "Dr."): the spellings a misspelt
        name or noun of a question is read as (assistant/spelling.py)."""
        return self._vocabulary()[3]

    def _vocabulary(self) -> tuple:
        """(revision, domain stems, written forms, capitalised forms), counted over every article up to DOMAIN_SAMPLE of them,
        else over that many spread evenly over the doc ids: reading all chunks took 170 s and 5 GB at 1M
        chunks, for the same shares."""
        from .grounding import content_words

        revision = self.index.revision()
        if self._domain is None or self._domain[0] != revision:
            doc_ids = [meta["doc_id"] for meta in self.index.documents()]
            if len(doc_ids) > DOMAIN_SAMPLE:
                doc_ids = [doc_ids[i * len(doc_ids) // DOMAIN_SAMPLE] for i in range(DOMAIN_SAMPLE)]
            _, texts, metas = self.index.chunks_of(doc_ids)
            per_doc: dict[str, set[str]] = {}
            forms: dict[str, dict[str, int]] = {}
            capitalised: dict[str, dict[str, int]] = {}
            for text, meta in zip(texts, metas):
                per_doc.setdefault(meta["doc_id"], set()).update(content_words(text))
                for word in CAPITALISED_WORD.findall(text):
                    capitalised.setdefault(word.lower(), {}).setdefault(word, 0)
                    capitalised[word.lower()][word] += 1
                for m in _INNER_WORD.finditer(text):
                    word = m.group(0)
                    forms.setdefault(word.lower(), {}).setdefault(word, 0)
                    forms[word.lower()][word] += 1
            counts: dict[str, int] = {}
            for words in per_doc.values():
                for w in words:
                    counts[w] = counts.get(w, 0) + 1
            needed = max(2, round(0.6 * len(per_doc)))
            written = {}
            for lower, seen in forms.items():
                form, n = max(seen.items(), key=lambda item: item[1])
                if form != lower and n >= 2 * seen.get(lower, 0):
                    written[lower] = form
            most = {lower: max(seen.items(), key=lambda item: item[1])[0] for lower, seen in capitalised.items()}
            self._domain = (revision, frozenset(w for w, c in counts.items() if c >= needed), written, most)
        return self._domain

    def bm25(self) -> BM25Index:
        """The BM25 index for the collection's current revision: loaded from disk, or rebuilt."""
        revision = self.index.revision()
        if self._bm25 is not None and self._bm25.revision == revision:
            return self._bm25
        with self._bm25_lock:
            if self._bm25 is None or self._bm25.revision != revision:
                self._bm25 = self.index.bm25(revision)
            return self._bm25

    def dense(self, question: str, n: int, doc_ids: list[str] | None = None, vector=None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks (of the given documents);
        `vector`: the question's embedding when the caller has it."""
        # No count() first: it scans the whole store (7 ms at 100k chunks), and a
        # query on an empty collection simply returns nothing.
        collection = self.index.collection()
        if collection is None:
            return []
        if vector is None:
            vector = self.index.model.embeddings.embed_query(question)
        where = {"doc_id": {"$in": doc_ids}} if doc_ids else None
        rows = collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(rows["ids"][0], rows["distances"][0])]

    def search(self, question: str, k: int | None = None, mode: str = "hybrid", doc_ids: list[str] | None = None,
               rerank: bool | None = None) -> list[Passage]:
        """The k best passages; `doc_ids` restricts the search to those documents. `rerank` (default:
        the setting) reorders the candidates by their closest sentence to the question."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        k = k or self.settings.retrieval.k
        pool = max(4 * k, 20)
        self.index.revision()  # first: catch up with what other processes wrote (dense and BM25)
        self.index.check_model()
        rerank = self.settings.retrieval.rerank if rerank is None else rerank
        vector = self.index.model.embeddings.embed_query(question) if mode != "bm25" or rerank else None
        ranking = self._ranking_vector(question, vector)
        dense = self.dense(question, pool, doc_ids, ranking) if mode != "bm25" else []
        lexical = [(h.chunk_id, h.score) for h in self.bm25().search(question, pool * (5 if doc_ids else 1))] if mode != "dense" else []
        if doc_ids:
            lexical = [(cid, score) for cid, score in lexical if cid.rsplit("#", 1)[0] in doc_ids][:pool]
        dense_scores, bm25_scores = self._as_asked(dense, vector, ranking), dict(lexical)

        if mode == "hybrid":
            weights = [(1.0, [cid for cid, _ in dense]), (german_probability(question), [cid for cid, _ in lexical])]
            ranked = sorted(rrf(weights, self.settings.retrieval.rrf_k).items(), key=lambda item: -item[1])
        else:
            ranked = dense if mode == "dense" else lexical
        quoting = self._quoting(question, doc_ids, k)
        if quoting:  # the passages holding a quoted phrase verbatim first, in their fused order
            ranked_ids = {cid for cid, _ in ranked}
            ranked = sorted(ranked + [(cid, 0.0) for cid in quoting if cid not in ranked_ids], key=lambda item: item[0] not in quoting)
        if not rerank:
            return self._with_dense_scores(self._passages(ranked[:k], dense_scores, bm25_scores), vector)
        passages = self._reranked(self._passages(ranked[:pool], dense_scores, bm25_scores), ranking, pool)
        passages = sorted(passages, key=lambda p: p.chunk_id not in quoting)[:k]
        for rank, p in enumerate(passages, start=1):
            p.rank = rank
        return self._with_dense_scores(passages, vector)

    def _ranking_vector(self, question: str, vector):
        """The vector that ranks: an English question's moved toward German questions (language_shift.py)."""
        if vector is None:
            return None
        return ranking_vector(question, vector, self.index.model.embeddings, self.sentence_vectors())

    def _as_asked(self, dense: list[tuple[str, float]], vector, ranking) -> dict[str, float]:
        """chunk id -> cosine to the question as asked (what the gate's bar was calibrated on), also
        for chunks the moved vector found."""
        if ranking is None or ranking is vector or not dense:
            return dict(dense)
        rows = self.index.collection().get(ids=[cid for cid, _ in dense], include=["embeddings"])
        return {cid: float(np.dot(stored, vector)) for cid, stored in zip(rows["ids"], rows["embeddings"])}

    def search_named(self, question: str, k: int | None = None, mode: str = "hybrid", doc_ids: list[str] | None = None) -> list[Passage]:
        """search(); for a question naming several articles (`doc_ids`), each one's best passage first, from a
        wider search (the chain, and eval-calibrate replaying it)."""
        if len(doc_ids or []) < 2:
            return self.search(question, k=k, mode=mode, doc_ids=doc_ids)
        k = k or self.settings.retrieval.k
        return article_by_article(self.search(question, k=2 * k, mode=mode, doc_ids=doc_ids))[:k]

    def _with_dense_scores(self, passages: list[Passage], vector) -> list[Passage]:
        """Every passage with its cosine to the question, also one that only BM25 or a quote found. A chunk
        outside the dense pool scores below all of it, so the gate's best passage is the same; but a chunk
        the vector index has not caught up with yet (an article uploaded a moment ago: found by BM25 and
        by id, missing from the vector query) was judged without a score and refused (tests/test_ui.py)."""
        missing = [p for p in passages if p.dense_score is None]
        if vector is None or not missing:
            return passages
        vectors = self.sentence_vectors().documents([p.text for p in missing])
        for p, score in zip(missing, vectors @ np.asarray(vector, dtype=np.float32)):
            p.dense_score = round(float(score), 6)
        return passages

    def _quoting(self, question: str, doc_ids: list[str] | None, k: int) -> set[str]:
        """Chunk ids holding a phrase the question quotes, word for word (Chroma's full-text filter);
        none for a phrase in k or more chunks ('sozial', 'Social Media'): it points nowhere."""
        phrases = quoted_phrases(question)
        collection = self.index.collection() if phrases else None
        found: set[str] = set()
        where = {"doc_id": {"$in": doc_ids}} if doc_ids else None
        for phrase in phrases if collection is not None else []:
            holding = set()
            for spelling in dict.fromkeys([phrase, phrase[0].swapcase() + phrase[1:]]):  # "Nebenher" / "nebenher"
                holding |= set(collection.get(where=where, where_document={"$contains": spelling}, limit=k, include=[])["ids"])
            if len(holding) < k:
                found |= holding
        return found

    def _reranked(self, candidates: list[Passage], vector, k: int) -> list[Passage]:
        """The candidates fused (RRF) with their order by closest sentence: a paraphrase matches
        the sentence that states its fact better than the chunk around it."""
        if len(candidates) < 2:
            return candidates
        closest = dict(zip((p.chunk_id for p in candidates),
                           self.sentence_vectors().best_similarity(vector, [p.text for p in candidates])))
        by_sentence = sorted(closest, key=lambda cid: -closest[cid])
        fused = rrf([(1.0, [p.chunk_id for p in candidates]), (1.0, by_sentence)], self.settings.retrieval.rrf_k)
        ranked = sorted(candidates, key=lambda p: -fused[p.chunk_id])[:k]
        for rank, p in enumerate(ranked, start=1):
            p.score, p.rank, p.sentence_score = round(fused[p.chunk_id], 6), rank, round(closest[p.chunk_id], 6)
        return ranked

    def sentence_vectors(self):
        from .sentence_vectors import SentenceVectors, share

        if self._sentence_vectors is None:
            self._sentence_vectors = share(SentenceVectors(self.index.model.embeddings, self.index.model.name,
                                                           self.settings.data_dir / "sentence-vectors.sqlite3"))
        return self._sentence_vectors

    def _passages(self, ranked: list[tuple[str, float]], dense_scores: dict, bm25_scores: dict) -> list[Passage]:
        if not ranked:
            return []
        ids = [cid for cid, _ in ranked]
        rows = self.index.collection().get(ids=ids, include=["documents", "metadatas"])
        found = {cid: (text, meta) for cid, text, meta in zip(rows["ids"], rows["documents"], rows["metadatas"])}
        passages = []
        for cid, score in ranked:
            if cid not in found:
                continue  # deleted since the BM25 index was loaded
            text, meta = found[cid]
            passages.append(
                Passage(
                    chunk_id=cid,
                    doc_id=meta["doc_id"],
                    title=meta.get("title", ""),
                    text=text,
                    start=meta["start"],
                    end=meta["end"],
                    score=round(float(score), 6),
                    dense_score=None if cid not in dense_scores else round(dense_scores[cid], 6),
                    bm25_score=None if cid not in bm25_scores else round(bm25_scores[cid], 6),
                    rank=len(passages) + 1,
                    author=meta.get("author"),
                    source=meta.get("source"),
                    pages=meta.get("pages"),
                )
            )
        return passages

    def _rows_of(self, doc_id: str) -> list[tuple[str, str, int]]:
        """(chunk id, text, chunk index) of each chunk of an article."""
        ids, texts, metas = self.index.chunks_of([doc_id])
        return [(cid, text, meta.get("chunk_index", 0)) for cid, text, meta in zip(ids, texts, metas)]

    def part_first(self, question: str, passages: list[Passage], doc_ids: list[str] | None = None) -> list[Passage]:
        """For a question about a part of an article (its conclusion, end, beginning or n-th point;
        sections.py): that part of the named or top article first, marked `section` ("missing item n"
        on the first passage when its list has no point n). Similarity found the article
        but not the part: "What does the conclusion list?" ranked the Infobrief's opening chunk above
        its "Fazit", "Womit endet der Blogbeitrag …?" names no fact at all."""
        part, item = (asked_part(question), asked_item(question, bool(doc_ids))) if passages else (None, None)
        if part is None and item is None:
            return passages
        rows = self._rows_of((doc_ids or [passages[0].doc_id])[0])
        if part == "conclusion" and not doc_ids and not any(CONCLUSION_HEADING.search(text) for _, text, _ in rows):
            # the conclusion of the best-ranked article that has one: "What benefits of social media does the
            # conclusion list?" ranked the checklist (no "Fazit") above the Infobrief
            for doc in dict.fromkeys(p.doc_id for p in passages[1:]):
                other = self._rows_of(doc)
                if any(CONCLUSION_HEADING.search(text) for _, text, _ in other):
                    rows = other
                    break
        chunk_id = None
        if item is not None:  # the chunk holding the line numbered n (within the part asked for, if any)
            within = [r for r in rows if part != "conclusion" or CONCLUSION_HEADING.search(r[1])] or rows
            found = sorted((len(text) - line[0], cid) for cid, text, _ in within if (line := item_line(text, item)))
            chunk_id, part = (found[-1][1], f"item {item}") if found else (None, part)
            if not found and any(item_line(text, 1) for _, text, _ in within):
                # a seventh point of a five-point list: the article does not state it
                passages[0].section = f"missing item {item}"
                return passages
        if chunk_id is None and part is not None:
            chunk_id = part_chunk(part, rows)
        if chunk_id is None:
            return passages
        # its cosine to the question, as the other passages have it (the gate judges it too)
        stored = self.index.collection().get(ids=[chunk_id], include=["embeddings"])["embeddings"][0]
        cosine = float(np.dot(stored, self.index.model.embeddings.embed_query(question)))
        section = self._passages([(chunk_id, passages[0].score)], {chunk_id: cosine}, {})
        section[0].section = part
        ranked = section + [p for p in passages if p.chunk_id != chunk_id][:len(passages) - 1]
        for rank, p in enumerate(ranked, start=1):
            p.rank = rank
        return ranked

    def gate_passages(self, question: str, query: str, passages: list[Passage], doc_ids: list[str] | None,
                      mode: str = "hybrid") -> list[Passage]:
        """The passages the gate judges: the retrieved ones (dense-scored), and, when a named article
        was searched without the words naming it, also its passages closest to the whole question.
        "Was ist Hansjörg Leichsenring von Beruf?" searched as "Was ist von Beruf?" finds his
        article's author note, but that text scores 0.82 against it; the question as asked, 0.87."""
        judged = passages if mode != "bm25" else self.search(query, mode="dense", doc_ids=doc_ids)
        if query != question and doc_ids:
            judged = judged + self.search(question, mode="dense", doc_ids=doc_ids, k=3)
        return judged

    def only_a_section(self, question: str, passages: list[Passage]) -> bool:
        """Does the question ask only for the part of an article that leads the passages ("Was steht
        im Fazit des Infobriefs?", "Womit endet der Blogbeitrag …?": no term besides the part and the article)?"""
        if not leading_part(passages):
            return False
        return not specific_terms(without_names(without_position(question), self.articles()), self.domain_words())

    def only_a_name(self, question: str) -> bool:
        """Does the question ask only who a person the articles name is ("Who is Egbert Wege?", "Wer
        ist Elke Frank?")? Then the sentences naming them are the answer, however low the question
        scores against them (0.80, below the English gate)."""
        match = _WHO_IS.fullmatch(question.strip())
        return bool(match) and all(self.bm25().knows(w) for w in (match.group(1) or match.group(2)).split())

    def gate(self, question: str, passages: list[Passage] | None = None, cross_language: bool | None = None) -> GateDecision:
        """Is the best passage good enough to answer from? Uses the best dense similarity,
        with a lower bar for English questions (they score lower against German text).
        A number in the question (a year, a figure) that no passage contains means the
        articles do not speak about it; so does a name in an English question that no article
        holds (assistant/names.py). `cross_language`: the question is not German (default: by lingua)."""
        if passages is None:
            passages = self.search(question, mode="dense")
        scores = [p.sentence_score if self.settings.gate.on == "sentence" and p.sentence_score is not None else p.dense_score
                  for p in passages]
        best = max((s for s in scores if s is not None), default=0.0)
        threshold = self.settings.gate.threshold
        if cross_language is None:
            cross_language = german_probability(question) < 0.5
        if cross_language:
            threshold -= self.settings.gate.english_offset
        # no similarity bar for a question asking only for the part of an article ("Was steht im Fazit des
        # Infobriefs?" scores 0.83 against it) or only who a person the articles name is ("Who is Egbert Wege?")
        if best < threshold and not self.only_a_section(question, passages) and not self.only_a_name(question):
            return GateDecision(False, best, threshold, "best passage below the threshold")
        # only what the question asks: the context a user gives before it ("Wir sind ein kleiner Sportverein und
        # überlegen, einen Instagram-Kanal aufzumachen. Welche drei Fragen …?") need not be in the articles
        asked = asked_sentences(question)
        missing = [n for n in _NUMBER.findall(asked) if not any(n in p.text for p in passages)]
        if missing:  # a number in the header of a passage's article ("the online article from September 2014") names the article
            docs = {p.doc_id for p in passages}
            headers = " ".join(f"{a.title} {a.date or ''} {a.source or ''}" for a in self.articles() if a.doc_id in docs)
            missing = [n for n in missing if n not in headers]
        if missing:
            return GateDecision(False, best, threshold, f"{missing[0]} occurs in no passage")
        # a platform is a name in any spelling ("our company instagram account")
        unknown = (unknown_names(asked, self.bm25().knows) if cross_language else []) or unknown_brand_names(asked, self.bm25().knows)
        if unknown:
            return GateDecision(False, best, threshold, f"{unknown[0]} occurs in no article")
        return GateDecision(True, best, threshold)
