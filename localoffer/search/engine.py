"""The search engine as the app holds it: an index per collection, the thesaurus from the
glossary, searching with a rebuild when an index is missing, and keeping every index in step
(after each commit, before each search, every ``SEARCH_CATCH_UP_SECONDS``, at start-up)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date

import click
from flask import Flask, current_app
from sqlalchemy import Connection, Select, event, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from localoffer.content_versions import read_versions, version_of
from localoffer.extensions import db
from localoffer.listings import visibility
from localoffer.models import GlossaryTerm
from localoffer.search import outbox
from localoffer.search.backend import (
    SearchBackend,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    SearchWriteTimeout,
)
from localoffer.search.backends import make_backend
from localoffer.search.cli import search_cli
from localoffer.search.collections import COLLECTIONS
from localoffer.search.collections.services import listed_towns
from localoffer.search.index import IndexReport, Repair, SearchIndex
from localoffer.search.query import split_words
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry
from localoffer.search.understanding import Understanding, understand
from localoffer.search.understanding.english import is_english_word
from localoffer.search.understanding.places import Gazetteer
from localoffer.search.understanding.spelling import PhraseCorrector, SpellingCorrector
from localoffer.search.understanding.understand import Reader

logger = logging.getLogger(__name__)

# A result matching at least this share of the weight of the meaningful words typed is a
# close match; when none does, the page says so and the search is counted as a gap. A
# sentence (five or more meaningful words) needs half of it: families write more words than
# any one listing holds.
CLOSE_COVERAGE = 0.7
SENTENCE_CLOSE_COVERAGE = 0.5


# Read on a database without the change counter (before migration 0009), before every search.
_GLOSSARY_ROWS_VERSION = select(func.count(GlossaryTerm.id), func.max(GlossaryTerm.updated_at))
_EVERY_GLOSSARY_ENTRY = select(
    GlossaryTerm.term, GlossaryTerm.meaning, GlossaryTerm.synonyms, GlossaryTerm.expands_to
).order_by(GlossaryTerm.id)
# Retired entries (``retired_at`` set by an officer) are kept for their history, never used.
_GLOSSARY_ENTRIES = _EVERY_GLOSSARY_ENTRY.where(GlossaryTerm.retired_at.is_(None))

# Databases (by URL) already seen to have ``glossary_term.retired_at`` (migration 0014), so the
# check is made once per database and process.
_databases_with_retiring: set = set()


def _glossary_entries(connection: Connection) -> Select:
    """The rows the thesaurus is built from: the entries in use, or on a database not yet
    migrated to 0014 (where nothing can be retired) every entry, so searching still works."""
    url = connection.engine.url
    if url not in _databases_with_retiring:
        columns = inspect(connection).get_columns(GlossaryTerm.__tablename__)
        if "retired_at" not in {column["name"] for column in columns}:
            return _EVERY_GLOSSARY_ENTRY
        _databases_with_retiring.add(url)
    return _GLOSSARY_ENTRIES


def _thesaurus(connection: Connection) -> Thesaurus:
    """The thesaurus from the glossary rows in use that ``connection`` sees."""
    return Thesaurus(
        ThesaurusEntry(
            term=term,
            meaning=meaning,
            synonyms=tuple(synonyms or ()),
            expands_to=tuple(expands_to or ()),
        )
        for term, meaning, synonyms, expands_to in connection.execute(_glossary_entries(connection))
    )


class SearchEngine:
    """Every collection's index, and the thesaurus they share."""

    def __init__(self, indexes: dict[str, SearchIndex]) -> None:
        self.indexes = indexes
        self.thesaurus = Thesaurus(())
        # The label of the glossary the thesaurus was built from: the database and its
        # ``glossary`` version, or (without the counter) the rows' count and latest change.
        self._glossary_version: tuple | None = None
        self._caught_up_at = 0.0
        self._repaired_on: date | None = None
        self._report: tuple[float, dict[str, IndexReport]] | None = None
        self._reader: Reader | None = None
        self._reader_sources: tuple = ()

    @property
    def backend(self) -> SearchBackend:
        """The services' backend (what most callers and tests look at)."""
        return self.indexes["services"].backend

    def index(self, collection: str = "services") -> SearchIndex:
        return self.indexes[collection]

    def selected(self, collection: str | None) -> list[SearchIndex]:
        """One index by name, or all of them for ``None``."""
        return list(self.indexes.values()) if collection is None else [self.indexes[collection]]

    # Searching.

    def search(self, request: SearchRequest, collection: str = "services") -> SearchResponse:
        """Search one collection: the thesaurus refreshed from the glossary, pending changes
        applied (without waiting for a busy index), the words read as a family meant them
        (``understanding``), and a missing or unreadable index rebuilt from the database
        before trying once more."""
        index = self.indexes[collection]
        index.backend.thesaurus = self.refresh_thesaurus()
        index.try_catch_up(wait=0, checking=db.session)
        try:
            return self._search(index, request)
        except SearchUnavailable:
            logger.warning("Search index %s is missing or unreadable; rebuilding it", collection)
            index.rebuild()
            return self._search(index, request)

    def _search(self, index: SearchIndex, request: SearchRequest) -> SearchResponse:
        understanding = None
        if request.query is None and request.text:
            # ``search`` has just refreshed the thesaurus: read with it.
            understanding = understand(request.text, self.reader(), request.exact)
            request = with_understanding(request, understanding)
        response = index.backend.search(request)
        response.understanding = understanding
        if understanding is not None and understanding.meaningful:
            response.close_match = response.close_total > 0
        return response

    def understand(self, text: str, exact: bool = False) -> Understanding:
        """``text`` read as a family meant it, with what the indexes know now."""
        self.refresh_thesaurus()
        return understand(text, self.reader(), exact)

    def reader(self) -> Reader:
        """What reading words needs, made again when an index or the glossary has changed."""
        sources = (self.thesaurus, *(_known_words(index) for index in self.indexes.values()))
        reader = self._reader
        if (
            reader is None
            or len(sources) != len(self._reader_sources)
            or any(new is not old for new, old in zip(sources, self._reader_sources, strict=True))
        ):
            reader = self._make_reader(sources[0], sources[1:])
            self._reader, self._reader_sources = reader, sources
        return reader

    def _make_reader(self, thesaurus: Thesaurus, frequencies: tuple) -> Reader:
        services = _known_words(self.indexes["services"])
        known: dict[str, int] = {}
        for found in frequencies:
            for word, count in found.items():
                known[word] = known.get(word, 0) + count
        gazetteer = Gazetteer(_listed_towns())
        glossary_words = {
            word
            for entry in thesaurus.entries
            for phrase in entry.phrases()
            for word in split_words(phrase)
        }
        # Words that are a glossary phrase on their own ("autism", "dyslexia"): meaningful
        # however many listings use them.
        glossary_terms = {
            phrase
            for entry in thesaurus.entries
            for phrase in entry.phrases()
            if len(split_words(phrase)) == 1
        }
        return Reader(
            thesaurus=thesaurus,
            corrector=SpellingCorrector(known, glossary_words | gazetteer.words(), is_english_word),
            gazetteer=gazetteer,
            phrases=PhraseCorrector(
                tuple(split_words(phrase))
                for entry in thesaurus.entries
                for phrase in entry.triggers()
            ),
            frequency=lambda word: services.get(word, 0),
            documents=max(_document_count(self.indexes["services"]), 1),
            glossary_words=frozenset(glossary_terms),
        )

    def refresh_thesaurus(self) -> Thesaurus:
        """Reload the thesaurus when the glossary has changed since it was last read.

        The check is the request's ``glossary`` change counter (``content_versions``, read once
        per request), or on a database without the counter a count of the glossary's rows.
        """
        version = version_of("glossary")
        if version is None:
            self._refresh_by_rows()
        elif (db.engine.url, version) != self._glossary_version:
            self._refresh_at(version)
        return self.thesaurus

    def _refresh_at(self, version: int) -> None:
        # Only committed rows are labelled with a version, read on a connection of their own
        # (this transaction may hold writes of its own that are later rolled back), the version
        # before the rows: a newer glossary under an older label is only read once more.
        with db.engine.connect() as connection:
            committed = read_versions(connection).get("glossary")
            if (db.engine.url, committed) != self._glossary_version:
                self.thesaurus = _thesaurus(connection)
                self._glossary_version = (db.engine.url, committed)
        if committed != version:
            # This transaction sees another glossary: use it, and read again next time (the
            # label first, so no other thread takes this thesaurus for the committed one).
            self._glossary_version = None
            self.thesaurus = _thesaurus(db.session.connection())

    def _refresh_by_rows(self) -> None:
        connection = db.session.connection()
        version = ("rows", *connection.execute(_GLOSSARY_ROWS_VERSION).one())
        if version != self._glossary_version:
            self.thesaurus = _thesaurus(connection)
            self._glossary_version = version

    # Keeping in step.

    def catch_up(self, wait: float | None = 0) -> int:
        """Apply every index's pending outbox rows; a busy or failing index keeps its rows."""
        self._caught_up_at = time.monotonic()
        return sum(index.try_catch_up(wait) for index in self.indexes.values())

    def catch_up_if_due(self, every: float) -> None:
        """``catch_up`` when ``every`` seconds have passed since the last time."""
        if time.monotonic() - self._caught_up_at >= every:
            self.catch_up(wait=0)

    def repair_if_new_day(self, app: Flask) -> threading.Thread | None:
        """Once a day, at the first request after midnight, repair every index in a thread of
        its own (no request waits): services whose visible dates begin or end that day join or
        leave the index without any row changing."""
        day = visibility.today()
        if self._repaired_on in (None, day):
            self._repaired_on = day
            return None
        self._repaired_on = day
        thread = threading.Thread(target=_repair_in_background, args=(app,), daemon=True)
        thread.start()
        return thread

    def rebuild(self, collection: str | None = None) -> int:
        """Rebuild one index (or all) from the database; returns the documents written."""
        return sum(index.rebuild() for index in self.selected(collection))

    def status(self, collection: str | None = None) -> dict[str, IndexReport]:
        """Each index compared with the database, document by document."""
        return {index.name: index.check() for index in self.selected(collection)}

    def status_cached(self, seconds: float) -> dict[str, IndexReport]:
        """``status()`` reused for ``seconds`` (``/healthz`` is asked often)."""
        now = time.monotonic()
        if self._report is None or now - self._report[0] >= seconds:
            self._report = (now, self.status())
        return self._report[1]

    def repair(self, collection: str | None = None, wait: float | None = None) -> list[Repair]:
        """Bring one index (or all) exactly in step with the database."""
        self._report = None
        return [index.repair(wait) for index in self.selected(collection)]

    def is_in_step(self) -> bool:
        """True when every index holds exactly what the database says, fingerprint for
        fingerprint, with nothing pending."""
        return all(report.in_step for report in self.status().values())


def with_understanding(request: SearchRequest, understanding: Understanding) -> SearchRequest:
    """``request`` searching for the words as understood: an age typed in the words becomes
    the age filter (unless one was chosen), a place becomes a boost (or, with no other words,
    a filter), and close matches are judged by ``CLOSE_COVERAGE``."""
    age = request.age
    if age is None and understanding.age is not None:
        age = (understanding.age.low, understanding.age.high)
    place = () if understanding.place is None else (understanding.place.name,)
    return replace(
        request,
        query=understanding.searched,
        age=age,
        prefer_towns=place if understanding.meaningful else (),
        towns=() if understanding.meaningful else place,
        close_coverage=SENTENCE_CLOSE_COVERAGE if understanding.sentence else CLOSE_COVERAGE,
    )


# The known words of an index that cannot be read now (it is rebuilt when next searched).
_NO_WORDS: dict[str, int] = {}


def _known_words(index: SearchIndex):
    try:
        return index.backend.word_frequencies()
    except SearchUnavailable:
        return _NO_WORDS


def _document_count(index: SearchIndex) -> int:
    try:
        return index.backend.doc_count()
    except SearchUnavailable:
        return 0


def _listed_towns() -> list[str]:
    try:
        return listed_towns(db.session.connection())
    except SQLAlchemyError:
        db.session.rollback()
        return []


def engine() -> SearchEngine:
    return current_app.extensions["search"]


def _after_commit(session: Session) -> None:
    """Apply the committed transaction's outbox rows now, without waiting for a busy index."""
    if not outbox.wrote_changes(session):
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return  # no app here (a script): the rows wait for the next catch-up
    search = app.extensions.get("search")
    if search is not None:
        search.catch_up(wait=0)


def _repair_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            for index in app.extensions["search"].indexes.values():
                _log_repair(index.repair())
        except Exception:
            logger.exception("The daily search repair failed; the next start-up or day retries")
        finally:
            db.session.remove()


def _check_at_start_up(app: Flask) -> None:
    """Repair a missing, corrupt or out-of-step index rather than serve it, and drop outbox rows
    older than ``SEARCH_OUTBOX_KEEP_DAYS``. A busy index (another process holds its write lock
    longer than the bounded wait) keeps its rows for the next catch-up."""
    with app.app_context():
        try:
            search = app.extensions["search"]
            for index in search.indexes.values():
                try:
                    _log_repair(index.repair())
                except SearchWriteTimeout:
                    logger.warning("Search index %s is busy; it catches up later", index.name)
            with db.engine.begin() as connection:
                outbox.prune(connection, app.config["SEARCH_OUTBOX_KEEP_DAYS"])
        except SQLAlchemyError:
            # No tables yet (before `db upgrade`): nothing to index.
            db.session.rollback()
        finally:
            db.session.remove()


def _log_repair(repair: Repair) -> None:
    if repair.applied or repair.rebuilt or repair.removed:
        logger.warning(
            "Search index %s was out of step: applied %d changes, rebuilt %d documents, removed %d",
            repair.collection,
            repair.applied,
            repair.rebuilt,
            repair.removed,
        )


class _FirstRequestCheck:
    """The start-up check, run once at the first request when it was not run at start-up."""

    def __init__(self) -> None:
        self.wanted = False
        self._lock = threading.Lock()

    def run(self, app: Flask) -> None:
        if not self.wanted:
            return
        with self._lock:
            if self.wanted:
                _check_at_start_up(app)
                self.wanted = False


def init_app(app: Flask) -> None:
    app.extensions["search"] = SearchEngine(
        {
            collection.name: SearchIndex(collection, make_backend(app, collection.name))
            for collection in COLLECTIONS
        }
    )
    outbox.listen()
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)

    first_request_check = _FirstRequestCheck()
    if app.config.get("SEARCH_CHECK_ON_START", True):
        if click.get_current_context(silent=True) is None:
            _check_at_start_up(app)  # gunicorn (wsgi.py) or a script: before serving anything
        else:
            # A flask command: `flask search status` must see the indexes as they are, and
            # `flask db upgrade` or `flask seed` need no check; `flask run` checks at its first
            # request.
            first_request_check.wanted = True

    @app.before_request
    def _catch_up_now_and_then() -> None:
        first_request_check.run(app)
        search = app.extensions["search"]
        search.catch_up_if_due(app.config["SEARCH_CATCH_UP_SECONDS"])
        if app.config["SEARCH_DAILY_REPAIR"]:
            search.repair_if_new_day(app)

    app.cli.add_command(search_cli)
