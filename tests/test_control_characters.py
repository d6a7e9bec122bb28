"""The one rule for characters no text on the site may hold (no database)."""

from __future__ import annotations

import pytest

from localoffer.control_characters import (
    control_character_message,
    has_control_characters,
    holds_control_characters,
    shown_safely,
)


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b",  # NUL: PostgreSQL refuses it in text
        "\x01",
        "bell\x07",
        "escape \x1b[31m red",
        "\x1f",
        "delete\x7f",  # DEL
        "next line\x85",  # C1
        "\x9f",
        "half of a pair \ud800",  # a lone surrogate cannot be written as UTF-8
    ],
)
def test_control_characters_are_refused(text):
    assert has_control_characters(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain words",
        "tab\tnew line\ncarriage return\r\n",
        "Café, naïve, £5, 10 – 12 ‘quoted’",
        "emoji 👩‍👧 with a zero-width joiner",
        "\u00a0non-breaking space",
        "right-to-left \u200f mark and \u2028 line separator",
    ],
)
def test_ordinary_text_is_allowed(text):
    assert not has_control_characters(text)


def test_the_message_names_what_holds_them():
    assert control_character_message("Problem") == (
        "Problem must not contain hidden control characters"
    )


def test_text_is_shown_with_its_control_characters_escaped():
    assert shown_safely("a\x00b\x1b[0m\tc\n") == "a\\x00b\\x1b[0m\tc\n"
    assert shown_safely("plain") == "plain"


def test_parsed_data_is_searched_to_any_depth():
    deep: list = ["fine"]
    for _ in range(100_000):
        deep = [deep]
    assert not holds_control_characters(deep)
    assert holds_control_characters({"a": [1, {"b": "c\x00"}]})
    assert holds_control_characters({"key\x1b": "value"})
    assert not holds_control_characters({"a": [1, 2.5, None, True, {"b": "c\td"}]})
