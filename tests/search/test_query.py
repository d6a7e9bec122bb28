"""Tolerant parsing: whatever is typed becomes plain words."""

from localoffer.search.query import MAX_CHARS, MAX_WORDS, clean_text, parse_query, split_words


def test_control_characters_become_spaces():
    assert clean_text("speech\x00\x07therapy\u200b now\r\n") == "speech therapy now"


def test_long_text_is_capped_at_a_word_boundary():
    cleaned = clean_text("word " * 2000)
    assert len(cleaned) <= MAX_CHARS
    assert cleaned.endswith("word")


def test_query_syntax_is_just_words():
    assert split_words('title:( "autism" AND x^999 OR speech* NOT ?') == [
        "title",
        "autism",
        "and",
        "x",
        "999",
        "or",
        "speech",
        "not",
    ]


def test_apostrophes_stay_inside_words():
    assert split_words("Children's centre") == ["children's", "centre"]


def test_at_most_twenty_words_are_searched():
    parsed = parse_query(" ".join(f"w{n}" for n in range(50)))
    assert len(parsed.words) == MAX_WORDS


def test_interpreted_text_keeps_the_typed_case():
    assert parse_query("  Autism\tsupport!! ").text == "Autism support"


def test_thesaurus_phrases_form_one_group(thesaurus):
    parsed = parse_query("NHS speech therapy Portsmouth", thesaurus)
    assert [group.words for group in parsed.groups] == [
        ("nhs",),
        ("speech", "therapy"),
        ("portsmouth",),
    ]
    salt = parsed.groups[1]
    assert [entry.term for entry in salt.entries] == ["SALT"]
    assert "speech and language therapy" in salt.alternatives
    assert "speech therapy" not in salt.alternatives


def test_nothing_left_is_empty():
    assert parse_query("  \x00 !!! 🙂 ").is_empty
