"""The content change counters (``ContentVersion``), read once per request.

Caches of rarely changed content (the vocabularies, the glossary's thesaurus) compare these
numbers with the ones they were built at instead of reading the content on every request.
"""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import URL, Connection, inspect, select

from localoffer.extensions import db
from localoffer.models import ContentVersion

_VERSIONS = select(ContentVersion.name, ContentVersion.version)

# Databases (by URL) already seen to have the content_version table, so the check for it is
# made once per database and process, not on every request.
_databases_with_counters: set = set()


def read_versions(connection: Connection) -> dict[str, int]:
    """Every counter as ``{name: version}``, read on ``connection``."""
    return dict(connection.execute(_VERSIONS).all())


def content_versions() -> dict[str, int] | None:
    """Every counter, read once per request (one tiny query) and kept in ``g``.

    None when the database has no content_version table yet (not migrated to 0009): callers
    then fall back to comparing the content itself.
    """
    if "content_versions" in g:
        return g.content_versions
    connection = db.session.connection()
    if _in_memory(connection.engine.url):
        g.content_versions = None
        return None
    if connection.engine.url not in _databases_with_counters:
        if not inspect(connection).has_table(ContentVersion.__tablename__):
            g.content_versions = None
            return None
        _databases_with_counters.add(connection.engine.url)
    g.content_versions = read_versions(connection)
    return g.content_versions


def _in_memory(url: URL) -> bool:
    # An in-memory SQLite database has one connection only: the caches' committed reads on a
    # connection of their own would share, and on closing roll back, the request's transaction.
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def version_of(name: str) -> int | None:
    """This request's version of the ``name`` counter, or None if there is no such counter."""
    versions = content_versions()
    return None if versions is None else versions.get(name)


def _forget_the_last_request() -> None:
    # An app context can span several requests (the test client inside a test's app context):
    # each request must read the counters afresh.
    g.pop("content_versions", None)


def init_app(app: Flask) -> None:
    """Read the counters afresh at the start of every request."""
    app.before_request(_forget_the_last_request)
