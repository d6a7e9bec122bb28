"""Places typed in the words: a town or area of the directory ("in Havant", "Southsea").

The places are the towns of the listed services' locations, so a new town is understood as
soon as a service there is listed. "in", "near" or "around" before a place go with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from localoffer.search.query import split_words

_BEFORE_PLACE = {"in", "near", "around", "at", "nr"}


@dataclass(frozen=True)
class PlaceMention:
    """Words ``start``..``end`` of the query named the place ``name``."""

    start: int
    end: int
    name: str

    @property
    def label(self) -> str:
        return f"In or near {self.name}"


class Gazetteer:
    """The directory's place names, found in a query by whole words, longest first."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names: dict[tuple[str, ...], str] = {}
        for name in names:
            key = tuple(split_words(name))
            if key and not any(word.isdigit() for word in key):
                self.names.setdefault(key, " ".join(name.split()))
        self._longest = max((len(key) for key in self.names), default=0)

    def words(self) -> set[str]:
        """Every word of every place name (never corrected as a misspelling)."""
        return {word for key in self.names for word in key}

    def find(self, words: Sequence[str], taken: set[int] = frozenset()) -> PlaceMention | None:
        """The first place named in ``words``, skipping positions in ``taken``."""
        for start in range(len(words)):
            for size in range(min(self._longest, len(words) - start), 0, -1):
                span = set(range(start, start + size))
                name = self.names.get(tuple(words[start : start + size]))
                if name is None or span & taken:
                    continue
                first = start - 1 if start > 0 and words[start - 1] in _BEFORE_PLACE else start
                if first != start and first in taken:
                    first = start
                return PlaceMention(first, start + size, name)
        return None
