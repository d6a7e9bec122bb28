"""Invitations: only officers and admins send them; the link works once, for 7 days."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import select

from localoffer.auth import service
from localoffer.extensions import db
from localoffer.models import AuditEvent, Invitation, Role, User
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse

STRONG = "purple otters juggle quietly"


def _invite(client, email, role, organization_id=""):
    data = {
        "email": email,
        "role": role,
        "organization_id": organization_id,
        "csrf_token": csrf_token(client),
    }
    return client.post("/manage/users/invite", data=data)


def _accept(client, token, name="Sam Smith", password=STRONG, confirm=None):
    data = {
        "name": name,
        "password": password,
        "confirm": confirm if confirm is not None else password,
        "csrf_token": csrf_token(client),
    }
    return client.post(f"/invitations/{token}", data=data)


def test_an_officer_invites_a_volunteer_by_email(app, caplog):
    officer = factories.user(Role.OFFICER)
    client = signed_in(app.test_client(), officer)
    with caplog.at_level(logging.WARNING, logger="localoffer.auth.email"):
        response = _invite(client, "New.Volunteer@Example.org", "volunteer")
    assert response.status_code == 302
    token = re.search(r"/invitations/([\w-]+)", caplog.text).group(1)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "new.volunteer@example.org")
    )
    assert invitation.role == Role.VOLUNTEER
    assert invitation.invited_by_id == officer.id
    # Only a hash is stored.
    assert token not in invitation.token_hash
    assert invitation.token_hash == service.token_digest(token)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "invitation.created", AuditEvent.subject_id == invitation.id
        )
    )
    assert event.actor_id == officer.id
    assert event.changes["role"] == [None, "volunteer"]


def test_an_officer_cannot_invite_an_admin_but_an_admin_can(app):
    officer = signed_in(app.test_client(), factories.user(Role.OFFICER))
    assert _invite(officer, "would-be-admin@example.org", "admin").status_code == 400
    admin = signed_in(app.test_client(), factories.user(Role.ADMIN))
    assert _invite(admin, "real-admin@example.org", "admin").status_code == 302


def test_a_provider_invitation_needs_an_organisation(app):
    client = signed_in(app.test_client(), factories.user(Role.OFFICER))
    response = _invite(client, "provider@example.org", "provider")
    assert response.status_code == 400
    page = parse(response.get_data(as_text=True))
    check_page(page)
    assert "Select the organisation the provider works for" in page.text
    assert 'value="provider@example.org"' in response.get_data(as_text=True)


def test_accepting_creates_the_account_signs_in_and_works_once(app):
    invitation, token = service.create_invitation("invitee@example.org", Role.OFFICER, None, None)
    db.session.commit()
    client = app.test_client()
    page = parse(client.get(f"/invitations/{token}").get_data(as_text=True))
    check_page(page)
    assert page.h1 == ["Create your account"]
    response = _accept(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"
    user = db.session.scalar(select(User).where(User.email == "invitee@example.org"))
    assert user.role == Role.OFFICER and user.name == "Sam Smith"
    assert user.password_hash.startswith("scrypt:")
    assert STRONG not in user.password_hash
    assert client.get("/manage").status_code == 200
    again = app.test_client()
    assert again.get(f"/invitations/{token}").status_code == 410
    assert _accept(again, token, password="another strong passphrase").status_code == 410


def test_an_invitation_expires_after_7_days(app, monkeypatch):
    invitation, token = service.create_invitation("late@example.org", Role.VOLUNTEER, None, None)
    db.session.commit()
    start = service.now()
    monkeypatch.setattr(service, "now", lambda: start + timedelta(days=6, hours=23))
    assert app.test_client().get(f"/invitations/{token}").status_code == 200
    monkeypatch.setattr(service, "now", lambda: start + timedelta(days=7, minutes=1))
    assert app.test_client().get(f"/invitations/{token}").status_code == 410


def test_a_wrong_token_is_not_found(client):
    assert client.get("/invitations/made-up-token").status_code == 404


def test_password_rules_on_accepting(app):
    invitation, token = service.create_invitation("rules@example.org", Role.VOLUNTEER, None, None)
    db.session.commit()
    client = app.test_client()
    cases = [
        ("short pass", None, "Password must be 12 characters or more"),
        ("password1234", None, "Password is too common"),
        ("Liverpool2024", None, "Password is too common"),
        (STRONG, "something else entirely", "Passwords must match"),
    ]
    for password, confirm, message in cases:
        response = _accept(client, token, password=password, confirm=confirm)
        assert response.status_code == 400, password
        html = response.get_data(as_text=True)
        assert message in html
        assert password not in html.split("</main>")[0].split("<main")[1]
    assert db.session.scalar(select(User).where(User.email == "rules@example.org")) is None


def test_the_common_password_list_is_shipped_and_large():
    from localoffer.auth.passwords import common_passwords

    assert len(common_passwords()) >= 1000
    assert {"password", "123456", "qwerty", "letmein"} <= common_passwords()
