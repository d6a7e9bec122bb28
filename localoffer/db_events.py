"""Database connection settings that must hold for every connection."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _enable_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    # SQLite ignores foreign keys unless each connection asks for them.
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def init_app(app: Flask) -> None:
    """Register connection hooks once per process."""
    if not event.contains(Engine, "connect", _enable_sqlite_foreign_keys):
        event.listen(Engine, "connect", _enable_sqlite_foreign_keys)
