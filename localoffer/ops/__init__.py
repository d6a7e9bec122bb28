"""Operational endpoints: /healthz."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from localoffer.ops import routes  # noqa: E402,F401
