import re

import pytest

from assistant.cleaning import clean_article
from conftest import CORPUS, DOC_IDS

BOILERPLATE = [
    "Zur Startseite",
    "DRUCKEN",
    "Alles zu",
    "auf CIO.de",
    "Top-Firmen der Branche",
    "Share Button",
    "Skip to main content",
    "Warning: count()",
    "subscriptions",
    "subscribers",
    "Lesedauer",
    "intelligente Suche",
    "search-config",
    "Weiterführende Themen",
    "Kommentarfunktion",
    "huffingtonpost",
    "Foto:",
]


def test_five_articles_are_copied_from_shared_corpus():
    assert DOC_IDS == [
        "000_d8e9858a35932665",
        "001_0641b772f0ced2db",
        "002_227b074fa25a8987",
        "003_9528e93dca253b73",
        "004_c2c9fdd1f531437e",
    ]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_boilerplate_is_gone(articles, doc_id):
    text = articles[doc_id].text
    for marker in BOILERPLATE:
        assert marker not in text, marker
    for line in text.splitlines():
        assert line.strip() not in {"print", "insite", "SUCHEN", "Original", "Article", "Strategien"}


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_no_doubled_link_words_remain(articles, doc_id):
    text = articles[doc_id].text
    for doubled in ["FacebookFacebook", "TwitterTwitter", "MedienMedien", "BankenBanken", "ROIROI", "Social MediaSocial Media"]:
        assert doubled not in text
    assert not re.search(r"\b([A-ZÄÖÜ][a-zäöüß]{2,})\1\b", text)


def test_key_sentences_survive_intact(articles):
    a = articles["000_d8e9858a35932665"].text
    assert (
        "Bezogen auf Finanzdienstleiter hat z.B. die Online-Agentur Zieltraffic bereits vor einiger Zeit festgestellt, "
        "dass 70 Prozent der Diskussion rund um das Thema Banken über Social Media-Kanäle stattfindet." in a
    )
    assert "Das Wachstum sozialer Medien wie Facebook oder Twitter ist ungebrochen." in a
    assert "Selbst viele Social Media Manager denken so." in a
    assert "Für Social Media gibt es einen ROI und dieser lässt sich auch konkret berechnen." in a
    assert "verfügt über die Bankleiterqualifikation nach §33 KWG." in a
    # Glued image text is removed, the sentence it was glued to is kept.
    e = articles["004_c2c9fdd1f531437e"].text
    assert "\n\nSocial Media verändert die Kommunikationslandschaft rasant" in e
    assert "\n\nFür Konzerne, KMUs und Selbständige gilt im Prinzip dasselbe" in e
    # A sentence broken by a blank line in the source is joined again.
    assert "kennen wir alle, die meisten haben ein Profil auf der einen oder anderen Plattform" in e


def test_fazit_list_survives_intact(articles):
    text = articles["003_9528e93dca253b73"].text
    fazit = (
        "Fazit – Soziale Medien:\n\n"
        "1. Relativ kostengünstig und sehr effektiv für Vertrieb und Marketing\n"
        "2. Attraktiv bei der Personalakquise\n"
        "3. Verbesserung des Wissensaustauschs innerhalb einer Organisation\n"
        "4. Vorsicht! Kein Einsatz sozialer Medien ohne eine durchdachte Strategie\n"
        "5. Fragen Sie sich: Wofür?, Wie? und Wer?"
    )
    assert fazit in text


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_article_sentence_is_kept(articles, doc_id):
    """Every sentence-like piece of the raw file (ends with . ! ?) that is not a
    known boilerplate line is in the cleaned text, after doubled words are fixed."""
    raw = (CORPUS / f"{doc_id}.txt").read_text()
    cleaned = articles[doc_id].text
    kept = 0
    for line in raw.splitlines():
        line = re.sub(r"\b([A-ZÄÖÜ][\wäöüß-]*(?: [A-ZÄÖÜ][\wäöüß-]*)?)\1\b", r"\1", line.strip())
        for sentence in re.findall(r"[A-ZÄÖÜ„\"][^.!?]{20,}?[.!?](?=\s|$)", line):
            if any(marker in sentence for marker in ("Warning:", "Kommentarfunktion", "Aktivieren Sie", "Foto:")):
                continue
            sentence = re.sub(r"^(Tracking|Weltkarte)", "", sentence)
            assert sentence in cleaned or sentence == articles[doc_id].title, sentence
            kept += 1
    assert kept >= 10


def test_metadata(articles):
    a, b, c, d, e = (articles[i] for i in DOC_IDS)
    assert (a.title, a.author, a.source) == ("Social Media: Stucture follows Strategy", "Hansjörg Leichsenring", "CIO.de")
    assert (b.title, b.author, b.date) == ("Keine Angst vor Social Media", "Annette Speck", "24.09.2014")
    assert c.title == "Wie man auf KEINEN Fall in Social Media erfolgreich wird!"
    assert d.title.startswith("Soziale Medien (wie Facebook")  # no title stated: first words
    assert e.title == "Social Media: Business Case oder Nice-to-have?"
    assert c.author is None and d.author is None and e.author is None
    assert all(x.language == "de" for x in (a, b, c, d, e))


def test_cleaning_keeps_plain_text_and_strips_control_characters():
    cleaned = clean_article("Titel der Seite\n\nEin Satz\x07 mit Steuerzeichen.\r\nZweiter Satz.")
    assert cleaned.title == "Titel der Seite"
    assert cleaned.text == "Ein Satz mit Steuerzeichen.\nZweiter Satz."
