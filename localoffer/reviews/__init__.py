"""Volunteers' and Young Inspectors' area: exercises, review forms, drafts and submission."""

from flask import Blueprint

from localoffer.reviews.presenter import format_month, smiley

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
bp.add_app_template_global(smiley, "smiley")
bp.add_app_template_filter(format_month, "govuk_month")

from localoffer.reviews import routes  # noqa: E402,F401
