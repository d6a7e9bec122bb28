"""Keeping the glossary: listing, adding, changing, retiring and bringing back entries.

Each write changes the session and adds its audit event; the caller commits, so the change and
its record land together or not at all. The glossary's ``content_version`` counter is bumped by
the database's triggers (migration 0009) in the same transaction, so the next search anywhere
reloads the thesaurus.

The rules between entries (``glossary.rules.clashes``) are checked before writing, for a clear
answer, and again after the write is flushed: by then this transaction holds the glossary's
lock (SQLite's write lock; on PostgreSQL the counter's row, which the trigger updated), so two
officers saving the same synonym at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from localoffer import audit
from localoffer.extensions import db
from localoffer.glossary import rules
from localoffer.manage.lifecycle import check_version
from localoffer.models import GlossaryTerm, User

FIELDS = ("term", "meaning", "synonyms", "expands_to")
# How the history names each kind of event.
ACTIONS = {
    "glossary.added": "Added",
    "glossary.edited": "Changed",
    "glossary.retired": "Retired",
    "glossary.restored": "Brought back",
}
OTHER_LETTERS = "#"  # terms that start with a digit or a symbol


class RulesBroken(Exception):
    """The entry would break a rule between entries: ``problems`` is ``{field: message}``."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class GlossaryList:
    in_use: list[GlossaryTerm]
    retired: list[GlossaryTerm]
    letters: list[str]  # the first letters of every entry in use, for the A to Z links
    total_in_use: int


def first_letter(term: str) -> str:
    letter = term[:1].upper()
    return letter if "A" <= letter <= "Z" else OTHER_LETTERS


def list_entries(text: str = "", letter: str = "") -> GlossaryList:
    """Entries in use and retired ones, in alphabetical order, that hold ``text`` (in the term,
    meaning, synonyms or words searched for, ignoring case) and start with ``letter``."""
    entries = list(db.session.scalars(select(GlossaryTerm).order_by(func.lower(GlossaryTerm.term))))
    in_use = [e for e in entries if not e.is_retired]
    needle = text.casefold()

    def shown(entry: GlossaryTerm) -> bool:
        if letter and first_letter(entry.term) != letter:
            return False
        if not needle:
            return True
        words = [entry.term, entry.meaning, *(entry.synonyms or ()), *(entry.expands_to or ())]
        return any(needle in word.casefold() for word in words)

    return GlossaryList(
        in_use=[e for e in in_use if shown(e)],
        retired=[e for e in entries if e.is_retired and shown(e)],
        letters=sorted({first_letter(e.term) for e in in_use}),
        total_in_use=len(in_use),
    )


def get_entry(entry_id: int) -> GlossaryTerm | None:
    return db.session.get(GlossaryTerm, entry_id)


def _held() -> list[rules.Held]:
    rows = db.session.execute(
        select(GlossaryTerm.id, GlossaryTerm.term, GlossaryTerm.synonyms, GlossaryTerm.retired_at)
    )
    return [
        rules.Held(entry_id, term, tuple(synonyms or ()), retired_at is not None)
        for entry_id, term, synonyms, retired_at in rows
    ]


def _check(own_id: int | None, values: rules.Entry, in_use: bool) -> None:
    with db.session.no_autoflush:
        problems = rules.clashes(own_id, values, _held(), in_use=in_use)
    if problems:
        raise RulesBroken(problems)


def _values_of(entry: GlossaryTerm) -> rules.Entry:
    return rules.Entry(
        entry.term, entry.meaning, tuple(entry.synonyms or ()), tuple(entry.expands_to or ())
    )


def _flush(values: rules.Entry) -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another officer saved the same term between the check and this write.
        raise RulesBroken({"term": f"There is already an entry for ‘{values.term}’"}) from error


def save_entry(
    entry: GlossaryTerm | None, values: rules.Entry, actor: User | None, version: str | None
) -> tuple[GlossaryTerm, dict[str, list]]:
    """Add an entry (``entry`` None) or change one; ``{field: [before, after]}`` that changed.

    Raises ``VersionConflict`` when the form was opened before another change to the entry
    (``StaleDataError`` from the flush if that change commits meanwhile), ``RulesBroken``
    when the entry would clash with another."""
    created = entry is None
    if entry is not None:
        check_version(entry, version)
    in_use = created or not entry.is_retired
    _check(None if created else entry.id, values, in_use)
    if created:
        entry = GlossaryTerm(term=values.term)
        db.session.add(entry)
    changes: dict[str, list] = {}
    with db.session.no_autoflush:
        for field in FIELDS:
            after: Any = getattr(values, field)
            after = list(after) if isinstance(after, tuple) else after
            before = None if created else getattr(entry, field)
            if created or before != after:
                changes[field] = [before, after]
                setattr(entry, field, after)
    _flush(values)
    _check(entry.id, values, in_use)
    if changes:
        audit.record("glossary.added" if created else "glossary.edited", actor, entry, changes)
    return entry, changes


def retire(entry: GlossaryTerm, actor: User | None) -> bool:
    """Take the entry out of the thesaurus and the public glossary; False if it already was."""
    if entry.is_retired:
        return False
    entry.retired_at = datetime.now(UTC)
    db.session.flush()
    audit.record("glossary.retired", actor, entry, {"status": ["in use", "retired"]})
    return True


def restore(entry: GlossaryTerm, actor: User | None) -> bool:
    """Bring a retired entry back into use; False if it was in use.

    Raises ``RulesBroken`` when it breaks a rule now: say, another entry has taken one of its
    synonyms since it was retired."""
    if not entry.is_retired:
        return False
    values = _values_of(entry)
    problems = rules.problems(values)
    if problems:
        raise RulesBroken(problems)
    _check(entry.id, values, in_use=True)
    entry.retired_at = None
    _flush(values)
    _check(entry.id, values, in_use=True)
    audit.record("glossary.restored", actor, entry, {"status": ["retired", "in use"]})
    return True


def field_label(field: str) -> str:
    """What the history calls a changed field."""
    return rules.LABELS.get(field, field.replace("_", " ").capitalize())


def describe(value: Any) -> str:
    """A value before or after a change, as the history shows it."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "\n".join(str(item) for item in value) or "(none)"
    return str(value)
