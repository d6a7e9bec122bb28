"""Page feedback: "Was this page helpful?" on every public page, and the officers' view of it."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from localoffer.feedback import routes  # noqa: E402,F401
