"""The providers' area: propose changes to their own organisation's listings, confirm them."""

from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/provider")

from localoffer.provider import routes  # noqa: E402,F401
