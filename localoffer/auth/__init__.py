"""Accounts: sign in and out, invitations, password reset, and the users command line."""

from flask import Blueprint, g

bp = Blueprint("auth", __name__)


@bp.before_app_request
def _read_the_session_afresh() -> None:
    # Flask-Login caches the user in g, which outlives a request when an app context spans
    # several (the test client inside a test's app context); a stale user must never survive.
    g.pop("_login_user", None)


from localoffer.auth import routes  # noqa: E402,F401
