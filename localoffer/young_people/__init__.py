"""The section written for young people aged 14 to 25."""

from flask import Blueprint

bp = Blueprint("young_people", __name__, url_prefix="/young-people")

from localoffer.young_people import routes  # noqa: E402,F401
