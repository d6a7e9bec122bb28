"""You said, we did: officers record what families said and what was done; the public list."""

from flask import Blueprint

bp = Blueprint("yousaid", __name__)

from localoffer.yousaid import routes  # noqa: E402,F401
from localoffer.yousaid.feed import atom_date  # noqa: E402

bp.add_app_template_filter(atom_date, "atom_date")
