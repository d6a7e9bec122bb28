"""Turning database rows into the documents the search index holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from localoffer.listings.ages import format_ages
from localoffer.listings.display import summary_facts, summary_to_json
from localoffer.listings.visibility import listing_options, publicly_listed
from localoffer.models import Service, TaxonomyTerm
from localoffer.search.documents import ServiceDocument
from localoffer.text import plain_text

BATCH = 500


def _slugs_with_ancestors(terms: Iterable[TaxonomyTerm]) -> tuple[str, ...]:
    slugs: dict[str, None] = {}
    for term in terms:
        while term is not None:
            slugs[term.slug] = None
            term = term.parent
    return tuple(slugs)


def _names_with_ancestors(terms: Iterable[TaxonomyTerm]) -> str:
    names: dict[str, None] = {}
    for term in terms:
        while term is not None:
            names[term.name] = None
            term = term.parent
    return ", ".join(names)


def service_document(service: Service) -> ServiceDocument:
    """Everything about one service that search matches, filters, counts or sorts on."""
    by_taxonomy: dict[str, list[TaxonomyTerm]] = {}
    for term in service.taxonomy_terms:
        by_taxonomy.setdefault(term.taxonomy.slug, []).append(term)
    locations = [sal.location for sal in service.service_at_locations]
    costs = {"free" if option.is_free else "paid" for option in service.cost_options}
    ages = tuple(
        (e.minimum_age or 0, 25 if e.maximum_age is None else e.maximum_age)
        for e in service.eligibilities
    )
    eligibility_text = " ".join(
        part
        for e in service.eligibilities
        for part in (format_ages(e.minimum_age, e.maximum_age), e.description)
        if part
    )
    supporting = [
        *by_taxonomy.get("category", []),
        *by_taxonomy.get("circumstance", []),
        *by_taxonomy.get("pfa-theme", []),
        *by_taxonomy.get("level", []),
        *by_taxonomy.get("access", []),
    ]
    return ServiceDocument(
        id=service.id,
        name=service.name,
        alternate_name=service.alternate_name or "",
        description=plain_text(service.description) + " " + plain_text(service.how_to_access),
        organization=service.organization.name,
        need_text=_names_with_ancestors(by_taxonomy.get("need", [])),
        category_text=_names_with_ancestors(supporting),
        eligibility_text=eligibility_text,
        towns=tuple(dict.fromkeys(loc.city for loc in locations if loc.city)),
        postcodes=tuple(
            dict.fromkeys(
                loc.outward_code if loc.mask_address else loc.postcode for loc in locations
            )
        ),
        facets={
            "category": _slugs_with_ancestors(by_taxonomy.get("category", [])),
            "need": _slugs_with_ancestors(by_taxonomy.get("need", [])),
            "level": _slugs_with_ancestors(by_taxonomy.get("level", [])),
            "access": _slugs_with_ancestors(by_taxonomy.get("access", [])),
            "cost": tuple(sorted(costs)),
        },
        age_ranges=ages,
        points=tuple(
            (loc.latitude, loc.longitude)
            for loc in locations
            if loc.latitude is not None and loc.longitude is not None
        ),
        summary=summary_to_json(summary_facts(service)),
    )


def _document_options():
    # What a results item shows, plus broader terms (a need counts under its area of need).
    return (
        *listing_options(),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.parent),
    )


def listed_documents(session: Session, ids: Iterable[int] | None = None) -> Iterator:
    """Documents for the listed services (all of them, or those among ``ids``), in batches.

    ``session`` must be a session of the caller's own: it is emptied between batches."""
    statement = select(Service).where(*publicly_listed()).options(*_document_options())
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), BATCH):
            chunk = statement.where(Service.id.in_(wanted[start : start + BATCH]))
            for service in session.scalars(chunk):
                yield service_document(service)
        return
    last_id = 0
    while True:
        batch = session.scalars(
            statement.where(Service.id > last_id).order_by(Service.id).limit(BATCH)
        ).all()
        if not batch:
            return
        for service in batch:
            yield service_document(service)
        last_id = batch[-1].id
        session.expunge_all()
