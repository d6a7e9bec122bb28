"""Signing in and out: messages that reveal nothing, locks, rate limits, sessions that end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from localoffer.auth import service
from localoffer.extensions import db
from localoffer.models import AuditEvent, Role
from tests import factories
from tests.accounts import csrf_token, sign_in, signed_in
from tests.pages import check_page, parse

WRONG = "Enter a correct email address and password"
LOCKED = "This account is locked"


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_sign_in_page_passes_the_page_checks(pages):
    page = pages.get("/sign-in")
    assert page.h1 == ["Sign in"]


def test_an_officer_signs_in_and_lands_on_the_dashboard(client):
    officer = factories.user(Role.OFFICER)
    db.session.commit()
    response = sign_in(client, officer.email.upper(), factories.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"
    assert client.get("/manage").status_code == 200


def test_a_volunteer_lands_on_the_home_page_or_the_page_asked_for(client):
    volunteer = factories.user(Role.VOLUNTEER)
    db.session.commit()
    assert sign_in(client, volunteer.email, factories.PASSWORD).headers["Location"] == "/"
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    response = sign_in(client, volunteer.email, factories.PASSWORD, next_page="/glossary")
    assert response.headers["Location"] == "/glossary"


def test_next_must_be_a_path_on_this_site(client):
    volunteer = factories.user(Role.VOLUNTEER)
    db.session.commit()
    response = sign_in(client, volunteer.email, factories.PASSWORD, next_page="//evil.example")
    assert response.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    wrong = sign_in(client, user.email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 400
        page = parse(_text(response))
        check_page(page)
        assert page.title.startswith("Error: Sign in")
        assert WRONG in page.text
    # The email is kept; the password is not.
    assert f'value="{user.email}"' in _text(wrong)
    assert "not the password at all" not in _text(wrong)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    for _ in range(4):
        assert WRONG in _text(sign_in(client, user.email, "wrong password here"))
    assert LOCKED in _text(sign_in(client, user.email, "wrong password here"))
    response = sign_in(client, user.email, factories.PASSWORD)
    assert response.status_code == 400
    assert LOCKED in _text(response)


def test_the_lock_ends_after_15_minutes(client, monkeypatch):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    for _ in range(5):
        sign_in(client, user.email, "wrong password here")
    later = service.now() + timedelta(minutes=16)
    monkeypatch.setattr(service, "now", lambda: later)
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302


def test_unknown_emails_lock_too_so_the_lock_reveals_nothing(client):
    for _ in range(5):
        response = sign_in(client, "nobody-at-all@example.org", "wrong password here")
    assert LOCKED in _text(response)


def test_a_deactivated_account_cannot_sign_in(client):
    user = factories.user(Role.VOLUNTEER, is_active=False)
    db.session.commit()
    assert WRONG in _text(sign_in(client, user.email, factories.PASSWORD))


def test_sign_in_is_rate_limited_per_address(client):
    for _ in range(10):
        assert sign_in(client, "someone@example.org", "wrong password").status_code == 400
    response = sign_in(client, "someone-else@example.org", "wrong password")
    assert response.status_code == 429
    page = parse(_text(response))
    check_page(page)
    assert page.h1 == ["You have done that too many times"]
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(other, "someone@example.org", "wrong password").status_code == 400


def test_sign_out_ends_the_session(client):
    user = factories.user(Role.OFFICER)
    signed_in(client, user)
    assert client.get("/manage").status_code == 200
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/manage").status_code == 302


def test_the_header_offers_sign_in_or_sign_out_and_manage(app):
    assert 'href="/sign-in"' in _text(app.test_client().get("/"))
    officer = signed_in(app.test_client(), factories.user(Role.OFFICER))
    html = _text(officer.get("/"))
    assert 'action="/sign-out"' in html and 'href="/manage"' in html
    volunteer = signed_in(app.test_client(), factories.user(Role.VOLUNTEER))
    html = _text(volunteer.get("/"))
    assert 'action="/sign-out"' in html and 'href="/manage"' not in html


def test_deactivation_ends_the_session_at_the_next_request(client):
    user = factories.user(Role.OFFICER)
    signed_in(client, user)
    assert client.get("/manage").status_code == 200
    service.set_active(user, False, actor=None)
    db.session.commit()
    assert client.get("/manage").status_code == 302


def test_a_password_change_ends_other_sessions(client):
    user = factories.user(Role.OFFICER)
    signed_in(client, user)
    service.set_password(user, "another long password here")
    db.session.commit()
    assert client.get("/manage").status_code == 302


def test_sign_ins_are_audited_without_the_password(client):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    sign_in(client, user.email, "a wrong guess of a password")
    sign_in(client, user.email, factories.PASSWORD)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == user.id).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["sign_in.failed", "sign_in.succeeded"]
    assert events[1].actor_id == user.id
    assert events[0].changes == {"failed_sign_ins": [0, 1]}
    for event in events:
        assert "password" not in str(event.changes)


def test_session_cookie_is_secure_in_production(app):
    from localoffer.config import load_config

    config = load_config(
        app.instance_path,
        {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "MAIL_SERVER": "smtp.example.org"},
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
