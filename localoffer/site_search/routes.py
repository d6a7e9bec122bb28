"""/search: the home page's search box answers with guides and services together."""

from __future__ import annotations

from flask import render_template, request, url_for

from localoffer.directory.understood import understood_words
from localoffer.search.log import record_search
from localoffer.site_search import bp
from localoffer.site_search.service import combined_search


@bp.get("/search")
def results():
    text = request.args.get("q", "", type=str)
    exact = request.args.get("exact", "", type=str) == "1"
    found = combined_search(text, exact)

    def search_url(q: str, exact: str | None = None) -> str:
        return url_for("site_search.results", q=q or None, exact=exact)

    outcome = found.outcome
    understood = (
        understood_words(outcome.understanding, outcome.close_match, None, search_url)
        if outcome is not None
        else None
    )
    # Rendered before the search is logged: the log's commit would expire every service on
    # the page, and each would then be read again, one query at a time.
    page = render_template("site_search/results.html", found=found, understood=understood)
    if found.query:
        close = None if outcome is None else outcome.close_match
        record_search(found.query, {"search": "guides-and-services"}, found.total, close)
    return page
