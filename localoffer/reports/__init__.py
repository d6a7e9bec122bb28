"""The annual Local Offer report: officers build and publish it; everyone reads it."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from localoffer.reports import routes  # noqa: E402,F401
