"""Queries behind the public directory: what a family may see, filters and their counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import selectinload

from localoffer.directory import count_cache
from localoffer.directory.vocabulary import FILTER_TAXONOMIES, load_vocabularies
from localoffer.extensions import db
from localoffer.listings import visibility
from localoffer.listings.display import (
    ResultService,
    SummaryFacts,
    cost_text,
    summary_from_json,
)
from localoffer.listings.visibility import listing_options, publicly_listed
from localoffer.models import (
    Contact,
    CostOption,
    Eligibility,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    service_taxonomy_term,
)
from localoffer.search.backend import SearchRequest
from localoffer.search.engine import engine
from localoffer.search.understanding import Understanding

COST_VALUES = {"free": "Free", "paid": "Has a charge"}
# When nothing matches the words closely, this many of the nearest services are shown.
NEAREST_SHOWN = 5
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
    # Search the words exactly as typed, without correcting their spelling.
    exact: bool = False

    def without(self, facet: str) -> DirectoryFilters:
        """The same filters with one facet cleared, for counting that facet's values."""
        if facet == "cost":
            return replace(self, cost=())
        if facet == "age":
            return replace(self, age=None)
        return replace(self, terms={k: v for k, v in self.terms.items() if k != facet})

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
    services: list[ResultService]
    total: int
    page: int
    pages: int
    per_page: int
    facets: dict[str, list[FacetValue]]
    age_counts: dict[int, int]
    page_out_of_range: bool = False
    # Each service's SummaryFacts by id, for the results list.
    facts: dict[int, SummaryFacts] = field(default_factory=dict)
    # Nothing matched the words closely: only the nearest few are shown, under their own
    # heading, and there are no further pages.
    nearest_only: bool = False


def _age_condition(minimum: int, maximum: int):
    overlapping = exists().where(
        Eligibility.service_id == Service.id,
        or_(Eligibility.minimum_age.is_(None), Eligibility.minimum_age <= maximum),
        or_(Eligibility.maximum_age.is_(None), Eligibility.maximum_age >= minimum),
    )
    no_limits = ~exists().where(Eligibility.service_id == Service.id)
    return or_(overlapping, no_limits)


def _text_condition(q: str):
    # A plain LIKE match: the baseline the search benchmark measures the index against.
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


def term_counts(taxonomy_slug: str) -> dict[str, int]:
    """Listed services per term of one vocabulary (narrower terms counted in broader ones),
    kept between requests until a listing changes (``count_cache``). Do not change the result."""
    return count_cache.cached(
        ("terms", taxonomy_slug), lambda: _count_terms(taxonomy_slug), visibility.today()
    )


def _count_terms(taxonomy_slug: str) -> dict[str, int]:
    vocabulary = load_vocabularies()[taxonomy_slug]
    rows = db.session.execute(
        select(service_taxonomy_term.c.service_id, TaxonomyTerm.slug)
        .join(TaxonomyTerm, TaxonomyTerm.id == service_taxonomy_term.c.taxonomy_term_id)
        .where(
            service_taxonomy_term.c.service_id.in_(filtered_ids(DirectoryFilters())),
            TaxonomyTerm.id.in_([t.id for t in vocabulary.terms.values()]),
        )
    ).all()
    services_by_term: dict[str, set[int]] = defaultdict(set)
    for service_id, slug in rows:
        for counted in (slug, *vocabulary.ancestors(slug)):
            services_by_term[counted].add(service_id)
    return {slug: len(ids) for slug, ids in services_by_term.items()}


# The results page's statements, built once: every search runs them, and building a statement
# and its cache key cost about as much as running it. Bound per call: the page's ids, today.
_PAGE_IDS = bindparam("ids", expanding=True)
# In the order of ResultService's fields.
_PAGE_SERVICES = (
    select(
        Service.id,
        Service.name,
        Service.description,
        Service.status,
        Service.information_incomplete,
        Organization.name,
    )
    .join(Organization, Organization.id == Service.organization_id)
    .where(Service.id.in_(_PAGE_IDS), *publicly_listed(bindparam("today")))
)
# The rows behind SummaryFacts, each in the order of the service relationship it stands for.
_FIRST_AGES = (
    select(Eligibility.service_id, Eligibility.minimum_age, Eligibility.maximum_age)
    .where(Eligibility.service_id.in_(_PAGE_IDS))
    .order_by(Eligibility.id)
)
_TOWNS = (
    select(ServiceAtLocation.service_id, Location.city)
    .join(Location, Location.id == ServiceAtLocation.location_id)
    .where(ServiceAtLocation.service_id.in_(_PAGE_IDS))
    .order_by(ServiceAtLocation.id)
)
_COSTS = (
    select(CostOption.service_id, CostOption.is_free, CostOption.amount, CostOption.option)
    .where(CostOption.service_id.in_(_PAGE_IDS))
    .order_by(CostOption.id)
)
_CATEGORIES = (
    select(service_taxonomy_term.c.service_id, TaxonomyTerm.name)
    .join(TaxonomyTerm, TaxonomyTerm.id == service_taxonomy_term.c.taxonomy_term_id)
    .join(Taxonomy, Taxonomy.id == TaxonomyTerm.taxonomy_id)
    .where(service_taxonomy_term.c.service_id.in_(_PAGE_IDS), Taxonomy.slug == "category")
    .order_by(TaxonomyTerm.position, TaxonomyTerm.id)
)


def listed_page_services(ids: list[int]) -> list[ResultService]:
    """The listed services among ``ids``, in that order, as their results items show them (one
    query of plain rows): read from the database, so a service no longer listed drops out.
    Rows, not objects: loading 20 services and their organisations as objects cost as much as
    the rest of the page's queries."""
    if not ids:
        return []
    rows = db.session.connection().execute(
        _PAGE_SERVICES, {"ids": ids, "today": visibility.today()}
    )
    found = {row[0]: ResultService(*row) for row in rows}
    return [found[i] for i in ids if i in found]


def results_page_services(ids: list[int]) -> tuple[list[ResultService], dict[int, SummaryFacts]]:
    """The listed services among ``ids``, in that order, with what their results items show
    from the database: the ages, towns, costs and types of help from ``summary_facts_by_id``.
    (The search takes those from the index; this is how a directory without one would.)"""
    services = listed_page_services(ids)
    return services, summary_facts_by_id([service.id for service in services])


def indexed_summary_facts(
    services: list[ResultService], summaries: dict[int, str]
) -> dict[int, SummaryFacts]:
    """Each service's SummaryFacts from the search index's copy where it has one, else from
    the database. The index is updated after every commit that changes what a results item
    shows, as it is for the words and filters that found the service."""
    facts = {
        service.id: summary_from_json(summaries[service.id])
        for service in services
        if service.id in summaries
    }
    missing = [service.id for service in services if service.id not in facts]
    return {**facts, **summary_facts_by_id(missing)}


def summary_facts_by_id(ids: list[int]) -> dict[int, SummaryFacts]:
    """The SummaryFacts of the services ``ids``, from four narrow queries of plain rows (the
    same facts as ``summary_facts`` gives for each service loaded with its relationships)."""
    if not ids:
        return {}
    # Plain rows need none of the ORM's work, so they go straight to the connection.
    connection = db.session.connection()
    page = {"ids": ids}
    first_ages: dict[int, tuple[int | None, int | None]] = {}
    for service_id, minimum, maximum in connection.execute(_FIRST_AGES, page):
        first_ages.setdefault(service_id, (minimum, maximum))
    towns: dict[int, list[str]] = defaultdict(list)
    for service_id, city in connection.execute(_TOWNS, page):
        towns[service_id].append(city)
    costs: dict[int, list] = defaultdict(list)
    for row in connection.execute(_COSTS, page):
        costs[row.service_id].append(row)
    categories: dict[int, list[str]] = defaultdict(list)
    for service_id, name in connection.execute(_CATEGORIES, page):
        categories[service_id].append(name)
    return {
        service_id: SummaryFacts(
            age_range=first_ages.get(service_id),
            towns=tuple(towns[service_id]),
            cost=cost_text(costs[service_id]),
            categories=tuple(categories[service_id]),
        )
        for service_id in ids
    }


@dataclass(frozen=True)
class Place:
    """Where the family searched from."""

    postcode: str
    latitude: float
    longitude: float
    approximate: bool


@dataclass
class SearchOutcome:
    """What the results page shows around the services: how the words were read."""

    interpreted_as: str = ""
    expansions: list = field(default_factory=list)
    snippets: dict[int, str] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)
    sort: str = "name"
    # How the engine read the words (a correction, an age or place), or None without words.
    understanding: Understanding | None = None
    # False when some services were found but none matches the meaningful words well.
    close_match: bool = True


def _facet_values(taxonomy_slug: str, counts: dict[str, int], selected) -> list[FacetValue]:
    vocabulary = load_vocabularies()[taxonomy_slug]
    return [
        FacetValue(
            value=term.slug,
            label=term.name,
            count=counts.get(term.slug, 0),
            selected=term.slug in selected,
            depth=depth,
        )
        for term, depth in vocabulary.outline
    ]


def choose_sort(requested: str | None, filters: DirectoryFilters, place: Place | None) -> str:
    """Relevance when there are words, distance when there is only a place, else by name."""
    if requested == "distance" and place is None:
        requested = None
    if requested == "relevance" and not filters.q:
        requested = None
    if requested:
        return requested
    if filters.q:
        return "relevance"
    return "distance" if place is not None else "name"


def browse_services(
    filters: DirectoryFilters,
    page: int,
    per_page: int,
    sort: str | None = None,
    place: Place | None = None,
    within_miles: float | None = None,
) -> tuple[DirectoryPage, SearchOutcome]:
    """One page of listed services matching ``filters`` through the search engine, with
    every facet's counts. Each hit is re-read from the database, so a stale index entry can
    drop out but never shows a service families must not see."""
    vocabularies = load_vocabularies()
    chosen = choose_sort(sort, filters, place)
    request = SearchRequest(
        text=filters.q,
        filters={**{k: v for k, v in filters.terms.items() if v}, "cost": filters.cost},
        age=filters.age,
        near=(place.latitude, place.longitude) if place else None,
        within_miles=within_miles if place else None,
        sort=chosen,
        page=page,
        per_page=per_page,
        exact=filters.exact,
        facet_values={
            **{slug: tuple(vocabularies[slug].terms) for slug in FILTER_TAXONOMIES},
            "cost": tuple(COST_VALUES),
        },
    )
    response = engine().search(request)
    ids, pages = response.ids, response.pages
    if not response.close_match:
        ids, pages = ids[:NEAREST_SHOWN] if page == 1 else [], 1
    services = listed_page_services(ids)
    facts = indexed_summary_facts(services, response.summaries)
    facets = {
        slug: _facet_values(slug, response.facets.get(slug, {}), filters.terms.get(slug, ()))
        for slug in FILTER_TAXONOMIES
    }
    cost_counts = response.facets.get("cost", {})
    facets["cost"] = [
        FacetValue(value, label, cost_counts.get(value, 0), value in filters.cost)
        for value, label in COST_VALUES.items()
    ]
    results = DirectoryPage(
        services=services,
        total=response.total,
        page=page,
        pages=pages,
        per_page=per_page,
        facets=facets,
        age_counts=response.age_counts,
        page_out_of_range=page > pages,
        facts=facts,
        nearest_only=not response.close_match,
    )
    outcome = SearchOutcome(
        interpreted_as=response.interpreted_as,
        expansions=response.expansions,
        snippets=response.snippets,
        distances=response.distances,
        sort=chosen,
        understanding=response.understanding,
        close_match=response.close_match,
    )
    return results, outcome


def services_with_term(taxonomy_slug: str, term_slug: str) -> list[Service]:
    """Listed services tagged with a term or any narrower term, by name."""
    filters = DirectoryFilters(terms={taxonomy_slug: (term_slug,)})
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.id.in_(filtered_ids(filters)))
            .options(*listing_options())
            .order_by(func.lower(Service.name))
        )
    )


def get_service(service_id: int) -> Service | None:
    """A service with everything its page shows, or None if families must not see it."""
    service = db.session.scalar(
        select(Service)
        .where(Service.id == service_id)
        .options(
            *listing_options(),
            selectinload(Service.schedules),
            selectinload(Service.contacts).selectinload(Contact.phones),
            selectinload(Service.service_areas),
            selectinload(Service.languages),
            selectinload(Service.send_answers),
        )
    )
    if service is None or service.published_at is None:
        return None
    now = visibility.today()
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
                *listing_options(),
                selectinload(Service.contacts).selectinload(Contact.phones),
                selectinload(Service.schedules),
            )
        )
    }
    return [found[i] for i in service_ids if i in found]


def count_listed() -> int:
    """How many services families can find, counted now (``/healthz`` compares it with the
    search index; one count is cheaper than checking the directory's version)."""
    return db.session.scalar(select(func.count(Service.id)).where(*publicly_listed())) or 0


def listed_total() -> int:
    """``count_listed()`` kept between requests until a listing changes, for the home page,
    where the directory's version is read anyway for the other counts."""
    return count_cache.cached(("listed",), count_listed, visibility.today())


def age_band_counts() -> list[tuple[tuple[int, int], str, str, int]]:
    """The home page's age bands with how many listed services cover each, kept between
    requests until a listing changes. Do not change the result."""
    return count_cache.cached(("age bands",), _count_age_bands, visibility.today())


def _count_age_bands() -> list[tuple[tuple[int, int], str, str, int]]:
    out = []
    for (lo, hi), label, hint in AGE_BANDS:
        filters = DirectoryFilters(age=(lo, hi))
        count = db.session.scalar(
            select(func.count()).select_from(filtered_ids(filters).subquery())
        )
        out.append(((lo, hi), label, hint, count or 0))
    return out
