"""The family's shortlist of services, kept in the session (no account needed)."""

from flask import Blueprint

bp = Blueprint("shortlist", __name__, url_prefix="/shortlist")

from localoffer.shortlist import routes  # noqa: E402,F401
