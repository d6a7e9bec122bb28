"""The thesaurus finds SEND terms by whole words and says what else to search for."""

from pathlib import Path

import pytest

from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry, load_thesaurus

REAL_THESAURUS = Path(__file__).resolve().parents[2] / "seed" / "thesaurus.yaml"


def terms(entries: list[ThesaurusEntry]) -> list[str]:
    return [entry.term for entry in entries]


def test_acronyms_match_in_any_case(thesaurus):
    assert terms(thesaurus.match("asd support")) == ["ASD"]
    assert terms(thesaurus.match("ASD")) == ["ASD"]


def test_only_whole_words_match(thesaurus):
    assert thesaurus.match("salty snacks") == []
    assert thesaurus.match("hotel") == []


def test_multi_word_synonyms_match(thesaurus):
    assert terms(thesaurus.match("NHS Speech Therapy")) == ["SALT"]
    assert terms(thesaurus.match("our EHC plan review")) == ["EHCP"]
    assert terms(thesaurus.match("an education, health and care plan")) == ["EHCP"]


def test_phrases_match_in_other_word_forms_but_single_words_only_exactly():
    assessment = ThesaurusEntry("EHC needs assessment", "An assessment.", ("applying for an ehcp",))
    epilepsy = ThesaurusEntry("Epilepsy", "Seizures.", ("fits",))
    thesaurus = Thesaurus([assessment, epilepsy])
    assert terms(thesaurus.match("how do I apply for an EHCP")) == ["EHC needs assessment"]
    assert terms(thesaurus.match("Applied for an EHCP last year")) == ["EHC needs assessment"]
    assert terms(thesaurus.match("fits")) == ["Epilepsy"]
    assert thesaurus.match("fitness class") == []
    assert thesaurus.match("fit") == []


def test_the_longest_phrase_wins():
    short = ThesaurusEntry("therapy", "Help.")
    long = ThesaurusEntry("SALT", "Speech.", ("speech therapy",))
    assert terms(Thesaurus([short, long]).match("speech therapy")) == ["SALT"]


def test_expand_lists_every_phrase_once(thesaurus):
    assert thesaurus.expand("ASD and OT") == (
        "asd",
        "autistic spectrum disorder",
        "asc",
        "autism",
        "autistic",
        "ot",
        "occupational therapy",
    )


def test_load_from_yaml(tmp_path):
    path = tmp_path / "thesaurus.yaml"
    path.write_text(
        "entries:\n"
        "  - term: SENCO\n"
        "    meaning: The teacher who leads on SEN in a school.\n"
        "    synonyms: [SENDCo, special needs coordinator]\n"
        "    expands_to: [special educational needs]\n"
        "  - term: Short breaks\n"
        "    meaning: Time apart for carers.\n",
        encoding="utf-8",
    )
    loaded = load_thesaurus(path)
    assert len(loaded) == 2
    assert loaded.entries[0] == ThesaurusEntry(
        "SENCO",
        "The teacher who leads on SEN in a school.",
        ("SENDCo", "special needs coordinator"),
        ("special educational needs",),
    )
    assert terms(loaded.match("ask the sendco")) == ["SENCO"]
    assert terms(loaded.match("SHORT BREAKS for teens")) == ["Short breaks"]


@pytest.mark.parametrize(
    "text",
    ["entries:\n  - meaning: no term\n", "entries:\n  - term: x\n    synonyms: [NO]\n", "- a\n"],
)
def test_bad_yaml_is_refused(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        load_thesaurus(path)


def test_the_shipped_thesaurus_loads():
    if not REAL_THESAURUS.exists():
        pytest.skip("seed/thesaurus.yaml not written yet")
    loaded = load_thesaurus(REAL_THESAURUS)
    assert len(loaded) > 0
    assert all(entry.term and entry.triggers() for entry in loaded.entries)
