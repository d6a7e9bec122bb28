"""Fingerprints: a short hash of the database rows one search document is built from.

A document carries the fingerprint of the rows it was built from; comparing it with the
fingerprint of the rows as they are now finds a document that fell behind, however the rows
changed (through the app, another tool or plain SQL). Whole rows are hashed, not chosen
columns, so a column the document starts to show later is covered without anyone remembering
to add it. Rows are read with plain Core statements, a table at a time, so every document of a
large area can be checked in seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Connection, Table, select, type_coerce
from sqlalchemy.types import NullType

# An ``IN`` list at most this long: SQLite allows 32,766 bound values, PostgreSQL 65,535.
CHUNK = 5000
# Bookkeeping columns no document shows, changed without an edit (a plain UPDATE records that a
# review reminder went out): hashing them would call an unchanged document stale.
_AS_STORED = NullType()
NOT_SHOWN = frozenset({"created_at", "updated_at", "review_reminder_sent_on"})


@cache
def _hashed_columns(table: Table) -> list:
    # As the driver gives them: no conversion to dates, enums or decimals, which would cost
    # more than the rest of the check together (the values only need to compare alike).
    return [
        type_coerce(column, _AS_STORED).label(column.name)
        for column in table.c
        if column.name not in NOT_SHOWN
    ]


def digest(texts: Iterable[str]) -> str:
    """The fingerprint of rows already written out as text, in a fixed order."""
    return hashlib.blake2b("\n".join(texts).encode(), digest_size=16).hexdigest()


def text_of(rows: Iterable[tuple]) -> str:
    """Rows (tuples of plain values) as one text: what a fingerprint hashes."""
    return "\n".join(map(repr, rows))


class SharedTexts:
    """Rows many documents share (an organisation, a location, a term and its broader terms),
    each written out once per check, by key."""

    def __init__(self, rows: Mapping[int, Sequence[tuple]]) -> None:
        self.rows = rows
        self.texts: dict[int, str] = {}

    def __getitem__(self, key: int) -> str:
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = text_of(self.rows.get(key, ()))
        return text


def rows_by(
    connection: Connection,
    table: Table,
    column: str,
    keys: Sequence[int] | None,
    order_by: Sequence[str] = ("id",),
) -> dict[int, list[tuple]]:
    """``table``'s rows grouped by ``column``: all rows, or those whose ``column`` is in ``keys``.

    Each row is a tuple of its columns as stored (bar the bookkeeping ones), in ``order_by``
    order within its group."""
    statement = select(*_hashed_columns(table)).order_by(
        table.c[column], *(table.c[name] for name in order_by)
    )
    rows = rows_in(connection, statement, table.c[column], keys)
    position = itemgetter(column_position(table, column))
    return {key: list(group) for key, group in groupby(rows, position)}


def public_rows(
    connection: Connection, table: Table, conditions: Sequence, ids: Sequence[int] | None
) -> list:
    """The hashed columns of ``table``'s rows meeting ``conditions`` (all, or among ``ids``)."""
    statement = select(*_hashed_columns(table)).where(*conditions)
    return rows_in(connection, statement, table.c.id, ids)


def rows_in(connection: Connection, statement, column, keys: Sequence[int] | None) -> list:
    """``statement``'s rows: all, or those whose ``column`` is among ``keys`` (in chunks)."""
    if keys is None:
        return _all_rows(connection, statement)
    rows = []
    for chunk in chunks(keys):
        rows.extend(connection.execute(statement.where(column.in_(chunk))).all())
    return rows


def _all_rows(connection: Connection, statement) -> list:
    """Every row of a statement without parameters, straight from the driver's cursor (in the
    connection's transaction): the values are the same as through SQLAlchemy with the columns
    as stored, and a whole table of an area with 50,000 services comes several times faster."""
    compiled = statement.compile(dialect=connection.dialect)
    if compiled.params:
        return connection.execute(statement).all()
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()


def rows_by_id(connection: Connection, table: Table) -> Mapping[int, tuple]:
    """Every row of a small table (vocabularies), by id, as ``(table name, *values)``."""
    statement = select(*_hashed_columns(table))
    return {row.id: (table.name, *row) for row in connection.execute(statement)}


def column_position(table: Table, name: str) -> int:
    """Where column ``name`` is in a row that ``rows_by`` returns (``rows_by_id``'s rows, which
    start with the table's name, have it one further on)."""
    return [column.name for column in _hashed_columns(table)].index(name)


def chunks(keys: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if keys is None:
        yield None
        return
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
