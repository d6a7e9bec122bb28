"""Counting clicks on a service's contact details, without identifiers, for the annual report."""

from flask import Blueprint

bp = Blueprint("contact_clicks", __name__)

from localoffer.contact_clicks import routes  # noqa: E402,F401
