"""Reading a family's words before any backend: spelling, ages, places, filler and weights.

These are the engine's own rules, checked without an index: each case is worked out by hand.
"""

from __future__ import annotations

import pytest

from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry
from localoffer.search.understanding import understand
from localoffer.search.understanding.ages import find_age
from localoffer.search.understanding.english import is_english_word
from localoffer.search.understanding.places import Gazetteer
from localoffer.search.understanding.spelling import (
    PhraseCorrector,
    SpellingCorrector,
    edit_distance,
)
from localoffer.search.understanding.understand import Reader
from localoffer.search.understanding.weights import COMMON_WEIGHT, GENERIC_WEIGHT, word_weight

KNOWN = {
    "autism": 40,
    "autistic": 12,
    "dyslexia": 6,
    "physio": 3,
    "physiotherapy": 8,
    "behaviour": 10,
    "house": 9,
    "speech": 20,
    "therapy": 30,
    "help": 150,
    "home": 60,
    "school": 90,
    "swimming": 2,
    "riding": 1,
}


def corrector(**known: int) -> SpellingCorrector:
    return SpellingCorrector(known or KNOWN, ("havant", "southsea"), is_english_word)


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("autisim", "autism"),
        ("austism", "autism"),
        ("dislexia", "dyslexia"),
        ("dyslexsia", "dyslexia"),
        ("phisio", "physio"),
        ("behavour", "behaviour"),
        ("speach", "speech"),
        ("therapyy", "therapy"),
        ("swiming", "swimming"),
    ],
)
def test_a_word_nothing_knows_is_corrected_to_the_closest_known_word(typed, meant):
    assert corrector().correct(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "autism",  # known
        "horse",  # an English word no listing uses: not a misspelling of "house"
        "dentist",
        "po4",  # digits: postcodes, ages
        "17",
        "ot",  # too short to guess
        "havant",  # a place name
        "xyzzyplugh",  # nothing close
    ],
)
def test_known_english_short_numeric_and_place_words_are_left_alone(typed):
    assert corrector().correct(typed) is None


def test_fewer_edits_win_then_the_word_more_services_use():
    found = corrector(cart=1, care=50, card=3)
    assert found.correct("carre") == "care"  # one edit from "care", two from "cart"
    ties = corrector(bart=2, bort=9)
    assert ties.correct("bxrt") == "bort"


def test_edit_distance_counts_a_swap_of_neighbours_as_one_edit():
    assert edit_distance("austim", "autism") == 2
    assert edit_distance("autsim", "autism") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("abcdef", "a", limit=2) == 3


@pytest.mark.parametrize(
    "typed, ages",
    [
        ("college for 17 year old", (17, 17)),
        ("aged 17", (17, 17)),
        ("17-year-old autistic", (17, 17)),
        ("my 3 yr old", (3, 3)),
        ("19 and autistic", (19, 19)),
        ("year 7 transition", (11, 12)),
        ("teenager with anxiety", (13, 19)),
        ("toddler group", (1, 3)),
        ("under 5s", (0, 4)),
        ("over 16s", (16, 25)),
        ("3-5 year olds", (3, 5)),
        ("aged 3 to 5 years", (3, 5)),
        ("6 month old baby", (0, 0)),
        ("moving out at twenty three years old", (23, 23)),
        ("a two and a half year old", (2, 2)),
        ("my five year old", (5, 5)),
    ],
)
def test_ages_in_the_words_become_an_age_range(typed, ages):
    found = find_age(typed.lower().replace("-", " ").split())
    assert found is not None
    assert (found.low, found.high) == ages


@pytest.mark.parametrize(
    "typed",
    [
        "open 24 hours",
        "key stage 2",
        "within 5 miles",
        "speech therapy",
        "100 year old house",
        "one to one support",
        "two parents",
    ],
)
def test_numbers_that_are_not_ages_are_not_taken_as_ages(typed):
    assert find_age(typed.split()) is None


def test_a_place_is_found_by_whole_words_with_the_word_before_it():
    places = Gazetteer(["Havant", "Leigh Park", "Portsmouth"])
    found = places.find("short breaks in leigh park".split())
    assert (found.name, found.start, found.end) == ("Leigh Park", 2, 5)
    assert places.find("havanted".split()) is None
    # Words already read as part of a glossary phrase are not a place.
    assert places.find("havant".split(), taken={0}) is None


def reader(thesaurus: Thesaurus | None = None) -> Reader:
    thesaurus = thesaurus or Thesaurus(
        [ThesaurusEntry("SALT", "Speech therapy.", ("speech therapy",), ("speech",))]
    )
    return Reader(
        thesaurus=thesaurus,
        corrector=corrector(),
        gazetteer=Gazetteer(["Havant", "Southsea"]),
        phrases=PhraseCorrector(
            tuple(phrase.split()) for entry in thesaurus.entries for phrase in entry.triggers()
        ),
        frequency=lambda word: KNOWN.get(word, 0),
        documents=200,
        glossary_words=frozenset({"speech", "therapy", "autism"}),
    )


def test_understanding_takes_out_filler_ages_and_places_and_corrects_the_rest():
    found = understand("My son is 7 and has autisim, speech therapy in Havant?", reader())
    assert found.corrected_query == "My son is 7 and has autism speech therapy in Havant"
    assert found.corrections == (("autisim", "autism"),)
    assert (found.age.low, found.age.high) == (7, 7)
    assert found.place.name == "Havant"
    assert [group.words for group in found.searched.groups] == [
        ("autism",),
        ("speech", "therapy"),
    ]
    assert found.without(found.age) == "My son is and has autisim speech therapy in Havant"
    assert found.without(found.place) == "My son is 7 and has autisim speech therapy"


def test_exact_words_are_not_corrected():
    found = understand("autisim", reader(), exact=True)
    assert found.corrected_query is None
    assert [group.words for group in found.searched.groups] == [("autisim",)]


def test_only_filler_is_searched_as_typed_and_only_an_age_searches_no_words():
    assert [g.words for g in understand("the and of", reader()).searched.groups] == [
        ("the",),
        ("and",),
        ("of",),
    ]
    only_age = understand("17", reader())
    assert only_age.meaningful is False
    assert (only_age.age.low, only_age.age.high) == (17, 17)
    assert understand("!!! ???", reader()).searched.is_empty


def test_common_and_generic_words_count_less_than_rare_and_glossary_words():
    assert word_weight("swimming", 2, 200) == 1.0
    assert word_weight("house", 60, 200) == COMMON_WEIGHT  # in 30% of listings
    assert word_weight("help", 1, 200) == GENERIC_WEIGHT  # generic whatever the counts
    assert word_weight("autism", 80, 200, in_glossary=True) == 1.0
    assert COMMON_WEIGHT < word_weight("behaviour", 10, 200) < 1.0
    groups = understand("help with behaviour at home", reader()).searched.groups
    weights = {group.words[0]: group.weight for group in groups}
    assert weights["behaviour"] > weights["home"] and weights["behaviour"] > weights["help"]


def test_a_word_nothing_knows_counts_in_a_short_query_and_not_in_a_sentence():
    short = understand("dentist autism", reader())
    assert dict((g.words[0], g.weight) for g in short.searched.groups)["dentist"] == 1.0
    assert short.sentence is False
    long = understand("autism speech therapy swimming riding dentist", reader())
    assert long.sentence is True
    assert dict((g.words[0], g.weight) for g in long.searched.groups)["dentist"] == 0.25


def test_a_real_word_slipped_into_a_glossary_phrase_is_put_right():
    thesaurus = Thesaurus(
        [ThesaurusEntry("Short breaks", "Time off from caring.", ("short breaks",), ("respite",))]
    )
    found = understand("short brakes for disabled kids", reader(thesaurus))
    assert found.corrected_query == "short breaks for disabled kids"
    assert found.searched.groups[0].words == ("short", "breaks")
    # Both words wrong is not a slip: nothing to anchor it.
    assert understand("shirt brakes", reader(thesaurus)).corrected_query is None


def test_a_three_letter_slip_is_corrected_only_to_a_word_with_its_first_letter():
    fixer = corrector(home=60, portage=4, visits=3)
    assert fixer.correct("hom") == "home"
    assert fixer.correct("ome") is None
