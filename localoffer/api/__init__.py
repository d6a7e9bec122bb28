"""The Open Referral UK read API (HSDS 3.0, UK profile) under /api/v1, and its import/export."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from localoffer.api import routes  # noqa: E402,F401
