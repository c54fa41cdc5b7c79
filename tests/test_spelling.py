"""A misspelt name or noun of a question is read as the articles write it; real words and other names stay."""

import pytest

from assistant.chain import Assistant
from assistant.retrieval import Retriever
from assistant.spelling import respelled


@pytest.fixture(scope="module")
def retriever(ready_index):
    return Retriever(ready_index, ready_index.settings)


@pytest.fixture(scope="module")
def assistant(ready_index):
    return Assistant(ready_index.settings, ready_index)


def _respelled(question, retriever):
    return respelled(question, retriever.capitalised_forms(), retriever.bm25().knows)


@pytest.mark.parametrize("question, read", [
    ("What does Leichsenrng say about banks?", "What does Leichsenring say about banks?"),  # a letter left out
    ("Welche Faktoren nennt Elke Frnak?", "Welche Faktoren nennt Elke Frank?"),  # two letters swapped
    ("Welche Zahl nennt der Verband Bitcom?", "Welche Zahl nennt der Verband Bitkom?"),  # one letter wrong
    ("Was sagt der Artikel über Fernsehwerbunng?", "Was sagt der Artikel über Fernsehwerbung?"),  # a German noun
])
def test_a_misspelt_word_is_read_as_the_articles_write_it(question, read, retriever):
    assert _respelled(question, retriever) == read


@pytest.mark.parametrize("question", [
    "What does Egbert Wegener earn?",  # another name: three edits from "Wege"
    "Sind wir damit eher die Ausnahme oder die Regel?",  # a German word ("Zunahme" is one edit away)
    "Wie viele Unternehmen hat der Bitkom für die Erhebung befragt?",  # not "Erhöhung"
    "Since when has Egbert Wege been a partner at Roland Berger?",  # an English word, not "Sinne"
    "Which study did the University of St. Gallen publish?",  # not "Universität"
    "Welcher Anteil der Firmen geht planvoll vor?",  # a stopword, not "Welche"
    "Which hashtags get the most reach on TikTok?",  # a name no article holds, near none of theirs
])
def test_real_words_and_other_names_stay(question, retriever):
    assert _respelled(question, retriever) == question


def test_a_question_misspelling_a_name_is_answered_not_refused(assistant):
    # "Leichsenrng occurs in no article" refused it (d31en14)
    result = assistant.ask("Why does Leichsenrng say that social media is not a virtual world?", backend="extractive")
    assert not result.refused
    assert {c.doc_id for c in result.citations} == {"000_d8e9858a35932665"}
    german = assistant.ask("Was sagt Leichsenrig über den ROI von Social Media?", backend="extractive")
    assert not german.refused and "ROI" in german.answer


def test_a_question_about_a_name_near_none_of_theirs_is_still_refused(assistant):
    result = assistant.ask("What did Professor Hinterhuber say about social media?", backend="extractive")
    assert result.refused and result.refusal_reason == "Hinterhuber occurs in no article"
