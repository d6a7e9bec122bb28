"""Draft tokens: a review form carries one, so answers sent after the session ended are kept.

The token names the author and the form's draft key and is signed with the app's secret; it
stands in for the CSRF token only to save a draft, never to submit.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from localoffer.extensions import db
from localoffer.models import User

SALT = "review-draft"
MAX_AGE_SECONDS = 7 * 24 * 60 * 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_draft_token(user: User, draft_key: str) -> str:
    return _serializer().dumps({"u": user.id, "v": user.session_version, "k": draft_key})


def read_draft_token(token: str | None) -> tuple[User, str] | None:
    """The active author and draft key the token was made for, or None."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or user.session_version != data.get("v"):
        return None
    key = data.get("k")
    return (user, key) if isinstance(key, str) and len(key) <= 36 else None
