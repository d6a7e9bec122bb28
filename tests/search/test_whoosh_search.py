"""Searching the Whoosh index: ranking, thesaurus, filters, counts, order, snippets, spelling."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localoffer.search.backend import SearchRequest
from localoffer.search.snippets import make_snippet
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry, load_thesaurus
from localoffer.search.whoosh import WhooshBackend
from tests.search.conftest import PORTSMOUTH, corpus, make_doc

EVERY_NEED = (
    "communication-and-interaction",
    "autism",
    "speech-language-and-communication",
    "cognition-and-learning",
    "specific-learning-difficulty",
    "severe-learning-difficulty",
)


def search(backend, text="", **options):
    return backend.search(SearchRequest(text=text, **options))


def test_name_and_need_matches_rank_above_description_mentions(searchable):
    found = search(searchable, "autism")
    assert found.ids == [1, 2]
    assert found.total == 2


def test_every_word_counts_but_partial_matches_still_come_back(searchable):
    found = search(searchable, "dyslexia swimming")
    assert set(found.ids) == {2, 4}


def test_acronym_finds_services_by_what_it_stands_for(searchable):
    found = search(searchable, "ASD")
    assert found.ids == [1, 2]
    assert [entry.term for entry in found.expansions] == ["ASD"]
    assert found.expansions[0].meaning == "Autism spectrum disorder."


def test_salt_finds_speech_and_language_therapy(searchable):
    assert search(searchable, "salt").ids == [3]


def test_multi_word_synonym_is_expanded(searchable):
    found = search(searchable, "EHC plan")
    assert found.ids == [6]
    assert [entry.term for entry in found.expansions] == ["EHCP"]


def test_short_acronyms_are_not_dropped_as_stop_words(searchable):
    found = search(searchable, "ADD")
    assert found.ids == [2]
    assert found.interpreted_as == "ADD"


def test_towns_and_outward_codes_are_searchable(searchable):
    assert search(searchable, "southampton").ids == [2]
    assert search(searchable, "PO4").ids == [1]


def test_empty_query_matches_everything_by_name(searchable):
    found = search(searchable, "")
    assert found.total == 6
    assert found.ids == [1, 4, 6, 2, 3, 5]
    assert found.interpreted_as == ""


def test_stop_words_alone_match_everything(searchable):
    assert search(searchable, "the and of").total == 6


def test_facet_counts_without_filters(searchable):
    facets = search(searchable, facet_values={"need": EVERY_NEED}).facets
    assert facets["cost"] == {"free": 5, "paid": 2}
    assert facets["level"] == {"specialist": 2, "targeted": 3, "universal": 1}
    assert facets["access"] == {"ehc-plan": 1, "professional-referral": 2, "self-referral": 3}
    assert facets["category"] == {
        "education": 2,
        "family-support": 2,
        "health": 2,
        "information-advice-and-support": 1,
        "short-breaks-and-leisure": 1,
    }
    assert facets["need"] == {
        "communication-and-interaction": 2,
        "autism": 1,
        "speech-language-and-communication": 1,
        "cognition-and-learning": 1,
        "specific-learning-difficulty": 1,
        "severe-learning-difficulty": 0,
        "emotional-wellbeing": 1,
        "hearing-impairment": 1,
        "physical-disability": 1,
        "sensory-and-physical": 2,
        "social-emotional-and-mental-health": 1,
    }


def test_facet_counts_follow_the_text(searchable):
    facets = search(searchable, "autism", facet_values={"cost": ("free", "paid")}).facets
    assert facets["cost"] == {"free": 1, "paid": 1}
    assert facets["level"] == {"targeted": 1, "universal": 1}


def test_values_are_or_within_a_facet(searchable):
    found = search(searchable, filters={"level": ("targeted", "specialist")})
    assert sorted(found.ids) == [1, 3, 4, 5, 6]


def test_facets_are_and_across_with_disjunctive_counts(searchable):
    found = search(
        searchable,
        filters={"cost": ("paid",), "level": ("targeted",)},
        facet_values={"level": ("universal", "targeted", "specialist")},
    )
    assert found.ids == [5]
    # Each facet is counted with every filter but its own.
    assert found.facets["cost"] == {"paid": 1, "free": 3}
    assert found.facets["level"] == {"universal": 1, "targeted": 1, "specialist": 0}
    assert found.facets["need"] == {
        "emotional-wellbeing": 1,
        "social-emotional-and-mental-health": 1,
    }


def test_unknown_facet_values_match_nothing(searchable):
    found = search(searchable, filters={"need": ("no-such-need",), "referrer": ("gp",)})
    assert found.total == 0
    assert found.facets["referrer"] == {"gp": 0}


def test_age_filter_keeps_overlapping_ranges_and_all_ages(searchable):
    assert sorted(search(searchable, age=(3, 4)).ids) == [1, 3, 5, 6]
    assert sorted(search(searchable, age=(12, 12)).ids) == [1, 3, 4, 5, 6]
    assert sorted(search(searchable, age=(19, 25)).ids) == [5, 6]


def test_age_counts_ignore_the_age_filter_but_not_the_others(searchable):
    counts = search(searchable, age=(3, 4)).age_counts
    assert sorted(counts) == list(range(26))
    assert (counts[0], counts[3], counts[8], counts[25]) == (4, 4, 6, 2)
    free = search(searchable, age=(3, 4), filters={"cost": ("paid",)}).age_counts
    assert (free[0], free[8], free[20]) == (1, 2, 1)


def test_within_miles_keeps_services_near_enough(searchable):
    near = search(searchable, near=PORTSMOUTH, within_miles=5)
    assert sorted(near.ids) == [1, 3, 5]
    wider = search(searchable, near=PORTSMOUTH, within_miles=20)
    assert sorted(wider.ids) == [1, 2, 3, 5]
    assert wider.facets["cost"] == {"free": 3, "paid": 2}


def test_distance_sort_puts_nearest_first_and_unmapped_last(searchable):
    found = search(searchable, near=PORTSMOUTH, sort="distance")
    assert found.ids == [1, 5, 3, 2, 6, 4]
    assert found.distances[1] == 0
    assert found.distances[2] == pytest.approx(15.2, abs=0.1)
    assert found.distances[6] > 60
    assert 4 not in found.distances


def test_distance_sort_without_a_place_falls_back(searchable):
    assert search(searchable, sort="distance").ids == [1, 4, 6, 2, 3, 5]


def test_name_sort_with_text(searchable):
    assert search(searchable, "autism", sort="name").ids == [1, 2]
    assert search(searchable, "support", sort="name").ids == [1, 6, 5]


def test_pagination(searchable):
    pages = [search(searchable, sort="name", per_page=2, page=n) for n in (1, 2, 3, 4)]
    assert [p.ids for p in pages] == [[1, 4], [6, 2], [3, 5], []]
    assert {(p.total, p.pages) for p in pages} == {(6, 3)}
    assert pages[3].page == 4


def test_relevance_pagination_does_not_repeat(searchable):
    first = search(searchable, "support children", per_page=2, page=1).ids
    second = search(searchable, "support children", per_page=2, page=2).ids
    assert first and second and not set(first) & set(second)


def test_snippets_highlight_and_escape(searchable):
    found = search(searchable, "carers")
    snippet = found.snippets[5]
    assert '<strong class="lo-highlight">carers</strong>' in snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends." in snippet


def test_snippet_falls_back_to_the_escaped_description(searchable):
    found = search(searchable, "")
    assert found.snippets[1] == "A friendly monthly group for parents and carers."
    assert found.snippets[5].startswith("Breaks and activities for young carers &lt;script&gt;")
    assert "<" not in found.snippets[5]


def test_snippet_highlights_stemmed_forms(searchable):
    found = search(searchable, "visit school")
    assert (
        '<strong class="lo-highlight">visiting</strong> <strong class="lo-highlight">schools'
        in found.snippets[6]
    )


HOSTILE = [
    '"unbalanced',
    "speech'",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "*",
    "?",
    "autis*",
    "sp?ech",
    "title:(",
    "name:autism",
    "x^999",
    "autism^",
    "(((",
    ")",
    "{[}]",
    "~2",
    "autism~",
    "-",
    "a" * 5000,
    "autism " * 1000,
    "🙂🧩💬",
    "\x00\x01\x1b[31m",
    "\ud800",
    "'; DROP TABLE services; --",
    "1 OR 1=1",
    "<script>alert(1)</script>",
    "%00%27",
    "\\",
    "/autism/",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(searchable, text):
    found = search(searchable, text, near=PORTSMOUTH, sort="distance")
    assert found.total >= 0
    assert len(found.interpreted_as) <= 200


def test_wildcards_are_plain_words(searchable):
    assert search(searchable, "autis*").ids == search(searchable, "autis").ids


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=300), sort=st.sampled_from(["relevance", "name", "distance", "x"]))
def test_any_text_searches_without_error(searchable, text, sort):
    found = search(searchable, text, sort=sort, near=PORTSMOUTH)
    assert found.total >= 0
    assert len(found.ids) <= found.total


def test_odd_requests_are_tolerated(searchable):
    found = search(
        searchable,
        page=0,
        per_page=-5,
        age=(30, 2),
        near=(float("nan"), 0),
        within_miles=5,
        filters={"cost": "free"},
    )
    assert found.page == 1
    assert sorted(found.ids) == [1, 3, 4, 5, 6][: len(found.ids)]
    assert found.total == 5


def test_more_matching_words_rank_higher(backend):
    backend.rebuild(
        [
            make_doc(1, "Music club", description="Weekly sessions for everyone."),
            make_doc(2, "Music group", description="For children with autism."),
            make_doc(3, "Art club", description="Painting and drawing."),
        ]
    )
    assert search(backend, "music autism").ids == [2, 1]


def test_a_long_synonym_does_not_outrank_the_word_typed(tmp_path):
    # Summed word by word, "after school club" in a name once scored three words' worth.
    leisure = ThesaurusEntry(
        "Inclusive leisure", "Clubs and sport.", ("swimming", "after school club"), ("leisure",)
    )
    with WhooshBackend(tmp_path / "index", Thesaurus([leisure])) as backend:
        backend.rebuild(
            [
                make_doc(1, "After school club", description="Games every weekday after school."),
                make_doc(2, "Saturday swimming session", description="Relaxed swimming."),
                make_doc(3, "Library", description="Books."),
            ]
        )
        assert search(backend, "swimming").ids == [2, 1]


def test_distance_sort_without_a_place_ranks_text_by_relevance(searchable):
    assert search(searchable, "autism", sort="distance").ids == [1, 2]


def test_long_descriptions_are_cut_around_the_first_match():
    text = ("Lorem ipsum dolor sit amet. " * 20) + "We run a speech clinic. " + ("More text. " * 40)
    snippet = make_snippet(text, frozenset({"speech"}))
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert '<strong class="lo-highlight">speech</strong> clinic' in snippet
    assert len(snippet) < 300


def test_snippet_without_a_match_is_the_escaped_opening():
    text = "<b>Bold</b> " + "word " * 100
    snippet = make_snippet(text, frozenset({"absent"}))
    assert snippet.startswith("&lt;b&gt;Bold&lt;/b&gt; word")
    assert snippet.endswith("…")
    assert len(snippet) <= 230


def test_the_shipped_thesaurus_finds_services(tmp_path):
    path = Path(__file__).resolve().parents[2] / "seed" / "thesaurus.yaml"
    if not path.exists():
        pytest.skip("seed/thesaurus.yaml not written yet")
    with WhooshBackend(tmp_path / "index", load_thesaurus(path)) as backend:
        backend.rebuild(corpus())
        assert search(backend, "ASD").ids[:2] == [1, 2]
        assert 3 in search(backend, "speech therapy").ids
        assert search(backend, "HI").ids[0] == 6


def test_the_term_cache_keeps_to_its_bound_without_changing_results(searchable, monkeypatch):
    from localoffer.search.whoosh import snapshot

    queries = ["autism", "dyslexia swimming", "salt", "ASD", "speech therapy"]
    expected = [search(searchable, q) for q in queries]
    cached = searchable._current().snapshot
    assert len(cached._leaves) > 1
    monkeypatch.setattr(snapshot, "CACHED_BYTES", 1)
    # A word not searched for before is read, and everything else is let go.
    search(searchable, "bedwetting")
    assert len(cached._leaves) == 1
    again = [search(searchable, q) for q in queries]
    assert [(r.ids, r.total, r.snippets, r.facets) for r in again] == [
        (r.ids, r.total, r.snippets, r.facets) for r in expected
    ]
    # Over its bound, the cache keeps only the term it read last.
    assert len(cached._leaves) == 1
    assert cached._cached_bytes == sum(map(snapshot.leaf_bytes, cached._leaves.values()))
