"""A database with the SEND vocabularies and no services, and an officer signed in to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from localoffer.extensions import db
from localoffer.models import Role
from localoffer.seeding.loader import SeedReport, load_vocabularies
from tests import factories
from tests.accounts import signed_in

SEED = Path(__file__).resolve().parents[2] / "seed"


@pytest.fixture
def bulk_app(empty_app):
    load_vocabularies(SEED / "vocabularies.yaml", SeedReport())
    db.session.commit()
    return empty_app


@pytest.fixture
def officer(bulk_app):
    person = factories.user(Role.OFFICER)
    db.session.commit()
    return person


@pytest.fixture
def officer_client(bulk_app, officer):
    return signed_in(bulk_app.test_client(), officer)
