"""Users' ratings as evaluation questions: `assistant feedback export` turns every rated answer into
a line of the question-file format (eval/questions.jsonl) that `assistant eval` runs.

What a rating says about the question:
- 👍 on an answer: answerable, from the articles the answer cited (gold_docs);
- 👍 on a refusal: not answerable (the user agrees the articles do not say);
- 👎 on a refusal: answerable (a false refusal), article unknown: needs_review;
- 👎 on an answer: not answerable when the comment says the articles do not hold it ("steht nicht
  im Artikel", "not in the articles"), else answerable and wrongly answered: needs_review.
Facts are left empty: a rating does not say which words a right answer must contain; a reviewer
adds them (and gold_docs where unknown) before the file joins a test set.
"""

from __future__ import annotations

import re

from .conversations import Rating

NOT_IN_ARTICLES = re.compile(
    r"nicht (?:in|im) (?:den |dem )?(?:artikeln?|texten?|quellen)|steht (?:da |dort )?(?:so )?nicht|"
    r"(?:gibt|geben) (?:die artikel|der artikel) (?:das |dazu )?nicht|nicht (?:belegt|enthalten|erwähnt)|"
    r"not (?:in|stated in|mentioned in) the (?:articles?|texts?|sources)|(?:do|does)(?:n't| not) say|should (?:have )?refused?",
    re.IGNORECASE,
)


def question_line(rating: Rating) -> dict:
    result = rating.result
    refused = bool(result.get("refused"))
    comment = (rating.comment or "").strip()
    cited = list(dict.fromkeys(c["doc_id"] for c in result.get("citations", [])))
    if rating.rating > 0:
        answerable, gold, review = not refused, ([] if refused else cited), False
    elif refused:
        answerable, gold, review = True, [], True
    elif NOT_IN_ARTICLES.search(comment):
        answerable, gold, review = False, [], False
    else:
        answerable, gold, review = True, [], True
    return {
        "id": f"fb-{rating.conversation[:8]}-{rating.n}",
        "lang": result.get("language") or "de",
        "question": rating.question,
        "answerable": answerable,
        "gold_docs": gold,
        "facts": [],
        "style": "feedback",
        "rating": "up" if rating.rating > 0 else "down",
        "comment": comment or None,
        "needs_review": review,
        "rated_answer": result.get("answer"),
        "user": rating.user or None,
    }


def question_lines(ratings: list[Rating]) -> list[dict]:
    return [question_line(r) for r in ratings]
