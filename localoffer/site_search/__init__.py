"""One search over guides and services: /search, where the home page's search box goes."""

from flask import Blueprint

bp = Blueprint("site_search", __name__)

from localoffer.site_search import routes  # noqa: E402,F401
