"""One collection in one backend, kept in step with the database through the outbox, and
checked against it by fingerprint."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from localoffer.extensions import db
from localoffer.search import outbox
from localoffer.search.backend import SearchBackend, SearchWriteTimeout
from localoffer.search.collections import Collection
from localoffer.search.outbox import Progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexReport:
    """How an index compares with the database."""

    collection: str
    healthy: bool
    documents: int
    expected: int
    stale: int
    missing: int
    extra: int
    pending: int

    @property
    def in_step(self) -> bool:
        return self.healthy and not (self.stale or self.missing or self.extra or self.pending)

    def line(self) -> str:
        if not self.healthy:
            return f"{self.collection}: the index cannot be opened; run flask search reindex"
        return (
            f"{self.collection}: {self.documents} documents, {self.stale} stale, "
            f"{self.missing} missing, {self.extra} extra, {self.pending} pending"
        )


@dataclass(frozen=True)
class Repair:
    """What a repair changed."""

    collection: str
    applied: int
    rebuilt: int
    removed: int


def _reading_session() -> Session:
    """A session of the index's own that sees one snapshot of the database throughout (the
    documents and their fingerprints must describe the same rows)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    return Session(engine)


class SearchIndex:
    """A collection's documents in a backend."""

    def __init__(self, collection: Collection, backend: SearchBackend) -> None:
        self.collection = collection
        self.backend = backend
        # The progress this process last read or wrote: a search asks the database for the
        # newest row and reads the stored progress only when that is newer.
        self._known = Progress()

    @property
    def name(self) -> str:
        return self.collection.name

    def progress(self) -> Progress:
        self._known = Progress.read(self.backend.read_progress())
        return self._known

    def catch_up(self, wait: float | None = 0, checking: Session | None = None) -> int:
        """Apply the outbox rows this index has not applied; returns how many.

        ``wait`` bounds the wait for the index's write lock (0: try once). A row that cannot be
        applied stays pending: the progress is written only with the documents. ``checking`` is
        a session already open (a request's) to ask first whether there is anything to do:
        opening one of the index's own for that would cost more than the search itself."""
        if checking is not None and not outbox.has_pending(
            checking.connection(), self.name, self._known
        ):
            return 0
        with _reading_session() as session:
            connection = session.connection()
            progress = self.progress()
            if not outbox.has_pending(connection, self.name, progress):
                return 0
            healthy = self.backend.is_healthy()
            if healthy:
                work = outbox.pending(connection, self.name, progress)
                ids = self.collection.affected(session, work.changes) if work.changes else set()
                documents = list(self.collection.documents(session, ids)) if ids else []
        if not healthy:
            # No index yet, or one that cannot be read: built whole, which takes every row.
            self.rebuild()
            return 0
        gone = ids - {document.id for document in documents}
        self.backend.apply(documents, gone, work.progress.stored(), wait=wait)
        self._known = work.progress
        return work.rows

    def try_catch_up(self, wait: float | None = 0, checking: Session | None = None) -> int:
        """``catch_up``, logging rather than raising: the rows stay for the next try."""
        try:
            return self.catch_up(wait, checking)
        except SearchWriteTimeout:
            logger.info("Search index %s is busy; its changes stay pending", self.name)
        except Exception:
            logger.exception(
                "Search index %s could not apply its changes; they stay pending", self.name
            )
        return 0

    def rebuild(self) -> int:
        """Build the whole index afresh from the database."""
        with _reading_session() as session:
            progress = outbox.progress_now(session.connection())
            documents = self.collection.documents(session)
            count = self.backend.rebuild(documents, progress.stored())
        self._known = progress
        return count

    def check(self) -> IndexReport:
        """Compare every document's fingerprint with the database's rows."""
        if not self.backend.is_healthy():
            return IndexReport(self.name, False, 0, 0, 0, 0, 0, 0)
        indexed = self.backend.fingerprints()
        with _reading_session() as session:
            expected = self.collection.fingerprints(session)
            pending = outbox.count_pending(session.connection(), self.name, self.progress())
        stale, missing, extra = _differences(expected, indexed)
        return IndexReport(
            collection=self.name,
            healthy=True,
            documents=len(indexed),
            expected=len(expected),
            stale=len(stale),
            missing=len(missing),
            extra=len(extra),
            pending=pending,
        )

    def repair(self, wait: float | None = None) -> Repair:
        """Apply pending rows, then rebuild exactly the stale and missing documents and remove
        the extra ones. A missing or unreadable index is rebuilt whole."""
        if not self.backend.is_healthy():
            count = self.rebuild()
            return Repair(self.name, applied=0, rebuilt=count, removed=0)
        applied = self.catch_up(wait)
        indexed = self.backend.fingerprints()
        with _reading_session() as session:
            expected = self.collection.fingerprints(session)
            stale, missing, extra = _differences(expected, indexed)
            wanted = stale | missing
            documents = list(self.collection.documents(session, wanted)) if wanted else []
        if documents or extra:
            self.backend.apply(documents, extra, self.progress().stored(), wait=wait)
        return Repair(self.name, applied=applied, rebuilt=len(documents), removed=len(extra))


def _differences(
    expected: dict[int, str], indexed: dict[int, str]
) -> tuple[set[int], set[int], set[int]]:
    stale = {key for key in expected.keys() & indexed.keys() if expected[key] != indexed[key]}
    return stale, set(expected.keys() - indexed.keys()), set(indexed.keys() - expected.keys())
