"""The glossary's rules, in one place: the officers' form and the seed loader both use these.

An entry (``seed/thesaurus.yaml``'s header says the same):

- term: required, at most 120 characters, and unique ignoring case (retired entries count:
  bring one back rather than add it again);
- meaning: required, one plain-English sentence ending with a full stop, at most 300
  characters; line breaks become spaces;
- synonyms (optional) and expands_to (required: an entry must add something to a search):
  phrases, one per line in the form, saved in lower case with spaces tidied, blanks and
  duplicates dropped; each at most 100 characters and holding a letter or a number;
- the words that call an entry up (its term and synonyms, compared as the thesaurus compares
  them: by their words, ignoring case and punctuation) may call up only one entry in use. A
  retired entry calls nothing up, so its synonyms are free for other entries.

Everything here is plain data in, messages out; ``glossary_admin.service`` and the seed loader
read the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from localoffer.search.query import split_words

MAX_TERM_CHARS = 120  # the column's length
MAX_MEANING_CHARS = 300
MAX_PHRASE_CHARS = 100
MAX_PHRASES = 50

# What the form and the messages call each field.
LABELS = {
    "term": "Term",
    "meaning": "Meaning",
    "synonyms": "Synonyms",
    "expands_to": "Also search for",
}
# How messages name one and several of each kind of phrase.
PHRASE_NAMES = {
    "synonyms": ("synonym", "synonyms"),
    "expands_to": ("word or phrase to search for", "words or phrases to search for"),
}
# A full stop, question or exclamation mark, then a space and a capital: a second sentence.
_SECOND_SENTENCE = re.compile(r"[.!?][\"”’')]?\s+[A-Z]")


@dataclass(frozen=True)
class Entry:
    """An entry's values, tidied (``entry``): what is checked and saved."""

    term: str
    meaning: str
    synonyms: tuple[str, ...] = ()
    expands_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Held:
    """Another entry in the glossary, as far as the rules between entries need it."""

    id: int | None
    term: str
    synonyms: tuple[str, ...]
    retired: bool = False


# Tidying.


def tidy_text(text: object) -> str:
    """Spaces and line breaks collapsed to single spaces, trimmed."""
    return " ".join(str(text or "").split())


def tidy_phrases(phrases: Iterable[object]) -> tuple[str, ...]:
    """Lower case, spaces tidied, blanks and duplicates dropped, in the order given."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        cleaned = tidy_text(phrase).lower()
        if cleaned:
            seen[cleaned] = None
    return tuple(seen)


def phrases_from_lines(text: str | None) -> tuple[str, ...]:
    """A textarea's lines as phrases (one per line)."""
    return tidy_phrases((text or "").splitlines())


def lines_from_phrases(phrases: Iterable[str] | None) -> str:
    """Phrases as a textarea's lines."""
    return "\n".join(phrases or ())


def entry(term: object, meaning: object, synonyms: Iterable, expands_to: Iterable) -> Entry:
    """The tidied entry (nothing checked yet: see ``problems``)."""
    return Entry(
        term=tidy_text(term),
        meaning=tidy_text(meaning),
        synonyms=tidy_phrases(synonyms),
        expands_to=tidy_phrases(expands_to),
    )


# One entry on its own.


def term_problem(term: str) -> str | None:
    term = tidy_text(term)
    if not term:
        return "Enter the term"
    if len(term) > MAX_TERM_CHARS:
        return f"Term must be {MAX_TERM_CHARS:,} characters or fewer"
    if not split_words(term):
        return "Term must include a letter or a number"
    return None


def meaning_problem(meaning: str) -> str | None:
    meaning = tidy_text(meaning)
    if not meaning:
        return "Enter what the term means"
    if len(meaning) > MAX_MEANING_CHARS:
        return f"Meaning must be {MAX_MEANING_CHARS:,} characters or fewer"
    if not meaning.endswith("."):
        return "Meaning must be one sentence ending with a full stop"
    if _SECOND_SENTENCE.search(meaning):
        return "Meaning must be one sentence. Put anything more in a guide, or say it more simply"
    return None


def phrases_problem(field: str, phrases: tuple[str, ...]) -> str | None:
    """What is wrong with a tidied list of synonyms or words to search for, if anything."""
    one, several = PHRASE_NAMES[field]
    if field == "expands_to" and not phrases:
        return "Enter at least one word or phrase for the search to look for as well"
    if len(phrases) > MAX_PHRASES:
        return f"Enter {MAX_PHRASES} {several} or fewer"
    for phrase in phrases:
        if len(phrase) > MAX_PHRASE_CHARS:
            return (
                f"Each {one} must be {MAX_PHRASE_CHARS} characters or fewer: "
                f"‘{phrase[:30]}…’ is longer"
            )
        if not split_words(phrase):
            return f"Each {one} must include a letter or a number: ‘{phrase}’ does not"
    return None


def problems(values: Entry) -> dict[str, str]:
    """``{field: message}`` for each field of the entry that breaks a rule on its own."""
    found = {
        "term": term_problem(values.term),
        "meaning": meaning_problem(values.meaning),
        "synonyms": phrases_problem("synonyms", values.synonyms),
        "expands_to": phrases_problem("expands_to", values.expands_to),
    }
    return {field: message for field, message in found.items() if message}


# Between entries.


def term_key(term: str) -> str:
    """How terms are compared for uniqueness: ignoring case and extra spaces."""
    return tidy_text(term).casefold()


def phrase_key(phrase: str) -> tuple[str, ...]:
    """How the thesaurus matches a phrase: by its lower-case words only."""
    return tuple(split_words(phrase))


def clashes(
    own_id: int | None, values: Entry, others: Iterable[Held], in_use: bool = True
) -> dict[str, str]:
    """``{field: message}`` for the rules between this entry and the rest of the glossary.

    ``others`` may include the entry itself (``own_id``), which is skipped. Terms are compared
    with every entry, retired or not; the words that call an entry up only between entries in
    use, so a retired entry (``in_use`` False) is checked again when it is brought back."""
    found: dict[str, str] = {}
    own_term = term_key(values.term)
    own_triggers = {phrase_key(values.term): "term"}
    for synonym in values.synonyms:
        own_triggers.setdefault(phrase_key(synonym), "synonyms")
    own_triggers.pop((), None)  # no words, nothing to call up (``problems`` refuses it)
    for other in others:
        if own_id is not None and other.id == own_id:
            continue
        if "term" not in found and term_key(other.term) == own_term:
            found["term"] = f"There is already an entry for ‘{other.term}’" + (
                ". It is retired: bring that one back instead" if other.retired else ""
            )
        if other.retired or not in_use:
            continue
        for phrase, is_their_term in _triggers(other):
            field = own_triggers.get(phrase_key(phrase))
            if field is None or field in found:
                continue
            found[field] = _clash_message(field, values, phrase, other, is_their_term)
    return found


def _triggers(held: Held) -> list[tuple[str, bool]]:
    return [(held.term, True), *((s, False) for s in held.synonyms)]


def _clash_message(field: str, values: Entry, phrase: str, other: Held, is_term: bool) -> str:
    where = f"the term of ‘{other.term}’" if is_term else f"a synonym of ‘{other.term}’"
    if field == "term":
        if is_term:
            return (
                f"There is already an entry for ‘{other.term}’, "
                "which searches find by the same words"
            )
        return (
            f"‘{values.term}’ is already {where}. Take it out of ‘{other.term}’ first, "
            "or choose another term"
        )
    ours = next(s for s in values.synonyms if phrase_key(s) == phrase_key(phrase))
    return (
        f"‘{ours}’ is already {where}. A synonym can belong to one entry only: "
        f"take it out of ‘{other.term}’ first, or leave it out here"
    )


def every_clash(entries: Iterable[tuple[Held, Entry]]) -> list[str]:
    """Every rule between entries broken anywhere in the glossary, as messages naming both
    entries (for the seed loader, which checks the whole glossary once it has loaded). Each
    clash is told once, by the later of the two entries."""
    rows = list(entries)
    messages = []
    for number, (own, values) in enumerate(rows):
        earlier = [held for held, _ in rows[:number]]
        for field, message in clashes(own.id, values, earlier, in_use=not own.retired).items():
            messages.append(f"‘{own.term}’ ({LABELS[field].lower()}): {message}")
    return messages
