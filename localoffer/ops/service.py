"""Health checks."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from localoffer.directory.service import count_listed
from localoffer.extensions import db
from localoffer.models import Location, Organization, Service, Taxonomy, TaxonomyTerm

logger = logging.getLogger(__name__)

COUNTED = {
    "organizations": Organization,
    "services": Service,
    "locations": Location,
    "taxonomies": Taxonomy,
    "taxonomy_terms": TaxonomyTerm,
}


def database_state() -> dict:
    """Whether the database answers, with row counts of the main tables."""
    try:
        counts = {
            name: db.session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in COUNTED.items()
        }
        counts["services_listed"] = count_listed()
    except SQLAlchemyError:
        logger.exception("Health check could not reach the database")
        db.session.rollback()
        return {"reachable": False}
    return {"reachable": True, "counts": counts}


def search_state(database: dict) -> dict:
    """Whether each index opens and holds exactly what the database says: documents compared by
    fingerprint (reused for ``SEARCH_HEALTH_CACHE_SECONDS``), and changes still to apply. The
    top-level figures are the services' index; ``guides`` has the same for guides."""
    if not database.get("reachable"):
        return {"healthy": False, "documents": 0, "in_step": False}
    search = current_app.extensions["search"]
    try:
        reports = search.status_cached(current_app.config["SEARCH_HEALTH_CACHE_SECONDS"])
    except SQLAlchemyError:
        logger.exception("Health check could not compare the search index with the database")
        db.session.rollback()
        return {"healthy": False, "documents": 0, "in_step": False}
    services, *others = reports.values()
    state = _index_state(services)
    for report in others:
        state[report.collection] = _index_state(report)
    state["healthy"] = all(report.healthy for report in reports.values())
    return state


def _index_state(report) -> dict:
    return {
        "healthy": report.healthy,
        "documents": report.documents,
        "in_step": report.in_step,
        "stale": report.stale,
        "missing": report.missing,
        "extra": report.extra,
        "pending_changes": report.pending,
    }
