"""Officers' side of co-production: moderating reviews, monthly exercises and their results."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/manage")

from localoffer.moderation import routes, template_routes  # noqa: E402,F401
from localoffer.moderation.dashboard import co_production_summary  # noqa: E402

bp.add_app_template_global(co_production_summary, "co_production_summary")
