"""The home page and the site's statements (accessibility, privacy)."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from localoffer.pages import routes  # noqa: E402,F401
