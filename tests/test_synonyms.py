"""German synonyms from OpenThesaurus (Debian package mythes-de; .ci/run installs it), read from its real
files, and what they change in the answerability check (dev questions answered with a neighbouring fact before)."""

import pytest

from assistant import synonyms
from assistant.answerability import synonym_terms
from assistant.chain import Assistant

ZIELTRAFFIC = "000_d8e9858a35932665"


@pytest.fixture(scope="module")
def assistant(ready_index):
    return Assistant(ready_index.settings, ready_index)


def test_the_thesaurus_gives_synonyms_not_broader_terms():
    assert synonyms.available(), "install the Debian package mythes-de (sudo apt-get install mythes-de)"
    assert {"bank", "sparkass", "geldinstitut"} <= synonyms.synonym_stems("geldhaus")  # "Geldhäuser"
    # an insurer is a company ("Unternehmen (Oberbegriff)"), no bank and no synonym of one
    assert "bank" not in synonyms.synonym_stems("versicher") and "unternehm" not in synonyms.synonym_stems("versicher", True)
    assert synonyms.synonym_stems("qwxzv") == frozenset()


def test_a_synonym_is_found_as_a_word_or_in_a_compound():
    assert synonym_terms({"geldhaus": "Geldhäuser", "versicher": "Versicherungen"}, {"thema", "bank", "diskussion"}) == {"geldhaus": "bank"}
    assert synonym_terms({"angestellt": "Angestellte"}, {"mitarbeiterbefrag"}) == {"angestellt": "mitarbeiterbefrag"}


def test_without_the_thesaurus_there_are_no_synonyms(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_THESAURUS_DIR", str(tmp_path))
    synonyms.synonym_stems.cache_clear()
    try:
        assert not synonyms.available() and synonyms.synonym_stems("geldhaus") == frozenset()
    finally:
        synonyms.synonym_stems.cache_clear()


def test_the_whole_a_share_is_of_must_be_said_by_its_word_or_a_synonym(assistant):
    # dev d16de18 / d24de19: the articles give the share of the talk about banks, not about insurers
    # ("Versicherungen" / "Thema" of "rund um das Thema Banken" passed by e5 word similarity)
    for question in ["Wie viel Prozent der Gespräche über Versicherungen finden laut Zieltraffic in sozialen Medien statt?",
                     "Wie hoch ist laut Zieltraffic der Anteil der Diskussionen über Versicherungen, der in sozialen Medien stattfindet?"]:
        result = assistant.ask(question, backend="extractive")
        assert result.refused and "Versicherungen" in result.refusal_reason, result.answer
    # dev d12de01: "Geldhäuser" are "Banken" by the thesaurus
    result = assistant.ask("Laut einer Online-Agentur: welcher Anteil der Gespräche rund um Geldhäuser läuft inzwischen über "
                           "soziale Medien?", backend="extractive")
    assert not result.refused and result.citations[0].doc_id == ZIELTRAFFIC and "70 Prozent" in result.answer, result.answer
