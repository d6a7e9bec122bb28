"""Snippets: the fast path (finding the index's word forms with str.find) highlights exactly
what tokenising and stemming every word does."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from localoffer.search.snippets import (
    TOKEN,
    WordForms,
    make_snippet,
    spelling_words,
    stem_of,
)
from localoffer.search.whoosh import WhooshBackend
from tests.search.test_whoosh_search import make_doc, search


def fast_snippet(text: str, terms: frozenset[str]) -> str:
    """The snippet as the backend makes it: word forms from the spelling field's words."""
    literals = WordForms(spelling_words(text)).literals(terms)
    return make_snippet(text, terms, literals)


def test_word_forms_list_every_word_with_the_stem():
    forms = WordForms(["autism", "autistic", "autisms", "speech"])
    assert set(forms.literals(frozenset({"autism"}))) == {"autism", "autisms"}
    assert forms.literals(frozenset({"speech", "nothing"})) == ("speech",)


def test_terms_with_digits_or_marks_have_no_word_forms():
    forms = WordForms(["covid"])
    assert forms.literals(frozenset({"covid19"})) is None
    assert forms.literals(frozenset({"e.g"})) is None


def test_short_terms_are_their_own_form():
    # "OT" is not in the spelling field (under three letters) but is a word to highlight.
    assert fast_snippet("Our OT team.", frozenset({"ot"})) == (
        'Our <strong class="lo-highlight">OT</strong> team.'
    )


def test_the_fast_path_highlights_whole_tokens_only():
    text = "Autism support, autistic pupils, x.autism and autism.org are not words; AUTISMS is."
    terms = frozenset({stem_of("autism")})
    fast = fast_snippet(text, terms)
    assert fast == make_snippet(text, terms)
    assert fast.count("lo-highlight") == 2
    assert '<strong class="lo-highlight">AUTISMS</strong>' in fast
    assert "x.autism" in fast and "autism.org" in fast


def test_the_fast_path_escapes_like_the_slow_path():
    text = "<script>alert(1)</script> speech & language therapy"
    terms = frozenset({"speech"})
    assert fast_snippet(text, terms) == make_snippet(text, terms)
    assert "<script>" not in fast_snippet(text, terms)


_ALPHABET = st.sampled_from(
    [*"abcdeilmnorstuyABCDEILMNORSTUY  ..,-_019", "Σ", "ς", "Α", "'", "İ", "é", "ß", "ﬁ", "\n"]
)
_WORDS = ["autism", "autistic", "therapy", "therapies", "speech", "play", "playing", "ot", "a"]


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(st.sampled_from(_WORDS), st.text(_ALPHABET, max_size=12)), max_size=60
    ),
    separators=st.lists(st.sampled_from([" ", ". ", ".", ", ", "-", "", "\n\n"]), max_size=60),
    extra_terms=st.lists(st.text(_ALPHABET, min_size=1, max_size=6), max_size=3),
    pick=st.integers(min_value=0),
)
# A capital sigma lower-cases by what is around it: "ΑΣ" alone is "ας", in "ΑΣ'Α" it is "ασ".
@example(pieces=["ΑΣ'Α", "autism"], separators=[" "], extra_terms=["ας"], pick=1)
@example(pieces=["İautism", "autism"], separators=[" "], extra_terms=[], pick=1)
def test_the_fast_path_matches_tokenising_every_word(pieces, separators, extra_terms, pick):
    text = "".join(
        piece + (separators[i] if i < len(separators) else " ") for i, piece in enumerate(pieces)
    )
    tokens = TOKEN.findall(text)
    # Terms the text really has (so something is highlighted) and terms it may not have.
    chosen = tokens[pick % len(tokens) :: 3] if tokens else []
    terms = {stem_of(token.lower()) for token in chosen}
    terms |= {stem_of(term.lower()) for term in extra_terms}
    terms_frozen = frozenset(terms)
    assert fast_snippet(text, terms_frozen) == make_snippet(text, terms_frozen)


def test_backend_snippets_come_from_the_snapshot(tmp_path):
    with WhooshBackend(tmp_path / "index") as backend:
        backend.rebuild(
            [make_doc(1, "Clinic", description="Therapies for children. Our therapy team helps.")]
        )
        found = search(backend, "therapy")
        assert found.snippets[1] == (
            '<strong class="lo-highlight">Therapies</strong> for children. '
            'Our <strong class="lo-highlight">therapy</strong> team helps.'
        )
