"""The public directory: browse, filter and read service pages."""

from flask import Blueprint, g

bp = Blueprint("directory", __name__)


@bp.before_app_request
def _read_the_vocabularies_afresh() -> None:
    # load_vocabularies keeps them in g, which outlives a request when an app context spans
    # several (the test client inside a test's app context).
    g.pop("vocabularies", None)


from localoffer.directory import routes  # noqa: E402,F401
