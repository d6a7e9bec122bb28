"""/glossary: SEND words and acronyms in plain English."""

from flask import Blueprint

bp = Blueprint("glossary", __name__)

from localoffer.glossary import routes  # noqa: E402,F401
