"""Ages typed in the words: "3 year old", "aged 17", "17-year-old", "year 7", "teenager",
"toddler", "under 5s", "16+", or a bare number up to 25 ("19 and autistic").

Each becomes an age range for the age filter and the words that said it, so the results page
can offer the same search without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_AGE = 25
_NUMBER = re.compile(r"(\d{1,2})(?:s)?$")
_RANGE = re.compile(r"(\d{1,2})(?:to|-)(\d{1,2})$")
_YEAR_WORDS = {"year", "years", "yr", "yrs", "yo", "y"}
_OLD_WORDS = {"old", "olds"}
# Words after a number that mean it is not an age.
_NOT_AGE_AFTER = {
    "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "mile", "miles",
    "day", "days", "week", "weeks", "month", "months", "am", "pm", "percent", "pounds",
    "pound", "times", "o'clock", "oclock", "hour's",
}  # fmt: skip
# Words before a number that mean it is not an age ("year 7" is a school year, handled apart).
_NOT_AGE_BEFORE = {"key", "stage", "ks", "level", "grade", "number", "no", "flat", "unit"}
# Words for an age group and the ages they mean.
AGE_WORDS: dict[tuple[str, ...], tuple[int, int]] = {
    ("toddler",): (1, 3),
    ("toddlers",): (1, 3),
    ("teenager",): (13, 19),
    ("teenagers",): (13, 19),
    ("teen",): (13, 19),
    ("teens",): (13, 19),
    ("adolescent",): (13, 19),
    ("adolescents",): (13, 19),
    ("newborn",): (0, 0),
    ("reception",): (4, 5),
    ("under", "fives"): (0, 4),
    ("pre", "schooler"): (2, 4),
    ("preschooler",): (2, 4),
}


@dataclass(frozen=True)
class AgeMention:
    """Words ``start``..``end`` of the query said the age range ``low``..``high``."""

    start: int
    end: int
    low: int
    high: int

    @property
    def label(self) -> str:
        if self.low == self.high:
            return f"Age {self.low}"
        return f"Ages {self.low} to {self.high}"


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_TEENS = "fifteen sixteen seventeen eighteen nineteen twenty"
NUMBER_WORDS = {word: value for value, word in enumerate((_UNITS + " " + _TEENS).split())}
_MONTH_WORDS = {"month", "months", "week", "weeks", "mth", "mths"}


def _number(word: str) -> int | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    found = _NUMBER.match(word)
    if found is None:
        return None
    value = int(found.group(1))
    return value if value <= MAX_AGE else None


def _spelt_number(words: Sequence[str], start: int) -> tuple[int, int] | None:
    """A number written in words at ``start`` ("twenty three", "two and a half"), with the
    position after it; None when there is none."""
    value = _number(words[start]) if words[start] in NUMBER_WORDS else None
    if value is None:
        return None
    end = start + 1
    if value == 20 and (more := NUMBER_WORDS.get(_at(words, end))) is not None and more < 10:
        value, end = value + more, end + 1
    if tuple(words[end : end + 3]) == ("and", "a", "half"):
        end += 3
    return (value, end) if value <= MAX_AGE else None


def _at(words: Sequence[str], position: int) -> str:
    return words[position] if 0 <= position < len(words) else ""


def _age_phrase(words: Sequence[str], start: int) -> AgeMention | None:
    """An age said by the words starting at ``start``, if they say one."""
    word = words[start]
    for phrase, (low, high) in AGE_WORDS.items():
        if tuple(words[start : start + len(phrase)]) == phrase:
            return AgeMention(start, start + len(phrase), low, high)
    if word in ("under", "below") and (value := _number(_at(words, start + 1))) is not None:
        if value > 0:
            end = start + 2 + (_at(words, start + 2) in _YEAR_WORDS | {"s"})
            return AgeMention(start, end, 0, value - 1)
    if word in ("over", "above") and (value := _number(_at(words, start + 1))) is not None:
        end = start + 2 + (_at(words, start + 2) in _YEAR_WORDS | {"s"})
        return AgeMention(start, end, value, MAX_AGE)  # "over 16s": 16 and older
    if word in ("aged", "age", "ages") and _number(_at(words, start + 1)) is not None:
        found = _age_phrase(words, start + 1)
        if found is not None:
            return AgeMention(start, found.end, found.low, found.high)
    if word == "year" and (value := _number(_at(words, start + 1))) is not None:
        if 1 <= value <= 13 and _at(words, start + 2) not in _OLD_WORDS:
            # School year N: children aged N + 4 to N + 5.
            return AgeMention(start, start + 2, value + 4, value + 5)
    if (found := _RANGE.match(word)) is not None:
        low, high = int(found.group(1)), int(found.group(2))
        if low <= high <= MAX_AGE:
            return AgeMention(start, _after_years(words, start + 1), low, high)
    if (value := _number(word)) is not None and _at(words, start + 1) in _MONTH_WORDS:
        # "6 month old baby": under a year.
        return AgeMention(start, _after_years(words, start + 2), 0, 0)
    if (spelt := _spelt_number(words, start)) is not None:
        value, end = spelt
        if _at(words, end) in _YEAR_WORDS | _OLD_WORDS:
            return AgeMention(start, _after_years(words, end), value, value)
        return None  # a number in words is an age only with "year(s) old"
    value = _number(word)
    if value is None or word.endswith("s") and not word[:-1].isdigit():
        return None
    if _at(words, start - 1) in _NOT_AGE_BEFORE or _at(words, start + 1) in _NOT_AGE_AFTER:
        return None
    if _at(words, start - 1) in ("year", "yr") and start >= 1:
        return None
    if _at(words, start + 1) in ("to", "and") and (
        (high := _number(_at(words, start + 2))) is not None
        and high >= value
        and _at(words, start + 3) in _YEAR_WORDS | _OLD_WORDS
    ):
        return AgeMention(start, _after_years(words, start + 3), value, high)
    if (high := _number(_at(words, start + 1))) is not None and high >= value:
        # "3-5 year olds": the hyphen is not a word.
        if _at(words, start + 2) in _YEAR_WORDS | _OLD_WORDS:
            return AgeMention(start, _after_years(words, start + 2), value, high)
    return AgeMention(start, _after_years(words, start + 1), value, value)


def _after_years(words: Sequence[str], position: int) -> int:
    """Past "year(s)" and "old(s)" following an age: "17 year old", "3 yrs", "5s"."""
    if _at(words, position) in _YEAR_WORDS:
        position += 1
    if _at(words, position) in _OLD_WORDS:
        position += 1
    return position


def find_age(words: Sequence[str], taken: set[int] = frozenset()) -> AgeMention | None:
    """The first age said in ``words`` (lower-cased query words), skipping positions in
    ``taken`` (words already read as part of a glossary phrase)."""
    for start in range(len(words)):
        if start in taken:
            continue
        found = _age_phrase(words, start)
        if found is not None and not taken.intersection(range(found.start, found.end)):
            return found
    return None
