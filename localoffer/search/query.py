"""Tolerant parsing: whatever a family types becomes plain words, grouped by thesaurus matches.

Nothing typed is ever treated as query syntax: operators, field names, wildcards, boosts and
quotes are just words or separators. Backends build their own queries from the groups.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry, ThesaurusMatch

MAX_CHARS = 200
MAX_WORDS = 20
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """``text`` without control or formatting characters, spaces collapsed, at most 200 chars."""
    # Look at a bounded prefix only, so pasting a whole document costs nothing.
    head = str(text)[: MAX_CHARS * 4]
    visible = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in head)
    collapsed = _SPACES.sub(" ", visible).strip()
    if len(collapsed) <= MAX_CHARS:
        return collapsed
    cut = collapsed[:MAX_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def split_words(text: str) -> list[str]:
    """The lower-cased words of ``text``; everything that is not a letter or digit separates."""
    return [word.lower() for word in _WORD.findall(text)]


@dataclass(frozen=True)
class QueryGroup:
    """One typed word, or a typed phrase the thesaurus knows, with the phrases it adds."""

    words: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    entries: tuple[ThesaurusEntry, ...] = ()
    # How much the group counts, 0 to 1: a word most services use ("help", "support") counts
    # for less than a rarer one (``understanding/weights.py``); backends scale by it.
    weight: float = 1.0


@dataclass(frozen=True)
class ParsedQuery:
    """The cleaned words actually searched for, in groups that are OR'ed together."""

    text: str
    groups: tuple[QueryGroup, ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for group in self.groups for word in group.words)

    @property
    def entries(self) -> list[ThesaurusEntry]:
        """The thesaurus entries matched, each once, in the order they were typed."""
        seen: dict[ThesaurusEntry, None] = {}
        for group in self.groups:
            seen.update(dict.fromkeys(group.entries))
        return list(seen)


def typed_words(text: str) -> list[str]:
    """The words of ``text`` as typed (case kept), cleaned, at most 20."""
    return _WORD.findall(clean_text(text or ""))[:MAX_WORDS]


def group_words(
    words: list[str], matches: list[ThesaurusMatch], skip: set[int] = frozenset()
) -> list[tuple[int, QueryGroup]]:
    """Each word, or each thesaurus phrase the words form, as a group with the position it
    starts at; positions in ``skip`` are left out."""
    starts = {match.start: match for match in matches}
    groups: list[tuple[int, QueryGroup]] = []
    position = 0
    while position < len(words):
        match = starts.get(position)
        if match is None:
            if position not in skip:
                groups.append((position, QueryGroup((words[position],))))
            position += 1
            continue
        phrase = tuple(words[match.start : match.end])
        extra = tuple(p for p in match.phrases() if tuple(split_words(p)) != phrase)
        groups.append((position, QueryGroup(phrase, extra, match.entries)))
        position = match.end
    return groups


def parse_query(text: str, thesaurus: Thesaurus | None = None) -> ParsedQuery:
    """Clean ``text``, keep at most 20 words and group them by the thesaurus phrases they form."""
    typed = typed_words(text)
    words = [word.lower() for word in typed]
    matches = thesaurus.find(words) if thesaurus else []
    groups = tuple(group for _, group in group_words(words, matches))
    return ParsedQuery(" ".join(typed), groups)
