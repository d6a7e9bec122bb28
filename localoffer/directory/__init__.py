"""The public directory: browse, filter and read service pages."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from localoffer.directory import routes  # noqa: E402,F401
