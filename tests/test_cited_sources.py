"""Questions for the sources the articles cite: every citing sentence of the named articles (else of
all) is the answer, although such a question scores under the gate's bar against every passage."""

import pytest

from assistant.chain import Assistant
from assistant.cited_sources import asked_sources

SPRINGER, INFOBRIEF = "001_0641b772f0ced2db", "003_9528e93dca253b73"


@pytest.fixture(scope="module")
def assistant(ready_index):
    return Assistant(ready_index.settings, ready_index)


@pytest.mark.parametrize("question, kind", [
    ("Auf welche Studien und Institutionen stützt sich der Springer-Artikel mit seinen Zahlen?", "any"),
    ("Welche Universitäten werden in den Artikeln als Quelle für Studien oder Publikationen zu Social Media genannt?", "university"),
    ("Two of the articles cite research from universities. Which universities are they?", "university"),
    ("Which studies does the Infobrief cite?", "any"),
    # the source of one figure, where an article appeared, a detail of a study, studies on another topic
    ("Which research firm is named as the source for a quarter of larger companies using social media externally?", None),
    ("What is the source of the Springer article?", None),
    ("Wie viele Teilnehmer hatte die Studie der Universität St. Gallen?", None),
    ("Welche Studien gibt es zu TikTok?", None),
])
def test_a_question_asking_only_for_the_cited_sources(assistant, question, kind):
    retriever = assistant.retriever
    assert asked_sources(question, retriever.articles(), retriever.domain_words()) == kind


def test_the_studies_an_article_cites_are_all_quoted_from_it(assistant):
    # refused before: "best passage below the threshold" (0.807 < 0.83), d30de12
    answer = assistant.ask("Auf welche Studien und Institutionen stützt sich der Springer-Artikel mit seinen Zahlen?", backend="extractive")
    assert not answer.refused
    assert all(name in answer.answer for name in ("Bitkom", "TNS Infratest", "Roland Berger"))
    assert {c.doc_id for c in answer.citations} == {SPRINGER}


def test_the_universities_the_articles_cite_come_from_each_article(assistant):
    # refused (d30en15) or quoted one of the two (d10en19, d12de16) before
    answer = assistant.ask("Two of the articles cite research from universities. Which universities are they?", backend="extractive")
    assert not answer.refused and "Münster" in answer.answer and "St. Gallen" in answer.answer
    assert len({c.doc_id for c in answer.citations}) == 2
    answer = assistant.ask("Which studies does the Infobrief cite?", backend="extractive")
    assert "herausgefunden" in answer.answer and {c.doc_id for c in answer.citations} == {INFOBRIEF}
