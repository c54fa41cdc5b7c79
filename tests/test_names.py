"""A name in an English question that no article holds: the articles do not speak about it."""

import pytest

from assistant.chain import Assistant
from assistant.names import question_names, unknown_brand_names, unknown_names
from assistant.retrieval import Retriever


@pytest.mark.parametrize("question, names", [
    ("Which hashtags get the most reach on TikTok?", [["TikTok"]]),
    ("How do I convert Celsius to Fahrenheit?", [["Celsius"], ["Fahrenheit"]]),
    ("Who heads the Digitalization Think:Lab at the University of Münster?", [["Digitalization", "Think"], ["University", "Münster"]]),
    ("What did Procter & Gamble gain from the crowd?", [["Procter", "Gamble"]]),
    # not names: a sentence's first word, "I", nationalities and months, short acronyms, a title-cased question
    ("How many German companies define goals? Which share uses HR and ROI figures in September?", []),
    ("What Does The Article Say About Strategy?", []),
    ("¿Qué significa la palabra latina socius?", []),  # a Spanish question's first word
    # a quoted German title's first word starts a quotation
    ("How long does the 'Keine Angst vor Social Media' piece take to read?", [["Social", "Media"]]),
])
def test_question_names(question, names):
    assert question_names(question) == names


def test_unknown_names_by_the_index_vocabulary(ready_index):
    knows = Retriever(ready_index, ready_index.settings).bm25().knows
    assert knows("Obama")  # the articles write "Obamas": a longer word starting with the name counts
    assert knows("Münster") and not knows("TikTok")
    assert unknown_names("What does Egbert Wege of Roland Berger say about TikTok and Instagram?", knows) == ["TikTok", "Instagram"]
    # one known word of a name is enough: "University" is "Universität" in the articles
    assert unknown_names("Which study did the University of St. Gallen publish?", knows) == []


@pytest.fixture(scope="module")
def assistant(ready_index):
    return Assistant(ready_index.settings, ready_index)


@pytest.mark.parametrize("question", [
    "Which hashtags get the most reach on TikTok?",
    # a capital inside a word marks a name in a German question too ("TikTok" met "Facebook" at the word bar)
    "Was sagt das Fazit über TikTok?",
])
def test_a_question_about_a_name_no_article_holds_is_refused(assistant, question):
    result = assistant.ask(question, backend="extractive")
    assert result.refused and result.refusal_reason == "TikTok occurs in no article"


def test_an_english_question_with_names_the_articles_hold_is_answered(assistant):
    result = assistant.ask("How much did Obama's campaign raise through crowdfunding according to the article?", backend="extractive")
    assert not result.refused
    assert "30 Millionen" in result.answer


def test_a_platform_name_is_a_name_in_a_german_question_too():
    # "Instagram" looks like any German noun; the word bar matched it to "Facebook" (.915)
    known = {"facebook", "xing"}.__contains__
    assert unknown_brand_names("Zu welcher Uhrzeit sollte man auf Instagram posten?", lambda w: known(w.lower())) == ["Instagram"]
    assert unknown_brand_names("Welche Plattformen wie Facebook oder Xing nutzen Firmen?", lambda w: known(w.lower())) == []
