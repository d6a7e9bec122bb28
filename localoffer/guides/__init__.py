"""Guides: information pages for families and young people, at /guides."""

from flask import Blueprint

bp = Blueprint("guides", __name__, url_prefix="/guides")

from localoffer.guides import routes  # noqa: E402,F401
