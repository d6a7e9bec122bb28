"""`flask search ...` run as a command: the app it loads makes no repair of its own first, so
status reports the indexes as they are."""

from __future__ import annotations

from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import select, text

from localoffer import create_app
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import Service


def _same_area(app) -> dict:
    """The config of another app over ``app``'s database and index."""
    return {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "POSTCODES_IO_URL": "http://127.0.0.1:9",
    }


def _rename_with_sql() -> None:
    """Rename the first listed service behind the app's back."""
    service_id = db.session.scalars(
        select(Service.id).where(*publicly_listed()).order_by(Service.id)
    ).first()
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE service SET name = 'Zebrafinch club' WHERE id = :id"), {"id": service_id}
        )


def _close(app) -> None:
    """Close an app's indexes and database connections (PostgreSQL warns of open ones)."""
    with app.app_context():
        for index in app.extensions["search"].indexes.values():
            index.backend.close()
        db.session.remove()
        db.engine.dispose()


def test_status_from_the_command_line_reports_a_change_made_with_sql(fresh_seeded_app):
    _rename_with_sql()
    config = _same_area(fresh_seeded_app)
    loaded = []

    def load():
        loaded.append(create_app(config))
        return loaded[-1]

    cli = FlaskGroup(create_app=load, load_dotenv=False)
    try:
        _status_and_repair(cli)
    finally:
        for app in loaded:
            _close(app)


def _status_and_repair(cli: FlaskGroup) -> None:
    runner = CliRunner()
    status = runner.invoke(cli, ["search", "status"])
    assert status.exit_code == 1, status.output
    assert "services: 171 documents, 1 stale, 0 missing, 0 extra, 0 pending" in status.output

    repair = runner.invoke(cli, ["search", "repair", "--collection", "services"])
    assert repair.exit_code == 0, repair.output
    assert "services: applied 0 changes, rebuilt 1 documents, removed 0." in repair.output
    again = runner.invoke(cli, ["search", "status"])
    assert again.exit_code == 0 and "In step with the database." in again.output


def test_an_app_loaded_by_flask_run_checks_at_its_first_request(fresh_seeded_app):
    import click

    from localoffer.search.engine import engine

    _rename_with_sql()
    with click.Context(click.Command("run")):
        served = create_app(_same_area(fresh_seeded_app))
    try:
        with served.app_context():
            assert engine().status()["services"].stale == 1  # nothing was repaired at loading
            served.test_client().get("/")
            assert engine().status()["services"].stale == 0
    finally:
        _close(served)
