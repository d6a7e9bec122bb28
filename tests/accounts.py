"""Helpers for tests that sign in: CSRF tokens, the sign-in form, and a quick session."""

from __future__ import annotations

import re

from flask import g

from localoffer.extensions import db

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client) -> str:
    """A CSRF token for this client's session (the reset form is on a page anyone can see)."""
    # Flask-WTF caches the token in g, which a test's app context shares across clients.
    g.pop("csrf_token", None)
    html = client.get("/password-reset").get_data(as_text=True)
    return TOKEN.search(html).group(1)


def sign_in(client, email: str, password: str, next_page: str | None = None):
    """Submit the sign-in form; returns the response."""
    url = "/sign-in" + (f"?next={next_page}" if next_page else "")
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post(url, data=data)


def signed_in(client, user):
    """Put ``user`` in the client's session without the form (no hashing, no rate limit)."""
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
