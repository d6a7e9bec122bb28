"""The Open Referral UK read API (HSDS 3.0, UK profile) under /api/v1, and its import/export."""

from flask import Blueprint

from localoffer.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Read only: there is no form to protect, and a stray POST should get a JSON 405.
csrf.exempt(bp)

from localoffer.api import routes  # noqa: E402,F401
