"""Password reset: the email goes through a real SMTP server on 127.0.0.1; the link works once."""

from __future__ import annotations

import re

from localoffer.extensions import db
from localoffer.models import Role
from tests import factories
from tests.accounts import csrf_token


def _request_reset(client, email):
    return client.post("/password-reset", data={"email": email, "csrf_token": csrf_token(client)})


def _choose(client, path, password):
    data = {"password": password, "confirm": password, "csrf_token": csrf_token(client)}
    return client.post(path, data=data)


def test_the_reset_link_arrives_by_email_and_works_once(mail_app):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    client = mail_app.test_client()
    response = _request_reset(client, user.email)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    [message] = mail_app.inbox.messages
    assert message["To"] == user.email
    body = message.get_payload(decode=True).decode()
    path = re.search(r"http://localhost(/password-reset/\S+)", body).group(1)
    assert client.get(path).status_code == 200
    assert _choose(client, path, "a brand new passphrase").status_code == 302
    assert client.get(path).status_code == 404
    assert _choose(client, path, "yet another passphrase").status_code == 404
    signed_in = client.post(
        "/sign-in",
        data={
            "email": user.email,
            "password": "a brand new passphrase",
            "csrf_token": csrf_token(client),
        },
    )
    assert signed_in.status_code == 302


def test_an_unknown_email_gets_the_same_page_and_no_email(mail_app):
    response = _request_reset(mail_app.test_client(), "nobody@example.org")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert mail_app.inbox.messages == []


def test_a_forged_reset_link_does_not_work(client):
    assert client.get("/password-reset/forged.token.here").status_code == 404
