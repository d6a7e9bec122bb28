"""Queries for the officers' dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Organization, Service, ServiceStatus


@dataclass
class ReviewsDue:
    overdue: list[Service]
    due_soon: list[Service]


def reviews_due(today: date, within_days: int) -> ReviewsDue:
    """Listings (not closed) past their review date, and those due within ``within_days``."""
    horizon = today + timedelta(days=within_days)
    query = (
        select(Service)
        .where(
            Service.status != ServiceStatus.CLOSED,
            Service.review_due_on.is_not(None),
            Service.review_due_on <= horizon,
        )
        .order_by(Service.review_due_on, Service.name)
    )
    services = list(db.session.scalars(query))
    return ReviewsDue(
        overdue=[s for s in services if s.review_due_on < today],
        due_soon=[s for s in services if s.review_due_on >= today],
    )


def organisation_choices() -> list[tuple[str, str]]:
    query = select(Organization.id, Organization.name).order_by(Organization.name)
    return [(str(org_id), name) for org_id, name in db.session.execute(query)]


def get_organization(organization_id: int | None) -> Organization | None:
    return db.session.get(Organization, organization_id) if organization_id else None
