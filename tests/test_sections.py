"""The part of an article a question asks about (assistant/sections.py): its conclusion, its end,
its beginning, found by position, not by similarity."""

import pytest

from assistant.chain import Assistant
from assistant.sections import asked_part, part_chunk, without_position

BLOG, SPRINGER, CHECKLIST = "004_c2c9fdd1f531437e", "001_0641b772f0ced2db", "002_227b074fa25a8987"


@pytest.mark.parametrize("question, part", [
    ("Womit endet der Blogbeitrag zum Business Case von Social Media?", "end"),
    ("Was steht ganz am Schluss des Infobriefs?", "end"),
    ("How does the Springer Professional article end?", "end"),
    ("What is the last point the CIO article makes?", "end"),
    ("Mit welchem Satz beginnt der Online-Artikel von Annette Speck?", "beginning"),
    ("With which question does the blog post open?", "beginning"),
    ("Was steht im Fazit des Infobriefs?", "conclusion"),
    # no part of a text
    ("Welche Fragen sollte man sich zu Beginn einer Social-Media-Strategie stellen?", None),
    ("Was ist laut dem Blogbeitrag am Anfang der Überlegungen wichtig?", None),
    ("Wie endet die Geschichte von Obama?", None),  # no word for an article
    ("At the end of the day, what matters according to the article?", None),
])
def test_the_part_a_question_asks_about(question, part):
    assert asked_part(question) == part


def test_where_in_the_article_is_no_fact_to_find():
    assert without_position("Mit welchem Satz beginnt der Online-Artikel von Annette Speck?") == "Mit welchem der Online-Artikel von Annette Speck?"
    assert without_position("Was steht ganz am Schluss des Infobriefs?") == "Was steht am Infobriefs?"


def test_the_part_is_found_by_position():
    chunks = [("a#1", "Mitte.", 1), ("a#0", "Anfang.", 0), ("a#2", "Fazit – Soziale Medien:\n\n1. Punkt", 2), ("a#3", "Ende.", 3)]
    assert (part_chunk("beginning", chunks), part_chunk("end", chunks), part_chunk("conclusion", chunks)) == ("a#0", "a#3", "a#2")
    assert part_chunk("conclusion", chunks[:2]) == "a#1"  # no heading: the last chunk


@pytest.mark.parametrize("question, doc, quoted", [
    ("Womit endet der Blogbeitrag zum Business Case von Social Media?", BLOG, "Früchte tragen"),
    ("Mit welchem Satz beginnt der Online-Artikel von Annette Speck?", SPRINGER, "Alle Welt tummelt sich heute in sozialen Netzwerken."),
    # its last sentence is short: every sentence of the part counts
    ("How does the ironic checklist end?", CHECKLIST, "Wir helfen Ihnen gerne dabei!"),
])
def test_a_question_about_where_an_article_begins_or_ends_quotes_that_part(ready_index, question, doc, quoted):
    result = Assistant(ready_index.settings, ready_index).ask(question, backend="extractive")
    assert not result.refused, result.refusal_reason
    assert result.retrieved[0].section in ("end", "beginning") and {c.doc_id for c in result.citations} == {doc}
    assert quoted in result.answer
