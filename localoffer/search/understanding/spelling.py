"""Correcting a word the directory does not know to the closest word it does.

A word is corrected only when nothing knows it: not the indexes (any collection), not the
glossary, not the place names, and not an ordinary English dictionary (``english.py``). Then
the closest known word wins: fewest edits (insert, delete, change or swap two neighbouring
letters), at most one edit for words under six letters and two from six, then the word more
services use, then the alphabet. A three-letter word is corrected only to a word with the same
first letter ("hom" to "home"); shorter words, and anything with a digit (numbers, postcodes,
ages), are never corrected.

A real word can still be a slip inside a glossary phrase: "short brakes" is "short breaks".
``PhraseCorrector`` puts right a word close to a word of a glossary phrase (one edit, two
from six letters) whose other words were typed as they are.

Candidates come from a "symmetric delete" table (the known words with one letter removed,
built once per vocabulary), so a correction looks at a few dozen entries, not every word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

MIN_LENGTH = 3
# Words this long or longer may be two edits from what was meant.
TWO_EDITS_FROM = 6


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """The optimal string alignment distance between ``a`` and ``b`` (a swap of neighbours is
    one edit); any distance above ``limit`` is returned as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


class SpellingCorrector:
    """Known words with how many documents use each, and the closest one to an unknown word."""

    def __init__(
        self,
        frequencies: Mapping[str, int],
        also_known: Iterable[str] = (),
        is_real_word: Callable[[str], bool] = lambda word: False,
    ) -> None:
        self.frequencies = dict(frequencies)
        for word in also_known:
            # Glossary and place words count as used at least once, so they can be offered.
            self.frequencies.setdefault(word, 1)
        self.is_real_word = is_real_word
        self._deletes: dict[str, list[str]] | None = None

    @property
    def _by_delete(self) -> dict[str, list[str]]:
        """Each known word with one letter removed, and the words it came from: made at the
        first word that needs correcting, not with every new version of the index."""
        if self._deletes is None:
            by_delete: dict[str, list[str]] = {}
            for word in self.frequencies:
                if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                    for shorter in _deletes(word):
                        by_delete.setdefault(shorter, []).append(word)
            self._deletes = by_delete
        return self._deletes

    def knows(self, word: str) -> bool:
        return word in self.frequencies

    def correct(self, word: str) -> str | None:
        """The known word ``word`` was probably meant to be, or None to leave it as typed."""
        if (
            len(word) < MIN_LENGTH
            or not word.isalpha()
            or word in self.frequencies
            or self.is_real_word(word)
        ):
            return None
        limit = 2 if len(word) >= TWO_EDITS_FROM else 1
        candidates: set[str] = set()
        typed_deletes = _deletes(word)
        for probe in (word, *typed_deletes):
            if probe in self.frequencies:
                candidates.add(probe)  # a letter too many (or two)
            candidates.update(self._by_delete.get(probe, ()))  # missing, changed or swapped
        if limit >= 2:
            for once in typed_deletes:
                for probe in _deletes(once):
                    if probe in self.frequencies:
                        candidates.add(probe)
        if len(word) == MIN_LENGTH:
            candidates = {c for c in candidates if c[0] == word[0] and len(c) > MIN_LENGTH}
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = edit_distance(word, candidate, limit)
            if distance > limit:
                continue
            key = (distance, -self.frequencies[candidate], candidate)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]


class PhraseCorrector:
    """Glossary phrases of two or more words, found in typed words with one slip."""

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        # Each word of each phrase, with the phrases it is in and where.
        self._by_word: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for phrase in dict.fromkeys(phrases):
            if len(phrase) > 1:
                for position, word in enumerate(phrase):
                    self._by_word.setdefault(word, []).append((phrase, position))

    def correct(
        self, words: list[str], known: Callable[[str], bool] = lambda word: False
    ) -> list[tuple[int, str]]:
        """(position, word meant) for each typed word that, close to a word of a glossary
        phrase, completes it; the phrase's other words were typed exactly, and the word is
        not ``known`` to the directory ("late talker" is not a slip for "late walker")."""
        fixes: dict[int, str] = {}
        for start_word, word in enumerate(words):
            for phrase, position in self._by_word.get(word, ()):
                start = start_word - position
                if start < 0 or start + len(phrase) > len(words):
                    continue
                wrong = [
                    i
                    for i, meant in enumerate(phrase)
                    if words[start + i] != meant and start + i not in fixes
                ]
                if len(wrong) != 1:
                    continue
                typed, meant = words[start + wrong[0]], phrase[wrong[0]]
                limit = 2 if len(typed) >= TWO_EDITS_FROM else 1
                if len(typed) > MIN_LENGTH and typed.isalpha() and not known(typed):
                    if edit_distance(typed, meant, limit) <= limit:
                        fixes[start + wrong[0]] = meant
        return sorted(fixes.items())
