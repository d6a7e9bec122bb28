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
    """Whether the index opens, how many documents it holds and whether that is every listed
    service."""
    backend = current_app.extensions["search"].backend
    if not backend.is_healthy():
        return {"healthy": False, "documents": 0}
    documents = backend.doc_count()
    listed = database.get("counts", {}).get("services_listed")
    return {"healthy": True, "documents": documents, "in_step": documents == listed}
