"""`assistant judge FILE`: answers written by any system, judged against the articles.

Input: JSONL, one answer per line, in our fields or RAGAS's:
  question | user_input                      the question (required)
  answer | response                          the answer to judge (required)
  contexts | retrieved_contexts              optional: the passages the system answered from; "[n]"
                                             in the answer cites contexts[n-1]
  cited_doc_ids | doc_ids                    optional: article ids the answer cites
  facts | ground_truth | reference           optional: expected facts (lists of alternatives, as in
                                             eval/questions.jsonl) or a reference answer
  answerable, gold_docs, id, lang            optional

Each answer sentence is checked against the articles themselves (the passages this assistant
retrieves for the question and for the sentence), whatever the answer cites, with the same
verifier as our own answers (grounding.py, measured in eval/results/verifier.md); given
contexts are looked up in the articles (a context found nowhere is an invented source); cited
contexts must support the sentence citing them. Whether the answer should have been a refusal
comes from `answerable` when given, else from this assistant's own refusal decision.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..chain import Assistant
from ..chunking import sentence_spans
from ..claim_check import ClaimChecks
from ..errors import AssistantError
from ..grounding import CITATION, answer_sentences, best_support, check_citations, cited_numbers, score_sentences
from ..question import answer_language as question_language
from ..verify import is_refusal
from .llm_judge import second_opinion
from .metrics import answer_language, facts_covered
from .questions import json_lines

FIELDS = {"question": ("question", "user_input"), "answer": ("answer", "response"),
          "contexts": ("contexts", "retrieved_contexts"), "cited_doc_ids": ("cited_doc_ids", "doc_ids"),
          "reference": ("ground_truth", "reference", "ground_truths")}
# Refusals in the words other systems use, besides ours (verify.is_refusal).
REFUSAL_WORDS = re.compile(
    r"\b(keine (informationen|angaben|aussage)|nicht (erwähnt|genannt|enthalten)|enthalten .{0,40}keine|"
    r"no information|not (mention|say|state|contain|provide)|do(es)? not (mention|say|state|contain|provide)|"
    r"cannot (answer|find)|i don't know|weiß (ich )?nicht)\b", re.IGNORECASE)


def load_answers(path: Path, answer_field: str | None = None) -> list[dict]:
    """The answers of a JSONL file in one shape; a clear error naming the line for a bad one.
    `answer_field` judges another field as the answer (e.g. `raw_answer` of our own eval results:
    the model's text before verification); lines without it are skipped."""
    answers = []
    for number, item in json_lines(path, "answers"):
        row = {"id": str(item.get("id", number))}
        for name, keys in FIELDS.items():
            row[name] = next((item[k] for k in keys if item.get(k) is not None), None)
        if answer_field:
            if item.get(answer_field) is None:
                continue
            row["answer"] = item[answer_field]
        if not isinstance(row["question"], str) or not isinstance(row["answer"], str):
            raise AssistantError(f"{path}:{number}: needs a 'question' (or 'user_input') and an 'answer' (or 'response') as text")
        if isinstance(row["reference"], list):
            row["reference"] = " ".join(map(str, row["reference"]))
        row.update({k: item.get(k) for k in ("facts", "answerable", "gold_docs", "lang")})
        answers.append(row)
    if not answers:
        raise AssistantError(f"{path} holds no answers" + (f" with a '{answer_field}' field." if answer_field else "."))
    return answers


class Judge:
    def __init__(self, assistant: Assistant, llm=None):
        self.assistant = assistant
        self.llm = llm  # an LLM backend for a second opinion per sentence (llm_judge.py), or None
        self.embeddings = assistant.index.model.embeddings
        g = assistant.settings.grounding
        self.bars = (g.support_threshold, g.support_threshold_en, ClaimChecks.from_settings(g))  # the chain's verifier
        self._sentences: dict[str, str] | None = None

    def judge(self, item: dict) -> dict:
        question, answer = item["question"], item["answer"].strip()
        lang = item.get("lang") or question_language(question)[0]
        ours = self.assistant.ask(question, backend="extractive")  # its passages, and its own refusal decision
        refused = looks_like_refusal(answer)
        expected_refusal = (not item["answerable"]) if item.get("answerable") is not None else ours.refused
        contexts = [c for c in item.get("contexts") or [] if isinstance(c, str)]
        text, citations = check_citations(answer, len(contexts)) if contexts else (answer, None)
        row = {
            "id": item["id"], "question": question, "answer": answer, "lang": lang, "answer_lang": answer_language(answer),
            "refused": refused, "expected_refusal": expected_refusal,
            "expected_by": "answerable field" if item.get("answerable") is not None else "this assistant's refusal decision",
            "verdict": _verdict(refused, expected_refusal),
            "contexts": [self.locate(c) for c in contexts],
            "invalid_citations": citations.invalid if citations else [],
            "sentences": [] if refused else self.sentences(text, contexts, ours.retrieved),
        }
        known = {a.doc_id for a in self.assistant.retriever.articles()}
        cited_docs = item.get("cited_doc_ids") or []
        row["cited_doc_ids"] = [{"doc_id": d, "exists": d in known} for d in cited_docs]
        row["fact_recall"] = self.fact_recall(answer, item)
        return row

    def sentences(self, text: str, contexts: list[str], passages) -> list[dict]:
        spans = answer_sentences(text)
        claims = [CITATION.sub("", text[s:e]).strip() for s, e in spans]
        found: dict[str, object] = {p.chunk_id: p for p in passages}
        for claim in claims:  # the passages nearest each sentence too: an answer may go beyond the question
            for p in self.assistant.retriever.search(claim, k=3):
                found.setdefault(p.chunk_id, p)
        pool = list(found.values())
        support = best_support(claims, [p.text for p in pool], self.embeddings, *self.bars)
        cited = score_sentences(text, contexts, self.embeddings, *self.bars) if contexts and cited_numbers(text) else []
        rows = []
        for i, ((s, e), claim, (n, ok, score, reason, span)) in enumerate(zip(spans, claims, support)):
            evidence = None
            if n is not None:
                p = pool[n - 1]
                a, b = span
                evidence = {"doc_id": p.doc_id, "title": p.title, "quote": p.text[a:b], "start": p.start + a, "end": p.start + b}
            by_citation = cited[i] if i < len(cited) and cited[i].citations else None
            rows.append({"text": text[s:e], "supported": ok, "score": score, "reason": reason or ("" if ok else "no article sentence close enough"),
                         "evidence": evidence, "cited": by_citation.citations if by_citation else [],
                         "cited_supported": by_citation.supported if by_citation else None})
            if self.llm is not None:  # asked about the same passage the verifier judged by
                rows[-1]["llm_supported"] = second_opinion(self.llm, claim, pool[n - 1].text) if n is not None else None
        return rows

    def locate(self, context: str) -> dict:
        """Where a given context stands in the articles: the article holding most of its sentences."""
        sentences = self._article_sentences()
        hits: dict[str, int] = {}
        pieces = [_norm(context[s:e]) for s, e in sentence_spans(context)]
        pieces = [p for p in pieces if len(p) >= 25]
        for piece in pieces:
            doc = sentences.get(piece)
            if doc:
                hits[doc] = hits.get(doc, 0) + 1
        doc, count = max(hits.items(), key=lambda kv: kv[1], default=(None, 0))
        share = count / len(pieces) if pieces else 0.0
        return {"text": context[:200], "found": share >= 0.5, "doc_id": doc, "share_of_sentences": round(share, 3)}

    def _article_sentences(self) -> dict[str, str]:
        """Every sentence of every indexed chunk, normalised -> its article."""
        if self._sentences is None:
            _, texts, metas = self.assistant.index.all_chunks()
            self._sentences = {}
            for text, meta in zip(texts, metas):
                for s, e in sentence_spans(text):
                    self._sentences.setdefault(_norm(text[s:e]), meta["doc_id"])
        return self._sentences

    @staticmethod
    def fact_recall(answer: str, item: dict) -> float | None:
        if item.get("facts"):
            covered = facts_covered(answer, item["facts"])
            return round(sum(covered) / len(covered), 4)
        if item.get("reference"):  # a reference answer: share of its content words the answer holds
            from ..grounding import content_words

            expected = content_words(item["reference"])
            return round(len(expected & content_words(answer)) / len(expected), 4) if expected else None
        return None


def looks_like_refusal(answer: str) -> bool:
    plain = CITATION.sub("", answer).strip()
    return is_refusal(plain) or (len(plain) < 200 and bool(REFUSAL_WORDS.search(plain)))


def _verdict(refused: bool, expected_refusal: bool) -> str:
    if refused and expected_refusal:
        return "refused rightly"
    if refused:
        return "refused although answerable"
    if expected_refusal:
        return "answered although it should have refused"
    return "answered"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
