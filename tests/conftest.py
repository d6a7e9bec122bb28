"""Shared fixtures: a real database built by the migrations, seeded with the demo area.

SQLite in a temporary folder by default. With ``TEST_DATABASE_URL`` set to a PostgreSQL URL
(a role allowed to create databases), each app gets a fresh PostgreSQL database instead, which
is dropped afterwards: the same tests run on both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from localoffer import create_app
from localoffer.config import database_url
from localoffer.extensions import db
from localoffer.seeding.loader import seed_all
from tests.pages import PageChecker

# The SMTP server fixtures (smtp, mail_app) for tests that send email.
pytest_plugins = ["tests.mail"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def postgres_admin_engine(tmp_path: Path):
    """An autocommit engine on ``TEST_DATABASE_URL``, for creating and dropping databases."""
    url = make_url(database_url(os.environ["TEST_DATABASE_URL"], str(tmp_path)))
    return create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def temporary_database(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for one app, removed afterwards."""
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if not admin_url:
        yield "sqlite:///" + str(tmp_path / "test.db")
        return
    name = "lo_test_" + uuid.uuid4().hex[:12]
    admin = postgres_admin_engine(tmp_path)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            drop_database(connection, name)
        admin.dispose()


def drop_database(connection, name: str) -> None:
    """Drop a test database, ending any session this role left open in it first.

    Not ``DROP DATABASE ... WITH (FORCE)``: that refuses outright when an autovacuum worker
    happens to be in the database (a freshly seeded one often has one), because an ordinary
    role may not signal it. A plain DROP stops autovacuum itself and waits a few seconds for
    the sessions ended here to go.
    """
    connection.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = :name AND usename = current_user AND pid <> pg_backend_pid()"
        ),
        {"name": name},
    )
    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


class ClosingClient(FlaskClient):
    """A test client that closes each response as a WSGI server does (gunicorn, flask run),
    so what the app does after the response (sending queued email) happens before the test
    goes on."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_app(database_uri: str, tmp_path: Path, **overrides):
    config = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        # Nothing in the tests reaches the internet: a closed local port answers at once.
        "POSTCODES_IO_URL": "http://127.0.0.1:9",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = ClosingClient
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    return app


@contextmanager
def built_app(tmp_path: Path, seeded: bool, **overrides) -> Iterator:
    with temporary_database(tmp_path) as uri:
        app = make_app(uri, tmp_path, **overrides)
        if seeded:
            with app.app_context():
                seed_all(PROJECT_ROOT / "seed")
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory):
    """One app over a migrated and seeded database, shared by read-only tests."""
    with built_app(tmp_path_factory.mktemp("seeded"), seeded=True) as app:
        yield app


@pytest.fixture
def app(seeded_app):
    with seeded_app.app_context():
        yield seeded_app
        db.session.rollback()


@pytest.fixture
def empty_app(tmp_path):
    """An app over a migrated but empty database, for tests that write."""
    with built_app(tmp_path, seeded=False) as app:
        with app.app_context():
            yield app


@pytest.fixture
def fresh_seeded_app(tmp_path):
    """A seeded database of its own, for tests that change the demo area."""
    with built_app(tmp_path, seeded=True) as app:
        with app.app_context():
            yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def pages(client):
    """Fetch a page and check the things every page must get right."""
    return PageChecker(client)
