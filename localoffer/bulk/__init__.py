"""Bulk work for officers and admins: import services from a CSV file, export the directory."""

from flask import Blueprint

bp = Blueprint("bulk", __name__, url_prefix="/manage")

from localoffer.bulk import routes  # noqa: E402,F401
