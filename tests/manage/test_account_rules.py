"""Nobody deactivates or demotes themselves, and the last active admin always stays one."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from localoffer.auth import service as accounts
from localoffer.extensions import db
from localoffer.models import Role, User
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse

ONLY_ADMIN = "is the only active admin"


def _error_summary(response) -> str:
    page = parse(response.get_data(as_text=True))
    check_page(page)
    return response.get_data(as_text=True).split("govuk-error-summary__list")[1].split("</ul>")[0]


def _demote(client, user_id, token=None):
    data = {"role": "officer", "organization_id": "", "csrf_token": token or csrf_token(client)}
    return client.post(f"/manage/users/{user_id}/role", data=data)


def _deactivate(client, user_id, token=None):
    data = {"csrf_token": token or csrf_token(client)}
    return client.post(f"/manage/users/{user_id}/deactivate", data=data)


def _active_admins() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.is_active)))


def test_an_admin_who_tries_to_change_their_own_role_is_told_why(app):
    admin = factories.user(Role.ADMIN)
    factories.user(Role.ADMIN)
    client = signed_in(app.test_client(), admin)
    response = _demote(client, admin.id)
    assert response.status_code == 400
    assert "You cannot change your own role. Ask another admin" in _error_summary(response)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_an_admin_who_tries_to_deactivate_themselves_is_told_why(app):
    admin = factories.user(Role.ADMIN)
    factories.user(Role.ADMIN)
    client = signed_in(app.test_client(), admin)
    response = _deactivate(client, admin.id)
    assert response.status_code == 400
    assert "You cannot deactivate your own account. Ask another admin" in _error_summary(response)
    db.session.refresh(admin)
    assert admin.is_active
    # Still signed in: nothing about the account changed.
    assert client.get("/manage/users").status_code == 200


def test_the_rules_hold_in_the_service_layer_for_every_caller(empty_app):
    admin = factories.user(Role.ADMIN)
    officer = factories.user(Role.OFFICER)
    db.session.commit()
    with pytest.raises(accounts.AccountChangeRefused, match="your own role"):
        accounts.change_role(admin, Role.OFFICER, None, admin)
    with pytest.raises(accounts.AccountChangeRefused, match="your own account"):
        accounts.set_active(admin, False, admin)
    # Whoever asks (here an officer object, as a script might pass), the last admin stays.
    with pytest.raises(accounts.AccountChangeRefused, match=f"{admin.name} {ONLY_ADMIN}"):
        accounts.change_role(admin, Role.OFFICER, None, officer)
    with pytest.raises(accounts.AccountChangeRefused, match=f"{admin.name} {ONLY_ADMIN}"):
        accounts.set_active(admin, False, officer)
    db.session.rollback()
    assert _active_admins() == [admin.id]


def test_an_admin_can_demote_or_deactivate_another_admin_while_one_remains(empty_app):
    first, second, third = (factories.user(Role.ADMIN) for _ in range(3))
    client = signed_in(empty_app.test_client(), first)
    assert _demote(client, second.id).status_code == 302
    assert _deactivate(client, third.id).status_code == 302
    assert _active_admins() == [first.id]


needs_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="needs TEST_DATABASE_URL: the race is held open with a PostgreSQL table lock",
)


@needs_postgres
@pytest.mark.parametrize(
    ("first_action", "second_action"),
    [(_demote, _demote), (_deactivate, _deactivate), (_demote, _deactivate)],
)
def test_two_admins_acting_on_each_other_at_once_leave_one_admin(
    empty_app, first_action, second_action
):
    from tests.test_test_databases import connect_directly

    first, second = factories.user(Role.ADMIN), factories.user(Role.ADMIN)
    first_client = signed_in(empty_app.test_client(), first)
    second_client = signed_in(empty_app.test_client(), second)
    first_token, second_token = csrf_token(first_client), csrf_token(second_client)
    uri = empty_app.config["SQLALCHEMY_DATABASE_URI"]
    with connect_directly(uri) as held, connect_directly(uri, autocommit=True) as watcher:
        # Every change writes an audit event: holding that table open keeps both requests
        # in their transactions at once, after whatever each checked.
        held.execute("LOCK TABLE audit_event IN EXCLUSIVE MODE")
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(first_action, first_client, second.id, first_token),
                pool.submit(second_action, second_client, first.id, second_token),
            ]
            _wait_for_waiting_sessions(watcher, 2)
            held.rollback()
            responses = [future.result() for future in futures]
    assert sorted(response.status_code for response in responses) == [302, 400]
    [refused] = [response for response in responses if response.status_code == 400]
    assert ONLY_ADMIN in _error_summary(refused)
    assert len(_active_admins()) == 1


def _wait_for_waiting_sessions(watcher, count: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]
        if waiting >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} requests never waited on a lock together")
