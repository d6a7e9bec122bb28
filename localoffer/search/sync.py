"""Keep the search index in step with the database, after each commit and only then.

Changes are noted in ``after_flush`` (so rows flushed early are not missed), turned into index
updates in ``after_commit`` (so a rolled-back change never reaches the index) and forgotten in
``after_rollback``. The index is derived data: ``flask search reindex`` rebuilds it whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from localoffer.extensions import db
from localoffer.models import (
    Accessibility,
    Contact,
    CostOption,
    Eligibility,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    SendAnswer,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    service_taxonomy_term,
)
from localoffer.search.builder import listed_documents

logger = logging.getLogger(__name__)

PENDING = "search_pending"
# Rows that belong to one service through service_id.
_SERVICE_CHILDREN = (
    Eligibility,
    CostOption,
    Schedule,
    Contact,
    ServiceArea,
    Language,
    SendAnswer,
    ServiceAtLocation,
)


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(
        PENDING, {"service": set(), "organization": set(), "location": set(), "term": set()}
    )


def _note(session: Session, objects: Iterable[object]) -> None:
    pending = _pending(session)
    for obj in objects:
        if isinstance(obj, Service):
            pending["service"].add(obj.id)
        elif isinstance(obj, _SERVICE_CHILDREN):
            pending["service"].add(obj.service_id)
        elif isinstance(obj, Phone) and obj.contact is not None:
            pending["service"].add(obj.contact.service_id)
        elif isinstance(obj, Organization):
            pending["organization"].add(obj.id)
        elif isinstance(obj, Location):
            pending["location"].add(obj.id)
        elif isinstance(obj, Accessibility):
            pending["location"].add(obj.location_id)
        elif isinstance(obj, TaxonomyTerm):
            pending["term"].add(obj.id)


def _after_flush(session: Session, flush_context) -> None:
    _note(session, [*session.new, *session.dirty, *session.deleted])


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not any(pending.values()):
        return
    app = current_app._get_current_object() if _has_app() else None
    if app is None or "search" not in app.extensions:
        return
    try:
        apply_changes(app.extensions["search"].backend, pending)
    except Exception:
        # The database change stands; the index catches up at the next reindex or start-up check.
        logger.exception("Search index update failed after commit; the index needs a reindex")


def _has_app() -> bool:
    try:
        current_app._get_current_object()
    except RuntimeError:
        return False
    return True


def affected_service_ids(session: Session, pending: dict[str, set[int]]) -> set[int]:
    """Every service whose listing shows something that changed."""
    ids = set(pending["service"])
    if pending["organization"]:
        ids.update(
            session.scalars(
                select(Service.id).where(Service.organization_id.in_(pending["organization"]))
            )
        )
    if pending["location"]:
        ids.update(
            session.scalars(
                select(ServiceAtLocation.service_id).where(
                    ServiceAtLocation.location_id.in_(pending["location"])
                )
            )
        )
    if pending["term"]:
        terms = set(pending["term"])
        terms.update(
            session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.parent_id.in_(terms)))
        )
        ids.update(
            session.scalars(
                select(service_taxonomy_term.c.service_id).where(
                    service_taxonomy_term.c.taxonomy_term_id.in_(terms)
                )
            )
        )
    ids.discard(None)
    return ids


def apply_changes(backend, pending: dict[str, set[int]]) -> None:
    """Re-read the affected services in a session of our own and update or drop them."""
    with Session(db.engine) as session:
        ids = affected_service_ids(session, pending)
        if not ids:
            return
        documents = list(listed_documents(session, ids))
    backend.upsert(documents)
    gone = ids - {document.id for document in documents}
    if gone:
        backend.delete(gone)


def init_app(app: Flask) -> None:
    """Listen to every session once per process."""
    for name, handler in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
