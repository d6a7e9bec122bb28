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

from sqlalchemy import Connection, Table, select, type_coerce
from sqlalchemy.types import NullType

# An ``IN`` list at most this long: SQLite allows 32,766 bound values, PostgreSQL 65,535.
CHUNK = 5000
# Bookkeeping columns no document shows, changed without an edit (a plain UPDATE records that a
# review reminder went out): hashing them would call an unchanged document stale.
_AS_STORED = NullType()
NOT_SHOWN = frozenset({"created_at", "updated_at", "review_reminder_sent_on"})


def _hashed_columns(table: Table) -> list:
    # As the driver gives them: no conversion to dates, enums or decimals, which would cost
    # more than the rest of the check together (the values only need to compare alike).
    return [
        type_coerce(column, _AS_STORED).label(column.name)
        for column in table.c
        if column.name not in NOT_SHOWN
    ]


def hashed_columns(table: Table) -> list:
    """``table``'s columns that a fingerprint covers: all but the bookkeeping ones."""
    return _hashed_columns(table)


def fingerprint(parts: Iterable[tuple], texts: dict[int, tuple] | None = None) -> str:
    """The hash of ``parts`` (rows as tuples of plain values, in a fixed order).

    ``texts`` keeps each row's text by the row's identity through one check: an organisation's,
    a location's or a term's row is shared by many services and written out once. The row is
    kept with its text, so a row made and dropped in between cannot pass its id on to another."""
    if texts is None:
        texts = {}
    written = []
    for part in parts:
        kept = texts.get(id(part))
        if kept is None or kept[0] is not part:
            kept = texts[id(part)] = (part, repr(part))
        written.append(kept[1])
    return hashlib.blake2b("\n".join(written).encode(), digest_size=16).hexdigest()


def rows_by(
    connection: Connection,
    table: Table,
    column: str,
    keys: Sequence[int] | None,
    order_by: Sequence[str] = ("id",),
) -> dict[int, list[tuple]]:
    """``table``'s rows grouped by ``column``: all rows, or those whose ``column`` is in ``keys``.

    Each row is a tuple of every column, ``(table name, *values)``, so two tables' rows never
    hash alike."""
    grouped: dict[int, list[tuple]] = {}
    statement = select(*_hashed_columns(table)).order_by(*(table.c[name] for name in order_by))
    position = column_position(table, column) - 1
    name = table.name
    for row in rows_in(connection, statement, table.c[column], keys):
        grouped.setdefault(row[position], []).append((name, *row))
    return grouped


def public_rows(
    connection: Connection, table: Table, conditions: Sequence, ids: Sequence[int] | None
) -> list:
    """The hashed columns of ``table``'s rows meeting ``conditions`` (all, or among ``ids``)."""
    statement = select(*_hashed_columns(table)).where(*conditions)
    return rows_in(connection, statement, table.c.id, ids)


def rows_in(connection: Connection, statement, column, keys: Sequence[int] | None) -> list:
    """``statement``'s rows: all, or those whose ``column`` is among ``keys`` (in chunks)."""
    rows = []
    for chunk in chunks(keys):
        query = statement if chunk is None else statement.where(column.in_(chunk))
        # Fetched all at once: a row at a time costs several times more at 50,000 services.
        rows.extend(connection.execute(query).all())
    return rows


def rows_by_id(connection: Connection, table: Table) -> Mapping[int, tuple]:
    """Every row of a small table (vocabularies), by id, as ``(table name, *values)``."""
    statement = select(*_hashed_columns(table))
    return {row.id: (table.name, *row) for row in connection.execute(statement)}


def column_position(table: Table, name: str) -> int:
    """Where column ``name`` is in a row tuple that ``rows_by`` or ``rows_by_id`` returns."""
    return 1 + [column.name for column in _hashed_columns(table)].index(name)


def chunks(keys: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if keys is None:
        yield None
        return
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
