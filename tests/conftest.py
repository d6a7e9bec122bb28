"""Shared fixtures: a real SQLite database built by the migrations, seeded with the demo area."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade

from localoffer import create_app
from localoffer.extensions import db
from localoffer.seeding.loader import seed_all
from tests.pages import PageChecker

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def make_app(tmp_path: Path, **overrides):
    config = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "test.db"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    return app


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory):
    """One app over a migrated and seeded database, shared by read-only tests."""
    app = make_app(tmp_path_factory.mktemp("seeded"))
    with app.app_context():
        seed_all(PROJECT_ROOT / "seed")
    return app


@pytest.fixture
def app(seeded_app):
    with seeded_app.app_context():
        yield seeded_app
        db.session.rollback()


@pytest.fixture
def empty_app(tmp_path):
    """An app over a migrated but empty database, for tests that write."""
    app = make_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def pages(client):
    """Fetch a page and check the things every page must get right."""
    return PageChecker(client)
