"""A worker process for the fault tests, killed with SIGKILL by the test in the middle of a write.

``python -m tests.faults.worker MODE DATABASE_URL INDEX_DIR MARKER [ARGUMENTS...]``

The app is the real one over the given database and index. Before the step the test wants to
interrupt, the worker writes its pid to ``MARKER`` and sleeps; the test kills it there.

- ``index``: close three listed services and change the description of ten others through the
  ORM and commit. The database commit stands; the index update that follows (in the session's
  after-commit hook) is stopped after its documents are written and before Whoosh commits.
- ``review-new`` / ``review-draft``: as the volunteer ``USER_ID``, through the review form
  (test client, real CSRF token), submit a complete service review; with ``review-draft`` a
  draft is saved first. The submission is stopped after its rows are flushed and before the
  database commit.
- ``catch-up``: rename the service ``SERVICE_ID`` to ``NAME`` through the ORM and commit. The
  commit stands; the index update that follows is stopped before it writes anything: in
  ``SearchEngine.catch_up`` (called by the after-commit hook), or on code without it in
  ``localoffer.search.sync.apply_changes``.
"""

from __future__ import annotations

import os
import sys
import time

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from localoffer import create_app
from localoffer.extensions import db
from localoffer.models import Review, ReviewStatus, Service, ServiceStatus, User
from localoffer.search.whoosh import WhooshBackend

SLEEP_SECONDS = 120
SERVICE_FORM = "/reviews/new?template=service-mystery-shop&service={service}"
DRAFT = {"answer-contact_method": "email", "answer-worked_well": "The draft's words"}
COMPLETE = {
    "answer-contact_method": "phone",
    "answer-response_days": "1",
    "answer-matched_listing": "yes",
    "answer-listened_to": "5",
    "answer-recommend": "yes",
    "answer-worked_well": "Submitted words " * 200,
}


def pause_here(marker: str) -> None:
    with open(marker + ".tmp", "w") as handle:
        handle.write(str(os.getpid()))
    os.replace(marker + ".tmp", marker)
    time.sleep(SLEEP_SECONDS)
    sys.exit("not killed")


def app_for(database_url: str, index_dir: str):
    return create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": index_dir,
            "POSTCODES_IO_URL": "http://127.0.0.1:9",
        }
    )


def interrupt_index_update(marker: str) -> None:
    real_commit = WhooshBackend._commit

    def commit_then_stop(ix, apply, deadline, mergetype=None):
        def apply_then_stop(writer):
            apply(writer)  # the writer holds the new documents; Whoosh has not committed them
            pause_here(marker)

        return real_commit(ix, apply_then_stop, deadline, mergetype)

    WhooshBackend._commit = staticmethod(commit_then_stop)
    services = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).all()
    for service in services[:3]:
        service.status = ServiceStatus.CLOSED
    for service in services[3:13]:
        service.description = (service.description or "") + " Now open on Saturdays."
    db.session.commit()  # the after-commit hook writes the index, and stops


def interrupt_catch_up(marker: str, service_id: int, name: str) -> None:
    from localoffer.search.engine import SearchEngine

    def stop(*args, **kwargs):
        pause_here(marker)

    # Patched after the app has started, so its own start-up check is not stopped.
    SearchEngine.catch_up = stop
    service = db.session.get(Service, service_id)
    service.name = name
    db.session.commit()  # the after-commit hook starts the index update, and stops


def interrupt_review(marker: str, user_id: int, draft_first: bool) -> None:
    from tests.accounts import signed_in
    from tests.reviews.conftest import hidden_fields

    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    client = signed_in(current_app.test_client(), db.session.get(User, user_id))
    url = SERVICE_FORM.format(service=service.id)
    fields = hidden_fields(client.get(url).get_data(as_text=True))
    if draft_first:
        response = client.post(url, data={**fields, **DRAFT, "action": "save"})
        assert response.status_code == 303, response.status_code
        url = response.headers["Location"]
        fields = hidden_fields(client.get(url).get_data(as_text=True))

    def stop_before_commit(session, flush_context):
        if any(
            isinstance(obj, Review) and obj.status == ReviewStatus.SUBMITTED
            for obj in [*session.new, *session.dirty]
        ):
            pause_here(marker)

    event.listen(Session, "after_flush", stop_before_commit)
    client.post(url, data={**fields, **COMPLETE, "action": "submit"})
    sys.exit("the submission was not interrupted")


def main() -> None:
    mode, database_url, index_dir, marker, *rest = sys.argv[1:]
    app = app_for(database_url, index_dir)
    with app.app_context():
        if mode == "index":
            interrupt_index_update(marker)
        elif mode == "catch-up":
            interrupt_catch_up(marker, int(rest[0]), rest[1])
        elif mode in {"review-new", "review-draft"}:
            interrupt_review(marker, int(rest[0]), draft_first=mode == "review-draft")
        else:
            sys.exit(f"unknown mode {mode}")
    sys.exit("the write was not interrupted")


if __name__ == "__main__":
    main()
