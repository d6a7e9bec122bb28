"""/services/<id>/website (counts, then redirects) and /services/<id>/contact/<kind> (a beacon).

Neither address takes a destination from the request: the website redirect goes only to the
service's stored website, so it cannot be used to send anyone elsewhere.
"""

from __future__ import annotations

import logging

from flask import abort, redirect, request
from sqlalchemy.exc import SQLAlchemyError

from localoffer.contact_clicks import bp
from localoffer.contact_clicks import service as clicks
from localoffer.extensions import db, limiter
from localoffer.models import ContactKind

logger = logging.getLogger(__name__)


@bp.get("/services/<id:service_id>/website")
def website(service_id: int):
    found = clicks.shown_service(service_id)
    target = clicks.website_of(found) if found is not None else None
    if target is None:
        abort(404)
    # HEAD is what link checkers send: answered, never counted.
    if request.method == "GET" and clicks.counts_visitor() and clicks.within_limit():
        try:
            clicks.record_click(found, ContactKind.WEBSITE)
            db.session.commit()
        except SQLAlchemyError:
            # Counting must never break the link: the family still reaches the website.
            db.session.rollback()
            logger.exception("could not count a website click for service %s", service_id)
    response = redirect(target, code=303)
    # Every click must reach us to be counted; the page's address stays out of the way.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/services/<id:service_id>/contact/<kind>")
@limiter.limit(clicks.click_limit)
def record(service_id: int, kind: str):
    chosen = clicks.BEACON_KINDS.get(kind)
    found = clicks.shown_service(service_id)
    if chosen is None or found is None or not clicks.shows(found, chosen):
        abort(404)
    if clicks.counts_visitor():
        clicks.record_click(found, chosen)
        db.session.commit()
    return "", 204
