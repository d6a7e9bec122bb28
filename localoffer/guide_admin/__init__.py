"""Officers write and maintain guides at /manage/guides: drafts, preview, publishing, versions."""

from flask import Blueprint

bp = Blueprint("guide_admin", __name__, url_prefix="/manage/guides")

from localoffer.guide_admin import routes  # noqa: E402,F401
