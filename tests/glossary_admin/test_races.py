"""Two officers saving the same synonym at the same moment: one is saved, the other is refused.

The rules between entries are checked again after the write is flushed, when the transaction
holds the glossary's lock (on PostgreSQL the ``glossary`` counter's row, updated by the trigger
in the same transaction), so the later save sees the earlier one. On SQLite the database's one
write lock does the same; only PostgreSQL can hold two requests open here at once.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import GlossaryTerm
from tests.accounts import csrf_token
from tests.glossary_admin.test_pages import GOOD, officer
from tests.html_forms import error_summary
from tests.manage.test_account_rules import _wait_for_waiting_sessions

needs_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="needs TEST_DATABASE_URL: the race is held open with a PostgreSQL table lock",
)


@needs_postgres
def test_two_officers_saving_the_same_synonym_at_once_save_it_once(empty_app):
    from tests.test_test_databases import connect_directly

    clients = [officer(empty_app, "Olive Officer"), officer(empty_app, "Colin Colleague")]
    forms = [
        {**GOOD, "term": term, "synonyms": "splashtime", "csrf_token": csrf_token(client)}
        for term, client in zip(("Splash time", "Pool time"), clients, strict=True)
    ]
    uri = empty_app.config["SQLALCHEMY_DATABASE_URI"]
    with connect_directly(uri) as held, connect_directly(uri, autocommit=True) as watcher:
        # Reading is allowed, writing waits: both requests pass the check before writing, then
        # queue for the write.
        held.execute("LOCK TABLE glossary_term IN EXCLUSIVE MODE")
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(client.post, "/manage/glossary/new", data=form)
                for client, form in zip(clients, forms, strict=True)
            ]
            _wait_for_waiting_sessions(watcher, 2)
            held.rollback()
            responses = [future.result() for future in futures]
    assert sorted(response.status_code for response in responses) == [302, 400]
    [refused] = [response for response in responses if response.status_code == 400]
    [(link, text)] = error_summary(refused.get_data(as_text=True))
    assert link == "#synonyms" and "‘splashtime’ is already a synonym of" in text
    db.session.expire_all()
    saved = db.session.scalars(select(GlossaryTerm)).all()
    assert [entry.synonyms for entry in saved] == [["splashtime"]]
