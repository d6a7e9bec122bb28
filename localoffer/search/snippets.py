"""Snippets: a short extract of a service's description with the searched-for words in bold.

A word is highlighted when the index's analyser would read it as one of the query's terms:
the same tokeniser (Whoosh's default pattern) and the same stemmer. Running both over each
description's words cost more than the rest of a search, so the usual path avoids them: the
index already knows every letters-only word it holds (the spelling field), so ``WordForms``
lists, for a term, the words in the index that stem to it ("autism", "autistic" ...), and a
snippet looks for those words with ``str.find``. Each place found is checked to be a whole
token that really analyses to a term, so the fast path highlights exactly what the tokeniser
would. Terms with digits or other marks, and texts the fast path cannot read position for
position, take the tokeniser's path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, islice

from whoosh.lang.porter import stem

SNIPPET_CHARS = 200
SNIPPET_LEAD = 60
# Characters of a description searched for a match; no description is longer in practice.
SNIPPET_SCAN = 20_000
# Characters of a description tokenised for a first match before the rest of it.
SNIPPET_OPENING = 600
# Whoosh's default tokeniser pattern, so snippets find exactly the words the index holds.
TOKEN = re.compile(r"\w+(?:\.?\w+)*")
# The spelling field's words: runs of three or more letters (no digits or underscores).
SPELLING_WORD = re.compile(r"[^\W\d_]{3,}")
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD_CHARACTER = re.compile(r"\w")
# Lower-casing these depends on the letters around them, so a whole text lower-cased is not
# each of its words lower-cased (Greek capital sigma): such texts take the tokeniser's path.
_CONTEXTUAL_CASE = "Σ"
HIGHLIGHT = '<strong class="lo-highlight">{}</strong>'


@lru_cache(maxsize=65536)
def stem_of(word: str) -> str:
    """The Porter stem of a lower-case word, as the index's analyser makes it."""
    return stem(word)


def spelling_words(text: str) -> list[str]:
    """The distinct letters-only words of ``text``, lower-cased: the spelling field's words."""
    return list(dict.fromkeys(SPELLING_WORD.findall(text.lower())))


class WordForms:
    """The index's letters-only words grouped by their stem: what a term looks like in text."""

    def __init__(self, words: Iterable[str]) -> None:
        by_stem: dict[str, list[str]] = {}
        for word in words:
            by_stem.setdefault(stem_of(word), []).append(word)
        self._by_stem = {term: tuple(sorted(found)) for term, found in by_stem.items()}

    def literals(self, terms: frozenset[str]) -> tuple[str, ...] | None:
        """Every lower-case word that can analyse to one of ``terms``, or None when a term has
        characters other than letters (its words are not all in the spelling field)."""
        found: dict[str, None] = {}
        for term in sorted(terms):
            if not _LETTERS.fullmatch(term):
                return None
            found.update(dict.fromkeys(self._by_stem.get(term, ())))
            # Words shorter than three letters are not in the spelling field; the stemmer
            # leaves them as they are, so the only one to look for is the term itself.
            if len(term) < 3:
                found[term] = None
        return tuple(found)


def _is_word_character(text: str, position: int) -> bool:
    return 0 <= position < len(text) and _WORD_CHARACTER.match(text, position) is not None


def _is_token(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is a whole token as ``TOKEN`` splits the whole text: no word
    character (or a dot after one) before it, and none (or a dot before one) after it."""
    if _is_word_character(text, start - 1):
        return False
    if start >= 2 and text[start - 1] == "." and _is_word_character(text, start - 2):
        return False
    if _is_word_character(text, end):
        return False
    return not (text[end : end + 1] == "." and _is_word_character(text, end + 1))


class _Finder:
    """Finds the tokens of one text that analyse to one of the query's terms."""

    def __init__(self, text: str, terms: frozenset[str], literals: tuple[str, ...] | None):
        self.text = text
        self.terms = terms
        self.literals = literals
        self.lower = ""
        if literals is not None:
            lower = text.lower()
            # Position for position only if no character lower-cases to more than one.
            if len(lower) == len(text) and _CONTEXTUAL_CASE not in text:
                self.lower = lower
            else:
                self.literals = None
        if len(text) > SNIPPET_SCAN:
            # The tokeniser's path stops scanning there; so that both agree, only it is used.
            self.literals = None

    def _matches(self, start: int, end: int) -> bool:
        if not _is_token(self.text, start, end):
            return False
        return stem_of(self.text[start:end].lower()) in self.terms

    def first(self) -> tuple[int, int] | None:
        """The span of the first token that analyses to a term."""
        if self.literals is None:
            return _first_token_span(self.text, self.terms)
        best: tuple[int, int] | None = None
        for literal in self.literals:
            limit = best[0] if best is not None else len(self.lower)
            position = self.lower.find(literal, 0, limit + len(literal) - 1)
            while position != -1 and position < limit:
                end = position + len(literal)
                if self._matches(position, end):
                    best = (position, end)
                    break
                position = self.lower.find(literal, position + 1, limit + len(literal) - 1)
        return best

    def later(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans of matching tokens after ``start`` (a token's end) that end by ``end``."""
        if self.literals is None:
            return list(_later_token_spans(self.text, start, end, self.terms))
        found: set[tuple[int, int]] = set()
        for literal in self.literals:
            position = self.lower.find(literal, start, end)
            while position != -1:
                span = (position, position + len(literal))
                if self._matches(*span):
                    found.add(span)
                position = self.lower.find(literal, position + 1, end)
        return sorted(found)


def _first_token_span(text: str, terms: frozenset[str]) -> tuple[int, int] | None:
    """``_Finder.first`` by tokenising: the tokens are listed and checked in C (``findall``,
    ``map``), and match objects are made only up to the first hit."""
    # The opening first, then the rest: matches are usually early. Cut at a space, which no
    # token contains, so the two parts hold exactly the tokens of one scan.
    cut = text.find(" ", SNIPPET_OPENING, SNIPPET_SCAN)
    parts = ((0, cut), (cut, SNIPPET_SCAN)) if cut > 0 else ((0, SNIPPET_SCAN),)
    for low, high in parts:
        tokens = TOKEN.findall(text, low, high)
        hits = list(map(terms.__contains__, map(stem_of, map(str.lower, tokens))))
        if True in hits:
            found = islice(TOKEN.finditer(text, low, high), hits.index(True), None)
            return next(found).span()
    return None


def _later_token_spans(
    text: str, start: int, end: int, terms: frozenset[str]
) -> Iterator[tuple[int, int]]:
    """``_Finder.later`` by tokenising, as one scan of the whole text would (so a word across
    ``end`` is not cut short), stopping at the first token past ``end``."""
    for match in TOKEN.finditer(text, start, SNIPPET_SCAN):
        if match.end() > end:
            return
        if stem_of(match.group().lower()) in terms:
            yield match.span()


def make_snippet(text: str, terms: frozenset[str], literals: tuple[str, ...] | None = None) -> str:
    """An HTML-safe extract of ``text`` with matched words in <strong class="lo-highlight">.

    ``literals`` are the words that can analyse to ``terms`` (``WordForms.literals``); without
    them every word of the text is tokenised and stemmed, with the same result, more slowly.
    """
    finder = _Finder(text, terms, literals) if text and terms else None
    first_span = finder.first() if finder is not None else None
    if finder is None or first_span is None:
        if len(text) <= SNIPPET_CHARS:
            return html.escape(text)
        cut = text[:SNIPPET_CHARS]
        return html.escape(cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    first, first_end = first_span
    start = max(0, first - SNIPPET_LEAD)
    if start:
        start = text.find(" ", start, first) + 1 or first
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = max(text.rfind(" ", first_end, end), first_end)
    parts = ["…" if start else ""]
    position = start
    for low, high in chain([first_span], finder.later(first_end, end)):
        parts.append(html.escape(text[position:low]))
        parts.append(HIGHLIGHT.format(html.escape(text[low:high])))
        position = high
    parts.append(html.escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()
