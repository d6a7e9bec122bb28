"""Queries for the officers' dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import Location, Organization, Service, ServiceStatus


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


LISTING_STATES = {
    "": "All listings",
    "draft": "Drafts",
    "published": "Published",
    "temporarily_closed": "Temporarily closed",
    "archived": "Archived",
}


def find_listings(text: str, state: str, organization_id: int | None, page: int, per_page: int):
    """Listings for the officers' list: name contains ``text``, in ``state``; one page of them."""
    query = select(Service)
    if text:
        query = query.where(Service.name.ilike(f"%{_escape_like(text)}%", escape="\\"))
    if state == "draft":
        query = query.where(Service.published_at.is_(None))
    elif state == "published":
        query = query.where(
            Service.published_at.is_not(None), Service.status != ServiceStatus.CLOSED
        )
    elif state == "temporarily_closed":
        query = query.where(Service.status == ServiceStatus.TEMPORARILY_CLOSED)
    elif state == "archived":
        query = query.where(Service.status == ServiceStatus.CLOSED)
    if organization_id:
        query = query.where(Service.organization_id == organization_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    services = list(
        db.session.scalars(
            query.order_by(Service.name, Service.id).offset((page - 1) * per_page).limit(per_page)
        )
    )
    return services, total


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def drafts() -> list[Service]:
    """Listings not yet published, newest first."""
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.published_at.is_(None), Service.status != ServiceStatus.CLOSED)
            .order_by(Service.created_at.desc(), Service.id.desc())
        )
    )


def location_choices() -> list[tuple[int, str]]:
    query = select(Location).order_by(Location.name, Location.id)
    return [
        (location.id, f"{location.name}, {location.city} {location.postcode}")
        for location in db.session.scalars(query)
    ]


def organisations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def locations() -> list[Location]:
    return list(db.session.scalars(select(Location).order_by(Location.name, Location.id)))
