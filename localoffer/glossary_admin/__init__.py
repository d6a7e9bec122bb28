"""Officers keep the glossary, and so the search thesaurus, at /manage/glossary."""

from flask import Blueprint

bp = Blueprint("glossary_admin", __name__, url_prefix="/manage/glossary")

from localoffer.glossary_admin import routes  # noqa: E402,F401
