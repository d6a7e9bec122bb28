"""Which listings families can find, and what loading one for a results item takes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BindParameter, or_
from sqlalchemy.orm import joinedload, selectinload

from localoffer.models import Service, ServiceAtLocation, ServiceStatus, TaxonomyTerm


def today() -> date:
    return date.today()


def publicly_listed(on: date | BindParameter | None = None) -> list:
    """Conditions for a service that families can find: published, running, inside its dates.

    ``on`` is the day to check, today unless given; a bind parameter serves a statement built
    once and run on many days."""
    now = today() if on is None else on
    return [
        Service.published_at.is_not(None),
        Service.status != ServiceStatus.CLOSED,
        or_(Service.visible_from.is_(None), Service.visible_from <= now),
        or_(Service.visible_to.is_(None), Service.visible_to >= now),
    ]


def listing_options():
    """Loader options for everything a results item shows, in five queries: each one-to-one
    step (organisation, a term's vocabulary, a location) is joined into its parent's query."""
    return (
        joinedload(Service.organization),
        selectinload(Service.eligibilities),
        selectinload(Service.cost_options),
        selectinload(Service.taxonomy_terms).joinedload(TaxonomyTerm.taxonomy),
        selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location),
    )
