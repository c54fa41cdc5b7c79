"""The part of an article a question asks about (assistant/sections.py): its conclusion, its end,
its beginning, found by position, not by similarity."""

import pytest

from assistant.chain import Assistant
from assistant.sections import asked_item, asked_part, item_line, part_chunk, without_position

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


@pytest.mark.parametrize("question, n", [
    ("Was ist der dritte Punkt im Fazit des Infobriefs?", 3),
    ("What is the second misunderstanding the CIO article discusses?", 2),
    ("Was steht in Punkt 4 des Fazits?", 4),
    ("Was ist der erste Schritt zu einer Strategie?", None),  # no list of a text
    # dev d16de15: the point asked for by "als erster"; "first" at the end
    ("Der Beitrag von dem Interimsmanager aus der Finanzbranche: Welcher Irrglaube wird da als erster aufgegriffen?", 1),
    ("Which misconception does the article discuss first?", 1),
    ("Welcher Irrtum wird im Artikel zuerst genannt, und wie oft?", None),  # no ordinal
])
def test_the_numbered_point_a_question_asks_for(question, n):
    assert asked_item(question) == n


def test_the_numbered_line():
    text = "Fazit – Soziale Medien:\n\n  1. Relativ kostengünstig\n  2. Attraktiv\n  3. Verbesserung des Wissensaustauschs\n"
    start, end = item_line(text, 3)
    assert text[start:end] == "3. Verbesserung des Wissensaustauschs" and item_line(text, 4) is None


@pytest.mark.parametrize("question, quoted", [
    ("Was ist der dritte Punkt im Fazit des Infobriefs?", "3. Verbesserung des Wissensaustauschs innerhalb einer Organisation"),
    # a numbered heading brings the sentences that explain it
    ("What is the second misunderstanding the CIO article discusses?", "altruistisch motiviert"),
])
def test_the_nth_point_of_a_list_is_quoted(ready_index, question, quoted):
    result = Assistant(ready_index.settings, ready_index).ask(question, backend="extractive")
    assert not result.refused, result.refusal_reason
    assert result.retrieved[0].section.startswith("item ") and quoted in result.answer


def test_a_point_the_list_does_not_have_is_refused(ready_index):
    result = Assistant(ready_index.settings, ready_index).ask("Was ist der siebte Punkt im Fazit des Infobriefs?", backend="extractive")
    assert result.refused and result.refusal_reason == "the article has no point 7"


def test_an_end_question_with_a_dash_after_end_asks_for_the_end():
    # dev d10en12: "… article end — what does it recommend?" (an em dash, not a hyphen)
    assert asked_part("How does the tongue-in-cheek social media article end — what does it recommend and offer?") == "end"
    assert asked_part("Der Text mit den fünf Punkten am Schluss – welche Vorteile zählt er auf?") == "end"


def test_an_item_of_an_article_named_by_its_author_is_an_item():
    # test question tde31 (read): "laut Hansjörg Leichsenring das dritte Missverständnis" names the article by its author
    question = "Was ist laut Hansjörg Leichsenring das dritte Missverständnis über soziale Medien?"
    assert asked_item(question) is None and asked_item(question, names_article=True) == 3


def test_a_position_in_a_clause_describing_the_article_is_not_asked_for():
    # d24en16: the opening was quoted for the study the blog post cites
    assert asked_part("The blog post that opens by asking what you're actually doing on social media and what you can "
                      "achieve with it – which university's study on social media returns does it reference?") is None
    assert asked_part("Im Beitrag, der mit einer Frage beginnt: Welche Studie wird zitiert?") is None
    assert asked_part("How does the blog post open?") == "beginning"
    # d31en13: "open up" is what companies do, not the article
    assert asked_part("Why shouldn't companies fear losing control when they open up to social media, according to the checklist?") is None
    # d26en16: the clause ends at a comma before the question word
    assert asked_part("In the tongue-in-cheek checklist that ends with an offer of help, whose video is cited as describing "
                      "the cultural change?") is None
    assert asked_part("What does the checklist that ends with an offer of help say at the end?") == "end"
    # d27en16, d27en15: an English relative clause about something the description names
    assert asked_part("The tongue-in-cheek piece listing sure-fire ways to fail on social media, written by an agency that "
                      "offers its help at the end: over how many years does it say we have lived through a digital revolution?") is None
    assert asked_part("In the downloadable, newsletter-style info letter from a consultancy that ends with a five-point "
                      "conclusion: what is named as the main goal companies pursue with social media?") is None
