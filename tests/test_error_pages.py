"""The 500 page itself survives the database error that caused it (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from localoffer.extensions import db
from localoffer.models import GlossaryTerm, Role
from tests import factories
from tests.accounts import signed_in
from tests.conftest import built_app


def _failed_flush():
    db.session.add(GlossaryTerm(term="", meaning=""))  # breaks a check constraint
    db.session.flush()


def _failed_statement():
    # An error inside the database: PostgreSQL then refuses every statement until a rollback.
    db.session.execute(text("SELECT CAST('not a number' AS INTEGER) + 1 FROM glossary_term"))
    db.session.execute(text("SELECT * FROM no_such_table"))


@pytest.fixture
def app_with_faulty_routes(tmp_path):
    with built_app(tmp_path, seeded=False) as app:
        app.add_url_rule("/test-only/failed-flush", "failed_flush", _failed_flush)
        app.add_url_rule("/test-only/failed-statement", "failed_statement", _failed_statement)
        with app.app_context():
            yield app


@pytest.mark.parametrize("path", ["/test-only/failed-flush", "/test-only/failed-statement"])
def test_a_database_error_gives_the_500_page_to_a_signed_in_visitor(app_with_faulty_routes, path):
    app = app_with_faulty_routes
    db.session.add(GlossaryTerm(term="ASD", meaning="Autism spectrum disorder"))
    client = signed_in(app.test_client(), factories.user(Role.OFFICER))
    response = client.get(path)
    assert response.status_code in (500, 503)  # 503: SQLite calls a missing table "operational"
    html = response.get_data(as_text=True)
    assert "govuk-heading" in html and "Traceback" not in html
    # The next request works as usual.
    assert client.get("/glossary").status_code == 200
