"""Faults on real parts: a worker killed with SIGKILL in the middle of a write, a read-only
database file and a full disk.

- Killed during an index update: the database change stands, the index is left behind, and
  the next start of the app (its start-up check) rebuilds it so it holds exactly the listed
  services again.
- Killed during a review submission: a review and its answers are written in one transaction,
  so there is no half-written review: a new one does not exist at all, and a draft stays the
  draft it was.
- The SQLite file opened read-only, or full (``PRAGMA max_page_count``): a write gives a 503
  page in plain English, with no traceback, and reading pages still works.

SQLite only (the files are what is broken); the worker is ``tests/faults/worker.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from localoffer.extensions import db
from localoffer.models import PageFeedback, Review, ReviewAnswer, ReviewStatus, Role, Service
from localoffer.seeding.loader import seed_all
from tests import factories
from tests.accounts import csrf_token
from tests.conftest import PROJECT_ROOT, make_app

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="faults of the SQLite file itself"
)

WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    """A seeded SQLite database with its index and a volunteer, copied by each test."""
    folder = tmp_path_factory.mktemp("faults-area")
    app = make_app("sqlite:///" + str(folder / "area.db"), folder)
    with app.app_context():
        seed_all(PROJECT_ROOT / "seed")
        volunteer = factories.user(Role.VOLUNTEER)
        db.session.commit()
        volunteer_id = volunteer.id
        app.extensions["search"].rebuild()
        app.extensions["search"].backend.close()
        db.session.remove()
        db.engine.dispose()
    return folder, volunteer_id


def copy_area(area, tmp_path: Path) -> tuple[str, str]:
    folder, _ = area
    shutil.copy(folder / "area.db", tmp_path / "area.db")
    shutil.copytree(folder / "search-index", tmp_path / "index")
    return "sqlite:///" + str(tmp_path / "area.db"), str(tmp_path / "index")


def kill_in_the_middle(mode: str, database_url: str, index_dir: str, tmp_path: Path, *extra):
    """Start the worker, wait until it says it is mid-write, and SIGKILL it there."""
    marker = tmp_path / "paused"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_URL"))}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker", mode, database_url, index_dir, str(marker)]
        + [str(e) for e in extra],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while not marker.exists():
        if worker.poll() is not None:
            output = worker.stdout.read().decode(errors="replace")
            pytest.fail(
                f"the worker stopped before the write (exit {worker.returncode}):\n{output}"
            )
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the worker did not reach the write in {WAIT_SECONDS}s")
        time.sleep(0.05)
    assert int(marker.read_text()) == worker.pid
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    worker.stdout.close()
    assert worker.returncode == -signal.SIGKILL


def restarted_app(database_url: str, index_dir: str, **overrides):
    """The app started again over the same files (its start-up check runs, as in a worker)."""
    from localoffer import create_app

    return create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "POSTCODES_IO_URL": "http://127.0.0.1:9",
            **overrides,
        }
    )


def listed_ids() -> set[int]:
    from localoffer.listings.visibility import publicly_listed

    return set(db.session.scalars(select(Service.id).where(*publicly_listed())))


def test_killed_during_an_index_update_the_restart_rebuilds_the_index(area, tmp_path):
    database_url, index_dir = copy_area(area, tmp_path)
    kill_in_the_middle("index", database_url, index_dir, tmp_path)

    # Before the restart: the database change stands and the index did not get it.
    looking = restarted_app(database_url, index_dir, SEARCH_CHECK_ON_START=False)
    with looking.app_context():
        search = looking.extensions["search"]
        listed = listed_ids()
        assert search.backend.ids() - listed, "the index already had the change: no fault"
        assert not search.is_in_step()
        search.backend.close()
        db.session.remove()
        db.engine.dispose()

    app = restarted_app(database_url, index_dir)
    with app.app_context():
        search = app.extensions["search"]
        assert search.is_in_step()
        assert search.backend.ids() == listed_ids() == listed
        changed = db.session.scalars(
            select(Service).where(Service.description.like("%Now open on Saturdays.%"))
        ).all()
        assert len(changed) == 10
        client = app.test_client()
        for service in changed[:2]:
            page = client.get("/services?q=" + service.name.split()[0])
            assert page.status_code == 200
        search.backend.close()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("mode", ["review-new", "review-draft"])
def test_killed_during_a_review_submission_no_half_written_review_exists(area, tmp_path, mode):
    _, volunteer_id = area
    database_url, index_dir = copy_area(area, tmp_path)
    kill_in_the_middle(mode, database_url, index_dir, tmp_path, volunteer_id)

    app = restarted_app(database_url, index_dir)
    with app.app_context():
        reviews = db.session.scalars(select(Review).where(Review.author_id == volunteer_id)).all()
        if mode == "review-new":
            assert reviews == []
        else:
            [review] = reviews
            assert review.status == ReviewStatus.DRAFT and review.submitted_at is None
            assert {a.question_key: a.value for a in review.answers} == {
                "contact_method": "email",
                "worked_well": "The draft's words",
            }
        orphans = db.session.scalar(
            select(func.count(ReviewAnswer.id)).where(
                ReviewAnswer.review_id.not_in(select(Review.id))
            )
        )
        assert orphans == 0
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        app.extensions["search"].backend.close()
        db.session.remove()
        db.engine.dispose()


def assert_clear_503(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, (response.status_code, html[:500])
    assert "Sorry, the service is unavailable" in html
    assert "Nothing you entered on this page has been saved" in html
    assert "Traceback" not in html and "OperationalError" not in html and "sqlite" not in html


def feedback(client, problem: str):
    data = {"path": "/", "helpful": "no", "problem": problem, "csrf_token": csrf_token(client)}
    return client.post("/feedback", data=data)


def test_a_read_only_database_file_gives_a_clear_503_page(area, tmp_path, caplog):
    database_url, index_dir = copy_area(area, tmp_path)
    read_only = f"sqlite:///file:{tmp_path / 'area.db'}?mode=ro&uri=true"
    app = restarted_app(read_only, index_dir, SEARCH_CHECK_ON_START=False)
    with app.app_context():
        client = app.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/services").status_code == 200
        assert_clear_503(feedback(client, "The bus times are wrong"))
        assert "readonly database" in caplog.text
        assert db.session.scalar(select(func.count(PageFeedback.id))) == 0
        assert client.get("/").status_code == 200  # the next request is served normally
        db.session.remove()
        db.engine.dispose()


def test_a_full_disk_gives_a_clear_503_page_and_keeps_what_was_saved(area, tmp_path, caplog):
    database_url, index_dir = copy_area(area, tmp_path)
    app = restarted_app(
        database_url, index_dir, SEARCH_CHECK_ON_START=False, FEEDBACK_LIMIT="1000 per hour"
    )
    with app.app_context():
        pages = db.session.execute(text("PRAGMA page_count")).scalar()
        db.session.remove()

        @event.listens_for(db.engine, "connect")
        def no_room_to_grow(connection, record):
            connection.execute(f"PRAGMA max_page_count = {pages}")

        db.engine.dispose()
        client = app.test_client()
        statuses = []
        for number in range(200):
            response = feedback(client, f"Comment {number}: " + "words " * 190)
            statuses.append(response.status_code)
            if response.status_code != 303:
                break
        assert statuses[-1] == 503, statuses
        assert set(statuses[:-1]) <= {303}
        assert_clear_503(response)
        assert "database or disk is full" in caplog.text
        saved = db.session.scalar(select(func.count(PageFeedback.id)))
        assert saved == len(statuses) - 1
        assert client.get("/").status_code == 200
        db.session.remove()
        db.engine.dispose()
