"""The PostgreSQL test databases are always dropped, even with a session still open in them.

Runs only with ``TEST_DATABASE_URL`` set, as CI does; on SQLite there is nothing to drop.
"""

from __future__ import annotations

import os
import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import postgres_admin_engine, temporary_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)"
)


def database_exists(name: str, tmp_path) -> bool:
    admin = postgres_admin_engine(tmp_path)
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            return found.scalar() is not None
    finally:
        admin.dispose()


def connect_directly(uri: str, **options) -> psycopg.Connection:
    """A psycopg connection outside SQLAlchemy's pool, which the app's teardown never sees."""
    return psycopg.connect(
        make_url(uri).set(drivername="postgresql").render_as_string(False), **options
    )


def test_a_session_left_open_mid_transaction_does_not_stop_the_drop(tmp_path):
    with temporary_database(tmp_path) as uri:
        name = make_url(uri).database
        leftover = connect_directly(uri)
        leftover.execute("CREATE TABLE held (id integer)")
        leftover.execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
        assert database_exists(name, tmp_path)
    try:
        assert not database_exists(name, tmp_path)
        with pytest.raises(psycopg.OperationalError):
            leftover.execute("SELECT 1")
    finally:
        leftover.close()


def wait_for_autovacuum(connection: psycopg.Connection, wait_seconds: float) -> bool:
    """Wait for an autovacuum worker to take its lock on the table ``churn``.

    Read from pg_locks: an ordinary role cannot see autovacuum workers in pg_stat_activity.
    """
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        held = connection.execute(
            "SELECT 1 FROM pg_locks WHERE relation = 'churn'::regclass"
            " AND mode = 'ShareUpdateExclusiveLock' AND granted AND pid <> pg_backend_pid()"
        ).fetchone()
        if held:
            return True
        time.sleep(0.2)
    return False


def test_an_autovacuum_worker_in_the_database_does_not_stop_the_drop(tmp_path):
    # A freshly seeded database often has an autovacuum worker in it when its test ends, and an
    # ordinary role may not end that worker itself. Here one is made to linger: the table asks
    # autovacuum to work as slowly as it can.
    with temporary_database(tmp_path) as uri:
        name = make_url(uri).database
        with connect_directly(uri, autocommit=True) as c:
            c.execute(
                "CREATE TABLE churn (id integer) WITH (autovacuum_vacuum_threshold = 0,"
                " autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100,"
                " autovacuum_vacuum_cost_limit = 1)"
            )
            c.execute("INSERT INTO churn SELECT generate_series(1, 200000)")
            c.execute("DELETE FROM churn")
            autovacuum_came = wait_for_autovacuum(c, wait_seconds=30)
        if not autovacuum_came:
            pytest.skip("autovacuum did not visit within 30 s (CI sets autovacuum_naptime = 1)")
    assert not database_exists(name, tmp_path)
