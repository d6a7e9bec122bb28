"""The officers' and admins' area: dashboard and accounts."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from localoffer.manage import routes  # noqa: E402,F401
