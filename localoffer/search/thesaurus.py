"""SEND words and acronyms: what families type, what it means and what else to search for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from whoosh.lang.porter import stem

from localoffer.search.query import split_words


@dataclass(frozen=True)
class ThesaurusEntry:
    """A term with its plain-English meaning, the ways people write it and what it covers."""

    term: str
    meaning: str = ""
    synonyms: tuple[str, ...] = ()
    expands_to: tuple[str, ...] = ()

    def triggers(self) -> tuple[str, ...]:
        """The phrases that call this entry up: the term itself and its synonyms."""
        return _unique([self.term, *self.synonyms])

    def phrases(self) -> tuple[str, ...]:
        """Everything to search for once this entry matches."""
        return _unique([self.term, *self.synonyms, *self.expands_to])


@dataclass(frozen=True)
class ThesaurusMatch:
    """Words ``start``..``end`` (exclusive) of a query form a phrase of these entries."""

    start: int
    end: int
    entries: tuple[ThesaurusEntry, ...]

    def phrases(self) -> tuple[str, ...]:
        return _unique([phrase for entry in self.entries for phrase in entry.phrases()])


class Thesaurus:
    """Finds known terms in text by whole words, longest phrase first, ignoring case.

    A phrase of two or more words also matches in other forms of its words ("apply for an
    EHCP" finds the entry that lists "applying for an EHCP"). A single word must match
    exactly: a stem on its own is too loose ("fitness" is not "fits", "travel" is not
    "travellers")."""

    def __init__(self, entries: Iterable[ThesaurusEntry] = ()) -> None:
        self.entries = tuple(entries)
        self._triggers: dict[tuple[str, ...], tuple[ThesaurusEntry, ...]] = {}
        self._stemmed: dict[tuple[str, ...], tuple[ThesaurusEntry, ...]] = {}
        for entry in self.entries:
            for phrase in entry.triggers():
                key = tuple(split_words(phrase))
                _add(self._triggers, key, entry)
                if len(key) > 1:
                    _add(self._stemmed, _stems(key), entry)
        self._longest = max((len(key) for key in self._triggers), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, words: Sequence[str]) -> list[ThesaurusMatch]:
        """Leftmost-longest, non-overlapping matches in lower-cased ``words``."""
        found: list[ThesaurusMatch] = []
        position = 0
        while position < len(words):
            for size in range(min(self._longest, len(words) - position), 0, -1):
                window = tuple(words[position : position + size])
                entries = self._triggers.get(window)
                if not entries and size > 1:
                    entries = self._stemmed.get(_stems(window))
                if entries:
                    found.append(ThesaurusMatch(position, position + size, entries))
                    position += size
                    break
            else:
                position += 1
        return found

    def match(self, text: str) -> list[ThesaurusEntry]:
        """The entries whose term or a synonym appears in ``text`` as whole words."""
        seen: dict[ThesaurusEntry, None] = {}
        for found in self.find(split_words(text)):
            seen.update(dict.fromkeys(found.entries))
        return list(seen)

    def expand(self, text: str) -> tuple[str, ...]:
        """Every phrase to search for because of the entries ``text`` matches."""
        return _unique([phrase for entry in self.match(text) for phrase in entry.phrases()])


def _add(
    triggers: dict[tuple[str, ...], tuple[ThesaurusEntry, ...]],
    key: tuple[str, ...],
    entry: ThesaurusEntry,
) -> None:
    known = triggers.get(key, ())
    if key and entry not in known:
        triggers[key] = (*known, entry)


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return stem(word)


def _stems(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_stem(word) for word in words)


def load_thesaurus(path: str | Path) -> Thesaurus:
    """Read ``entries: [{term, meaning, synonyms, expands_to}]`` from a YAML file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'entries'")
    items = data.get("entries") or []
    return Thesaurus(_entry(item, number) for number, item in enumerate(items, start=1))


def _entry(item: object, number: int) -> ThesaurusEntry:
    if not isinstance(item, dict) or not item.get("term"):
        raise ValueError(f"thesaurus entry {number} has no term")
    return ThesaurusEntry(
        term=_text(item["term"], number),
        meaning=_text(item.get("meaning") or "", number),
        synonyms=tuple(_text(s, number) for s in _as_list(item.get("synonyms"))),
        expands_to=tuple(_text(s, number) for s in _as_list(item.get("expands_to"))),
    )


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _text(value: object, number: int) -> str:
    # YAML 1.1 reads bare ON, NO, YES as booleans; an acronym like that must be quoted.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"thesaurus entry {number}: {value!r} is not text (quote it)")
    return str(value).strip()


def _unique(phrases: Iterable[str]) -> tuple[str, ...]:
    """Lower-cased phrases, blanks dropped, each once, in order."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        cleaned = " ".join(phrase.lower().split())
        if cleaned:
            seen[cleaned] = None
    return tuple(seen)
