"""Property-based tests: cleaning, chunking and citation parsing never raise, and offsets
always point at the quoted text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_text, sentence_spans
from assistant.cleaning import clean_article
from assistant.grounding import check_citations, cited_numbers

GERMAN = st.sampled_from([
    "Das ist ein Satz.", "z.B. die Agentur", "§33 KWG.", "e.V. hat", "1. Soziale Medien", "Dr. Kruse",
    "FacebookFacebook", "Alles zu ROI auf CIO.de", "\n\n", "\n", "  ", "Frage?", "„Zitat“", "70 Prozent", "bspw. im",
    "Zur Startseite", "Ä Ö Ü ß", "…", "\t", "[1]", "<script>x</script>",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(GERMAN, max_size=60).map(" ".join), st.lists(GERMAN, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_cleaning_never_raises_and_returns_text(raw):
    cleaned = clean_article(raw)
    assert isinstance(cleaned.text, str)
    assert "\r" not in cleaned.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.integers(min_value=20, max_value=800), st.integers(min_value=0, max_value=200))
def test_chunk_offsets_always_point_into_the_text(text, size, overlap):
    spans = chunk_text(text, size, overlap)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert end - start <= size
        assert text[start:end] == text[start:end].strip()
    starts = [s for s, _ in spans]
    assert starts == sorted(set(starts))  # strictly increasing: progress, no duplicates
    for s, e in sentence_spans(text):
        assert text[s:e].strip() == text[s:e] and e > s


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=10))
def test_citation_check_keeps_only_given_passages(answer, n_passages):
    cleaned, check = check_citations(answer, n_passages)
    assert all(1 <= n <= n_passages for n in cited_numbers(cleaned))
    assert set(check.valid).isdisjoint(check.invalid)
    assert all(n > n_passages or n < 1 for n in check.invalid)
