"""/search: the home page's search box answers with guides and services together."""

from __future__ import annotations

from flask import render_template, request

from localoffer.search.log import record_search
from localoffer.site_search import bp
from localoffer.site_search.service import combined_search


@bp.get("/search")
def results():
    text = request.args.get("q", "", type=str)
    found = combined_search(text)
    # Rendered before the search is logged: the log's commit would expire every service on
    # the page, and each would then be read again, one query at a time.
    page = render_template("site_search/results.html", found=found)
    if found.query:
        record_search(found.query, {"search": "guides-and-services"}, found.total)
    return page
