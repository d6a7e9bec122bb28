"""The search outbox: changes are written in the transaction that makes them, and each index
applies them after its own progress.

Writing: ``after_flush`` asks every collection what each flushed row means to it and inserts
one ``search_outbox`` row per (collection, kind, key) in the same transaction, so a change that
commits has its row and one that rolls back has none.

Reading: an index's progress is ``{"through": id, "gaps": {id: first seen}, "at": time}``.
Every row after ``through`` is pending. On PostgreSQL ids are handed out when a row is written
and rows become visible when their transaction commits, so a lower id can appear after a higher
one was applied: ids skipped below ``through`` are kept as gaps and read again until they turn
up or are ``GAP_SECONDS`` old (a rolled-back transaction's id never turns up). Anything missed
that way is found by the fingerprint check (``flask search status`` / ``repair``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session

from localoffer.models import SearchChange
from localoffer.search.collections import COLLECTIONS

logger = logging.getLogger(__name__)

# Rows written in this transaction, so a row flushed twice is noted once, and whether any was.
WRITTEN = "search_outbox_written"
WROTE = "search_outbox_wrote"
GAP_SECONDS = 15 * 60
# Skipped ids followed one by one at most; a larger jump is left to the fingerprint check.
MAX_GAPS = 1000
READ_BATCH = 5000


def record_changes(session: Session, flush_context) -> None:
    """``after_flush``: one outbox row per change a collection's document shows."""
    written = session.info.setdefault(WRITTEN, set())
    rows = []
    for row in (*session.new, *session.dirty, *session.deleted):
        for collection in COLLECTIONS:
            for kind, key in collection.notes(row):
                change = (collection.name, kind, key)
                if key is not None and change not in written:
                    written.add(change)
                    rows.append({"collection": collection.name, "kind": kind, "key": key})
    if rows:
        connection = session.connection()
        if not _has_outbox(connection):
            return  # a database before migration 0012: the fingerprint check finds the change
        connection.execute(insert(SearchChange), rows)
        session.info[WROTE] = True


# Databases known to have the outbox table (only a yes is remembered, so a database migrated
# while the process runs is seen at once).
_HAS_OUTBOX: set[str] = set()


def _has_outbox(connection: Connection) -> bool:
    url = str(connection.engine.url)
    if url in _HAS_OUTBOX:
        return True
    if inspect(connection).has_table(SearchChange.__tablename__):
        _HAS_OUTBOX.add(url)
        return True
    logger.warning("No search_outbox table (run flask db upgrade): changes are not queued")
    return False


def has_outbox(connection: Connection) -> bool:
    """Whether the database has the outbox table (it has from migration 0012)."""
    return _has_outbox(connection)


def _forget(session: Session, previous_transaction) -> None:
    # A savepoint rolled back may have taken rows with it: note them again if flushed again.
    session.info.pop(WRITTEN, None)
    if not previous_transaction.nested:
        session.info.pop(WROTE, None)


def wrote_changes(session: Session) -> bool:
    """Whether the transaction that just committed wrote outbox rows (asked once, at commit)."""
    session.info.pop(WRITTEN, None)
    return bool(session.info.pop(WROTE, None))


def listen() -> None:
    """Write outbox rows for every session of this process (once)."""
    for name, handler in (("after_flush", record_changes), ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)


@dataclass
class Progress:
    """How far one index has applied one collection's rows."""

    through: int = 0
    gaps: dict[int, float] = field(default_factory=dict)
    at: float = 0.0

    @classmethod
    def read(cls, stored: dict | None) -> Progress:
        stored = stored or {}
        try:
            return cls(
                through=int(stored.get("through", 0)),
                gaps={int(key): float(seen) for key, seen in stored.get("gaps", {}).items()},
                at=float(stored.get("at", 0.0)),
            )
        except (TypeError, ValueError, AttributeError):
            return cls()

    def stored(self) -> dict:
        return {
            "through": self.through,
            "gaps": {str(key): seen for key, seen in sorted(self.gaps.items())},
            "at": self.at,
        }


@dataclass
class Pending:
    """Rows an index has not applied, grouped by kind, and its progress once they are."""

    changes: dict[str, set[int]]
    rows: int
    progress: Progress


def latest_id(connection: Connection) -> int:
    """The newest outbox row's id (0 when there is none).

    Ids are counted across collections: a guide's row between two services' rows is not a
    gap in the services' rows."""
    return connection.scalar(select(func.max(SearchChange.id))) or 0


def has_pending(connection: Connection, collection: str, progress: Progress) -> bool:
    """Cheaply: are there rows after ``progress`` (or gaps still to look for)? Never on a
    database without the outbox table."""
    if not _has_outbox(connection):
        return False
    return bool(progress.gaps) or latest_id(connection) > progress.through


def pending(
    connection: Connection, collection: str, progress: Progress, now: float | None = None
) -> Pending:
    """``collection``'s rows after ``progress``, and the progress that applying them makes.
    Every collection's rows are read to follow the ids; only ``collection``'s are kept."""
    now = time.time() if now is None else now
    condition = SearchChange.id > progress.through
    if progress.gaps:
        condition = or_(condition, SearchChange.id.in_(sorted(progress.gaps)))
    statement = (
        select(SearchChange.id, SearchChange.collection, SearchChange.kind, SearchChange.key)
        .where(condition)
        .order_by(SearchChange.id)
    )
    changes: dict[str, set[int]] = {}
    seen: list[int] = []
    rows = 0
    for row_id, row_collection, kind, key in connection.execute(statement):
        seen.append(row_id)
        if row_collection == collection:
            changes.setdefault(kind, set()).add(key)
            rows += 1
    return Pending(changes=changes, rows=rows, progress=_advanced(progress, seen, now))


def _advanced(progress: Progress, seen: Iterable[int], now: float) -> Progress:
    seen = set(seen)
    through = max([progress.through, *seen])
    gaps = {
        gap: first
        for gap, first in progress.gaps.items()
        if gap not in seen and now - first < GAP_SECONDS
    }
    skipped = through - progress.through - len([i for i in seen if i > progress.through])
    if 0 < skipped <= MAX_GAPS:
        for gap in range(progress.through + 1, through):
            if gap not in seen:
                gaps.setdefault(gap, now)
    return Progress(through=through, gaps=gaps, at=now)


def progress_now(connection: Connection, now: float | None = None) -> Progress:
    """The progress of an index built from what ``connection`` sees now: through the newest
    row, with the ids skipped among the last ``MAX_GAPS`` as gaps (they may yet commit)."""
    now = time.time() if now is None else now
    if not _has_outbox(connection):
        return Progress(at=now)
    recent = list(
        connection.scalars(select(SearchChange.id).order_by(SearchChange.id.desc()).limit(MAX_GAPS))
    )
    if not recent:
        return Progress(at=now)
    present = set(recent)
    low, high = min(recent), max(recent)
    return Progress(
        through=high,
        gaps={gap: now for gap in range(low, high) if gap not in present},
        at=now,
    )


def count_pending(connection: Connection, collection: str, progress: Progress) -> int:
    """How many rows ``collection``'s index has still to apply."""
    if not _has_outbox(connection):
        return 0
    condition = SearchChange.id > progress.through
    if progress.gaps:
        condition = or_(condition, SearchChange.id.in_(sorted(progress.gaps)))
    return connection.scalar(
        select(func.count()).where(SearchChange.collection == collection, condition)
    )


def prune(connection: Connection, keep_days: float) -> int:
    """Delete rows older than ``keep_days``; an index that far behind is repaired in full."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    return connection.execute(delete(SearchChange).where(SearchChange.noted_at < cutoff)).rowcount
