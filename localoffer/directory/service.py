"""Queries behind the public directory: what a family may see, filters and their counts."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from localoffer.directory.vocabulary import FILTER_TAXONOMIES, load_vocabularies
from localoffer.extensions import db
from localoffer.models import (
    Contact,
    CostOption,
    Eligibility,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    service_taxonomy_term,
)

COST_VALUES = {"free": "Free", "paid": "Has a charge"}
MAX_AGE = 25
AGE_BANDS = (
    ((0, 4), "0 to 4 years", "Babies and young children"),
    ((5, 10), "5 to 10 years", "Primary school age"),
    ((11, 15), "11 to 15 years", "Secondary school age"),
    ((16, 18), "16 to 18 years", "Sixth form and college age"),
    ((19, 25), "19 to 25 years", "Young adults"),
)


@dataclass(frozen=True)
class DirectoryFilters:
    """A validated set of filters from the query string."""

    q: str = ""
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cost: tuple[str, ...] = ()
    age: tuple[int, int] | None = None

    def without(self, facet: str) -> DirectoryFilters:
        """The same filters with one facet cleared, for counting that facet's values."""
        if facet == "cost":
            return DirectoryFilters(self.q, self.terms, (), self.age)
        if facet == "age":
            return DirectoryFilters(self.q, self.terms, self.cost, None)
        terms = {k: v for k, v in self.terms.items() if k != facet}
        return DirectoryFilters(self.q, terms, self.cost, self.age)

    @property
    def active(self) -> bool:
        return bool(self.q or any(self.terms.values()) or self.cost or self.age)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    depth: int = 0


@dataclass
class DirectoryPage:
    services: list[Service]
    total: int
    page: int
    pages: int
    per_page: int
    facets: dict[str, list[FacetValue]]
    age_counts: dict[int, int]
    page_out_of_range: bool = False


def today() -> date:
    return date.today()


def publicly_listed() -> list:
    """Conditions for a service that families can find: running and inside its visible dates."""
    now = today()
    return [
        Service.status != ServiceStatus.CLOSED,
        or_(Service.visible_from.is_(None), Service.visible_from <= now),
        or_(Service.visible_to.is_(None), Service.visible_to >= now),
    ]


def _age_condition(minimum: int, maximum: int):
    overlapping = exists().where(
        Eligibility.service_id == Service.id,
        or_(Eligibility.minimum_age.is_(None), Eligibility.minimum_age <= maximum),
        or_(Eligibility.maximum_age.is_(None), Eligibility.maximum_age >= minimum),
    )
    no_limits = ~exists().where(Eligibility.service_id == Service.id)
    return or_(overlapping, no_limits)


def _text_condition(q: str):
    # Interim keyword match until the search index lands (search issue); the same arguments.
    conditions = []
    for word in q.split()[:10]:
        pattern = f"%{word.lower()}%"
        conditions.append(
            or_(
                func.lower(Service.name).like(pattern),
                func.lower(func.coalesce(Service.alternate_name, "")).like(pattern),
                func.lower(Service.description).like(pattern),
                exists().where(
                    Organization.id == Service.organization_id,
                    func.lower(Organization.name).like(pattern),
                ),
            )
        )
    return and_(*conditions)


def filtered_ids(filters: DirectoryFilters) -> Select:
    """A SELECT of the ids of listed services matching every filter."""
    vocabularies = load_vocabularies()
    statement = select(Service.id).where(*publicly_listed())
    for taxonomy_slug, slugs in filters.terms.items():
        if not slugs:
            continue
        term_ids = vocabularies[taxonomy_slug].expand(list(slugs))
        statement = statement.where(
            exists().where(
                service_taxonomy_term.c.service_id == Service.id,
                service_taxonomy_term.c.taxonomy_term_id.in_(term_ids),
            )
        )
    if filters.cost:
        wanted = [value == "free" for value in filters.cost]
        statement = statement.where(
            exists().where(CostOption.service_id == Service.id, CostOption.is_free.in_(wanted))
        )
    if filters.age is not None:
        statement = statement.where(_age_condition(*filters.age))
    if filters.q:
        statement = statement.where(_text_condition(filters.q))
    return statement


def _term_facet(taxonomy_slug: str, filters: DirectoryFilters) -> list[FacetValue]:
    vocabulary = load_vocabularies()[taxonomy_slug]
    base = filtered_ids(filters.without(taxonomy_slug)).subquery()
    rows = db.session.execute(
        select(service_taxonomy_term.c.service_id, TaxonomyTerm.slug)
        .join(TaxonomyTerm, TaxonomyTerm.id == service_taxonomy_term.c.taxonomy_term_id)
        .where(
            service_taxonomy_term.c.service_id.in_(select(base.c.id)),
            TaxonomyTerm.id.in_([t.id for t in vocabulary.terms.values()]),
        )
    ).all()
    services_by_term: dict[str, set[int]] = defaultdict(set)
    for service_id, slug in rows:
        services_by_term[slug].add(service_id)
        for ancestor in vocabulary.ancestors(slug):
            services_by_term[ancestor].add(service_id)
    selected = set(filters.terms.get(taxonomy_slug, ()))
    return [
        FacetValue(
            value=term.slug,
            label=term.name,
            count=len(services_by_term.get(term.slug, ())),
            selected=term.slug in selected,
            depth=len(vocabulary.ancestors(term.slug)),
        )
        for term in vocabulary.ordered()
    ]


def _cost_facet(filters: DirectoryFilters) -> list[FacetValue]:
    base = filtered_ids(filters.without("cost")).subquery()
    rows = db.session.execute(
        select(CostOption.is_free, func.count(func.distinct(CostOption.service_id)))
        .where(CostOption.service_id.in_(select(base.c.id)))
        .group_by(CostOption.is_free)
    ).all()
    counts = {("free" if is_free else "paid"): count for is_free, count in rows}
    return [
        FacetValue(value, label, counts.get(value, 0), value in filters.cost)
        for value, label in COST_VALUES.items()
    ]


def _age_counts(filters: DirectoryFilters) -> dict[int, int]:
    """How many services each age from 0 to 25 would find, with the other filters applied."""
    base = filtered_ids(filters.without("age")).subquery()
    ranges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    service_ids = set(db.session.scalars(select(base.c.id)))
    for service_id, minimum, maximum in db.session.execute(
        select(Eligibility.service_id, Eligibility.minimum_age, Eligibility.maximum_age).where(
            Eligibility.service_id.in_(select(base.c.id))
        )
    ):
        ranges[service_id].append((minimum or 0, MAX_AGE if maximum is None else maximum))
    counts = {}
    for age in range(MAX_AGE + 1):
        counts[age] = sum(
            1
            for service_id in service_ids
            if service_id not in ranges or any(lo <= age <= hi for lo, hi in ranges[service_id])
        )
    return counts


def _listing_options():
    return (
        selectinload(Service.organization),
        selectinload(Service.eligibilities),
        selectinload(Service.cost_options),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
    )


def browse_services(filters: DirectoryFilters, page: int, per_page: int) -> DirectoryPage:
    """One page of listed services matching ``filters``, by name, with every facet's counts."""
    ids = filtered_ids(filters).subquery()
    total = db.session.scalar(select(func.count()).select_from(ids)) or 0
    pages = max(1, math.ceil(total / per_page))
    out_of_range = page > pages
    services: list[Service] = []
    if not out_of_range:
        services = list(
            db.session.scalars(
                select(Service)
                .where(Service.id.in_(select(ids.c.id)))
                .options(*_listing_options())
                .order_by(func.lower(Service.name), Service.id)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
    facets = {slug: _term_facet(slug, filters) for slug in FILTER_TAXONOMIES}
    facets["cost"] = _cost_facet(filters)
    return DirectoryPage(
        services=services,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        facets=facets,
        age_counts=_age_counts(filters),
        page_out_of_range=out_of_range,
    )


def services_with_term(taxonomy_slug: str, term_slug: str) -> list[Service]:
    """Listed services tagged with a term or any narrower term, by name."""
    filters = DirectoryFilters(terms={taxonomy_slug: (term_slug,)})
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.id.in_(filtered_ids(filters)))
            .options(*_listing_options())
            .order_by(func.lower(Service.name))
        )
    )


def get_service(service_id: int) -> Service | None:
    """A service with everything its page shows, or None if families must not see it."""
    service = db.session.scalar(
        select(Service)
        .where(Service.id == service_id)
        .options(
            *_listing_options(),
            selectinload(Service.schedules),
            selectinload(Service.contacts).selectinload(Contact.phones),
            selectinload(Service.service_areas),
            selectinload(Service.languages),
            selectinload(Service.send_answers),
        )
    )
    if service is None:
        return None
    now = today()
    if service.visible_from and service.visible_from > now:
        return None
    if service.visible_to and service.visible_to < now:
        return None
    return service


def get_listed_services(service_ids: list[int]) -> list[Service]:
    """The listed services among ``service_ids``, in the order given (for the shortlist)."""
    if not service_ids:
        return []
    found = {
        s.id: s
        for s in db.session.scalars(
            select(Service)
            .where(Service.id.in_(service_ids), *publicly_listed())
            .options(
                *_listing_options(),
                selectinload(Service.contacts).selectinload(Contact.phones),
                selectinload(Service.schedules),
            )
        )
    }
    return [found[i] for i in service_ids if i in found]


def count_listed() -> int:
    return db.session.scalar(select(func.count(Service.id)).where(*publicly_listed())) or 0


def term_counts(taxonomy_slug: str) -> dict[str, int]:
    """Listed services per term of one vocabulary (narrower terms counted in broader ones)."""
    return {f.value: f.count for f in _term_facet(taxonomy_slug, DirectoryFilters())}


def age_band_counts() -> list[tuple[tuple[int, int], str, str, int]]:
    """The home page's age bands with how many listed services cover each."""
    out = []
    for (lo, hi), label, hint in AGE_BANDS:
        filters = DirectoryFilters(age=(lo, hi))
        count = db.session.scalar(
            select(func.count()).select_from(filtered_ids(filters).subquery())
        )
        out.append(((lo, hi), label, hint, count or 0))
    return out
