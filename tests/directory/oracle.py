"""An independent, plain-Python reading of the directory's filter rules, to check the SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus


def _terms_with_ancestors(service: Service, taxonomy: str) -> set[str]:
    slugs = set()
    for term in service.terms_in(taxonomy):
        while term is not None:
            slugs.add(term.slug)
            term = term.parent
    return slugs


def listed(service: Service, today: date | None = None) -> bool:
    today = today or date.today()
    return (
        service.published_at is not None
        and service.status != ServiceStatus.CLOSED
        and (service.visible_from is None or service.visible_from <= today)
        and (service.visible_to is None or service.visible_to >= today)
    )


def matches(service: Service, terms=None, cost=(), age=None) -> bool:
    for taxonomy, wanted in (terms or {}).items():
        if wanted and not (_terms_with_ancestors(service, taxonomy) & set(wanted)):
            return False
    if cost:
        kinds = {"free" if option.is_free else "paid" for option in service.cost_options}
        if not kinds & set(cost):
            return False
    if age is not None:
        low, high = age
        ranges = [
            (e.minimum_age or 0, 200 if e.maximum_age is None else e.maximum_age)
            for e in service.eligibilities
        ]
        if ranges and not any(lo <= high and hi >= low for lo, hi in ranges):
            return False
    return True


def expected_ids(**filters) -> set[int]:
    services = db.session.scalars(select(Service)).all()
    return {s.id for s in services if listed(s) and matches(s, **filters)}
