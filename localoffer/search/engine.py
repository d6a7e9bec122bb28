"""The search engine as the app holds it: one backend per process, its thesaurus from the
glossary, a start-up check, and ``flask search reindex``."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from localoffer.content_versions import read_versions, version_of
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import GlossaryTerm, Service
from localoffer.search import sync
from localoffer.search.backend import SearchBackend
from localoffer.search.builder import listed_documents
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry
from localoffer.search.whoosh_backend import WhooshBackend

logger = logging.getLogger(__name__)


# Read on a database without the change counter (before migration 0009), before every search.
_GLOSSARY_ROWS_VERSION = select(func.count(GlossaryTerm.id), func.max(GlossaryTerm.updated_at))
_GLOSSARY_ENTRIES = select(
    GlossaryTerm.term, GlossaryTerm.meaning, GlossaryTerm.synonyms, GlossaryTerm.expands_to
).order_by(GlossaryTerm.id)


def _thesaurus(connection: Connection) -> Thesaurus:
    """The thesaurus from the glossary rows ``connection`` sees."""
    return Thesaurus(
        ThesaurusEntry(
            term=term,
            meaning=meaning,
            synonyms=tuple(synonyms or ()),
            expands_to=tuple(expands_to or ()),
        )
        for term, meaning, synonyms, expands_to in connection.execute(_GLOSSARY_ENTRIES)
    )


class SearchEngine:
    """Holds the backend and keeps its thesaurus in step with the glossary table."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        # The label of the glossary the thesaurus was built from: the database and its
        # ``glossary`` version, or (without the counter) the rows' count and latest change.
        self._glossary_version: tuple | None = None

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
        return self.backend.thesaurus

    def _refresh_at(self, version: int) -> None:
        # Only committed rows are labelled with a version, read on a connection of their own
        # (this transaction may hold writes of its own that are later rolled back), the version
        # before the rows: a newer glossary under an older label is only read once more.
        with db.engine.connect() as connection:
            committed = read_versions(connection).get("glossary")
            if (db.engine.url, committed) != self._glossary_version:
                self.backend.thesaurus = _thesaurus(connection)
                self._glossary_version = (db.engine.url, committed)
        if committed != version:
            # This transaction sees another glossary: use it, and read again next time (the
            # label first, so no other thread takes this thesaurus for the committed one).
            self._glossary_version = None
            self.backend.thesaurus = _thesaurus(db.session.connection())

    def _refresh_by_rows(self) -> None:
        connection = db.session.connection()
        version = ("rows", *connection.execute(_GLOSSARY_ROWS_VERSION).one())
        if version != self._glossary_version:
            self.backend.thesaurus = _thesaurus(connection)
            self._glossary_version = version

    def rebuild(self) -> int:
        """Rebuild the whole index from the database."""
        with Session(db.engine) as session:
            return self.backend.rebuild(listed_documents(session))

    def is_in_step(self) -> bool:
        """True when the index opens and holds exactly the listed services."""
        if not self.backend.is_healthy():
            return False
        listed = set(db.session.scalars(select(Service.id).where(*publicly_listed())))
        return self.backend.ids() == listed


def engine() -> SearchEngine:
    return current_app.extensions["search"]


def _check_at_start_up(app: Flask) -> None:
    """Rebuild a missing, corrupt or out-of-step index rather than serve it broken."""
    with app.app_context():
        try:
            search = app.extensions["search"]
            if not search.is_in_step():
                count = search.rebuild()
                logger.warning("Search index was missing or out of step; rebuilt %d", count)
        except SQLAlchemyError:
            # No tables yet (before `db upgrade`): nothing to index.
            db.session.rollback()
        finally:
            db.session.remove()


search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    count = engine().rebuild()
    click.echo(f"Indexed {count} listed services.")


@search_cli.command("status")
def status_command() -> None:
    """Say whether the index holds exactly the listed services."""
    search = engine()
    click.echo(f"Documents in the index: {search.backend.doc_count()}")
    click.echo("In step with the database." if search.is_in_step() else "Out of step: reindex.")


def init_app(app: Flask) -> None:
    app.extensions["search"] = SearchEngine(WhooshBackend(app.config["SEARCH_INDEX_DIR"]))
    sync.init_app(app)
    app.cli.add_command(search_cli)
    if app.config.get("SEARCH_CHECK_ON_START", True):
        _check_at_start_up(app)
