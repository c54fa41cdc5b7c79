"""English words said in German by the FreeDict dictionary of the Debian package dict-freedict-eng-deu
(.ci/run installs it): read from its real files, and what it changes in the answers to English
questions (dev questions that quoted a neighbouring sentence before)."""

import pytest

from assistant import bilingual
from assistant.answerability import AnswerabilityCheck, _translation_stems, translated_terms
from assistant.chain import Assistant

INFOBRIEF, CHECKLIST = "003_9528e93dca253b73", "002_227b074fa25a8987"


@pytest.fixture(scope="module")
def assistant(ready_index):
    return Assistant(ready_index.settings, ready_index)


def test_the_dictionary_gives_german_words_for_english_ones_and_their_base_forms():
    assert bilingual.available(), "install the Debian package dict-freedict-eng-deu (sudo apt-get install dict-freedict-eng-deu)"
    assert {"Fernsehen", "Fernseher"} <= bilingual.translations("television")
    assert "Tüftler" in bilingual.translations("tinkerers")  # plural -> "tinkerer"
    assert "billiger" in bilingual.translations("cheaper") and "billig" in bilingual.translations("cheaper")  # and "cheap"
    assert "Ziele" in bilingual.translations("goals")
    assert "groß" in bilingual.translations("bigger")  # a doubled consonant before the ending: "big"
    # translations only: no examples, notes, grammar or cross-references
    assert not any(w.startswith(("<", "[", "{", '"')) or " " in w for w in bilingual.translations("return"))
    assert bilingual.translations("qwxzv") == frozenset()


def test_a_translation_is_found_as_a_word_or_in_a_compound():
    stems = {"fernsehwerb", "kostengunst", "kund"}  # "Fernsehwerbung", "kostengünstig", "Kunden"
    assert translated_terms({"televis": "television", "custom": "customers", "cheap": "cheap", "wrong": "wrong"}, stems) == {
        "televis": "fernsehwerb", "custom": "kund", "cheap": "kostengunst"}


def test_without_the_dictionary_nothing_is_translated(monkeypatch, tmp_path, assistant):
    monkeypatch.setenv("ASSISTANT_DICTIONARY_DIR", str(tmp_path))
    bilingual.translations.cache_clear()
    _translation_stems.cache_clear()
    try:
        assert not bilingual.available() and bilingual.translations("television") == frozenset()
        # and an English share's qualifier is not required: it could only be found by a translation
        result = assistant.ask("What share of the discussion about credit institutions takes place on social media channels?",
                               backend="extractive")
        assert "credit" not in (result.refusal_reason or ""), result.refusal_reason
    finally:
        bilingual.translations.cache_clear()
        _translation_stems.cache_clear()


def test_the_check_matches_an_english_word_by_its_translation_only_for_an_english_question(assistant):
    check: AnswerabilityCheck = assistant.answerability
    # e5 word similarity does not find "tinkerers" in "Tüftler"
    text = "50 Prozent aller Procter&Gamble-Innovationen kommen bereits von Horden externer Tüftler, Kunden, Enthusiasten"
    assert check.matches_and_similar({"tinker": "tinkerers"}, text, english=True)[0] == {"tinker": "Tüftler"}
    assert check.matches_and_similar({"tinker": "tinkerers"}, text)[0] == {}


@pytest.mark.parametrize("question, doc, fact", [
    # dev d22en02: "tv ads" / "cheaper" met no German word; the checklist was quoted
    ("is social media really cheaper than tv ads for reaching lots of potential customers?", INFOBRIEF, "Fernsehwerbung"),
    # dev d22en11: "recognise" is "erkennen"; the Infobrief's sentence on organisational culture was quoted
    ("What examples does the author give of what goes wrong when organisations don't recognise people's new power to "
     "make themselves heard?", CHECKLIST, "Fachkräfte"),
])
def test_an_english_question_quotes_the_sentence_saying_its_words_in_german(assistant, question, doc, fact):
    result = assistant.ask(question, backend="extractive")
    assert not result.refused, result.refusal_reason
    assert result.citations[0].doc_id == doc and fact in result.answer, result.answer


def test_the_whole_an_english_share_is_about_must_be_said_by_a_translation(assistant):
    # dev d15en19: the articles give the share of the talk about banks, not about insurers
    result = assistant.ask("According to Zieltraffic, what share of the online discussion about insurance companies happens on "
                           "social media?", backend="extractive")
    assert result.refused and "insurance" in result.refusal_reason, result.answer
    result = assistant.ask("What share of the discussion about banks takes place on social media channels?", backend="extractive")
    assert not result.refused and "70 Prozent" in result.answer, result.answer


def test_the_kind_of_whole_an_english_share_is_of_must_be_said_by_a_translation(assistant):
    # dev d17en18: the articles give the share of internet users in Germany, not in Austria
    result = assistant.ask("What percentage of Austrian internet users are registered on a social network according to Bitkom?",
                           backend="extractive")
    assert result.refused and "Austrian" in result.refusal_reason, result.answer
    # dev d19en02: "bigger" is said by "größeren" in the window the check reads, and "ein Viertel der größeren Unternehmen"
    # is a share of those companies
    result = assistant.ask("what share of bigger companies actually use social media to talk to the outside world?", backend="extractive")
    assert not result.refused and "ein Viertel der größeren Unternehmen" in result.answer, result.refusal_reason
