"""The officers' and admins' area: dashboard, listings, providers' proposals and accounts."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from localoffer.manage import (  # noqa: E402,F401
    listing_routes,
    proposal_routes,
    record_routes,
    routes,
)
