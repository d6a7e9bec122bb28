"""Queries behind the API: which services, taxonomies and service-at-locations to publish.

The "publicly listed" rule, the taxonomy and age filters and the text search are the
directory's own (``localoffer.directory.service`` and the search engine), so the API can never
publish a service the website would not show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time
from typing import Generic, TypeVar

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from localoffer.directory.service import DirectoryFilters, filtered_ids
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import (
    AuditEvent,
    Contact,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    service_taxonomy_term,
)
from localoffer.search.backend import SearchRequest, SearchResponse
from localoffer.search.engine import engine
from localoffer.search.geo import haversine_miles

METRES_PER_MILE = 1609.344
# A home-based provider's position is only ever used rounded to about a kilometre.
MASKED_PLACES = 2
TEXT_SEARCH_LIMIT = 10_000

T = TypeVar("T")


@dataclass(frozen=True)
class ApiFilters:
    """Validated list filters (see ``arguments.py``); empty values filter nothing."""

    text: str = ""
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    age: tuple[int, int] | None = None
    day: str | None = None
    start_time: time | None = None
    end_time: time | None = None


@dataclass(frozen=True)
class Near:
    """A postcode's position and, optionally, how far from it results may be (metres)."""

    latitude: float
    longitude: float
    proximity_metres: float | None = None


@dataclass
class ResultPage(Generic[T]):
    """One page of a list, with what the HSDS page envelope says about it."""

    items: list[T]
    total: int
    page: int
    per_page: int
    # How a text search read its words (``search_reading``), for the envelope's ``localoffer``.
    reading: dict | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def full_service_options():
    """Everything a fully nested service shows, loaded in a handful of queries."""
    return (
        selectinload(Service.organization),
        selectinload(Service.eligibilities),
        selectinload(Service.cost_options),
        selectinload(Service.schedules),
        selectinload(Service.contacts).selectinload(Contact.phones),
        selectinload(Service.service_areas),
        selectinload(Service.languages),
        selectinload(Service.send_answers),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.parent),
        selectinload(Service.service_at_locations)
        .selectinload(ServiceAtLocation.location)
        .selectinload(Location.accessibilities),
    )


def _term_filters(filters: ApiFilters) -> dict[str, tuple[str, ...]] | None:
    """The directory's term filter for ``taxonomy_term_id``; None when the term is unknown."""
    if not filters.taxonomy_term_id:
        return {}
    term = db.session.scalar(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.uuid == filters.taxonomy_term_id)
        .options(selectinload(TaxonomyTerm.taxonomy))
    )
    if term is None:
        return None
    return {term.taxonomy.slug: (term.slug,)}


def _schedule_condition(filters: ApiFilters):
    conditions = [Schedule.service_id == Service.id]
    if filters.day:
        # byday holds iCalendar codes separated by commas, e.g. "MO,TU,WE".
        conditions.append(("," + Schedule.byday + ",").like(f"%,{filters.day},%"))
    if filters.start_time:
        conditions.append(Schedule.opens_at >= filters.start_time)
    if filters.end_time:
        conditions.append(Schedule.closes_at <= filters.end_time)
    return exists().where(*conditions)


def matching_service_ids(filters: ApiFilters) -> list[int]:
    """Ids of listed services matching every filter: by relevance with words, else by name."""
    return search_matches(filters)[0]


def search_matches(filters: ApiFilters) -> tuple[list[int], dict | None]:
    """``matching_service_ids`` with, when there are words, how the search read them (the
    ``localoffer`` object of the page envelope), else None."""
    terms = _term_filters(filters)
    if terms is None or (filters.age is not None and filters.age[0] > filters.age[1]):
        return [], None
    statement = filtered_ids(DirectoryFilters(terms=terms, age=filters.age))
    if filters.taxonomy_id:
        slug = taxonomy_slug_for(filters.taxonomy_id)
        if slug is None:
            return [], None
        statement = statement.where(
            exists().where(
                service_taxonomy_term.c.service_id == Service.id,
                service_taxonomy_term.c.taxonomy_term_id == TaxonomyTerm.id,
                TaxonomyTerm.taxonomy_id == Taxonomy.id,
                Taxonomy.slug == slug,
            )
        )
    if filters.day or filters.start_time or filters.end_time:
        statement = statement.where(_schedule_condition(filters))
    if not filters.text:
        ordered = statement.order_by(func.lower(Service.name), Service.id)
        return list(db.session.scalars(ordered)), None
    allowed = set(db.session.scalars(statement))
    response = _ranked_by_search(filters.text)
    return [i for i in response.ids if i in allowed], search_reading(response)


def _ranked_by_search(text: str) -> SearchResponse:
    """Listed services matching ``text`` through the search engine, best first, read as the
    HTML pages read the same words."""
    request = SearchRequest(text=text, sort="relevance", page=1, per_page=TEXT_SEARCH_LIMIT)
    return engine().search(request)


def search_reading(response: SearchResponse) -> dict:
    """What the engine did with the words: the typed query, its correction, whether anything
    matches it closely, and an age or place understood in it."""
    reading = {"query": "", "corrected_query": None, "understood": {"age": None, "place": None}}
    if response.understanding is not None:
        reading = response.understanding.as_json()
    return {**reading, "close_match": response.close_match}


def _page_of(ids: list[int], page: int, per_page: int) -> list[int]:
    start = (page - 1) * per_page
    return ids[start : start + per_page]


def list_services(filters: ApiFilters, page: int, per_page: int) -> ResultPage[Service]:
    """One page of fully loaded listed services matching ``filters``."""
    ids, reading = search_matches(filters)
    wanted = _page_of(ids, page, per_page)
    found = {
        s.id: s
        for s in db.session.scalars(
            select(Service).where(Service.id.in_(wanted)).options(*full_service_options())
        )
    }
    return ResultPage([found[i] for i in wanted if i in found], len(ids), page, per_page, reading)


def get_listed_service(service_uuid: str) -> Service | None:
    """A listed service by its Open Referral id, fully loaded, or None."""
    return db.session.scalar(
        select(Service)
        .where(Service.uuid == service_uuid, *publicly_listed())
        .options(*full_service_options())
    )


def service_metadata(service: Service) -> list[AuditEvent]:
    """The audit trail of one service, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == Service.__tablename__)
            .where(AuditEvent.subject_id == service.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


def public_point(location: Location) -> tuple[float, float] | None:
    """Where a location may be said to be: rounded to about a kilometre when masked."""
    if location.latitude is None or location.longitude is None:
        return None
    if location.mask_address:
        return round(location.latitude, MASKED_PLACES), round(location.longitude, MASKED_PLACES)
    return location.latitude, location.longitude


def list_service_at_locations(
    filters: ApiFilters, page: int, per_page: int, near: Near | None = None
) -> ResultPage[ServiceAtLocation]:
    """One page of service-at-locations of listed services; nearest first with a postcode."""
    service_ids, reading = search_matches(filters)
    rank = {service_id: position for position, service_id in enumerate(service_ids)}
    links = list(
        db.session.scalars(
            select(ServiceAtLocation)
            .where(ServiceAtLocation.service_id.in_(service_ids))
            .options(selectinload(ServiceAtLocation.location))
        )
    )
    if near is None:
        links.sort(key=lambda link: (rank[link.service_id], link.id))
    else:
        origin = (near.latitude, near.longitude)
        measured = []
        for link in links:
            point = public_point(link.location)
            if point is None:
                continue
            metres = haversine_miles(origin, point) * METRES_PER_MILE
            if near.proximity_metres is None or metres <= near.proximity_metres:
                measured.append((metres, rank[link.service_id], link.id, link))
        measured.sort(key=lambda row: row[:3])
        links = [row[3] for row in measured]
    wanted = {link.id for link in _page_of(links, page, per_page)}
    loaded = {
        link.id: link
        for link in db.session.scalars(
            select(ServiceAtLocation)
            .where(ServiceAtLocation.id.in_(wanted))
            .options(
                selectinload(ServiceAtLocation.service).options(*full_service_options()),
                selectinload(ServiceAtLocation.location).selectinload(Location.accessibilities),
            )
        )
    }
    items = [loaded[link.id] for link in _page_of(links, page, per_page)]
    return ResultPage(items, len(links), page, per_page, reading)


def get_listed_service_at_location(link_uuid: str) -> ServiceAtLocation | None:
    """A service-at-location of a listed service by its Open Referral id, or None."""
    return db.session.scalar(
        select(ServiceAtLocation)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(ServiceAtLocation.uuid == link_uuid, *publicly_listed())
        .options(
            selectinload(ServiceAtLocation.service).options(*full_service_options()),
            selectinload(ServiceAtLocation.location).selectinload(Location.accessibilities),
        )
    )


def all_taxonomies() -> list[Taxonomy]:
    """Every vocabulary, in a stable order."""
    return list(db.session.scalars(select(Taxonomy).order_by(Taxonomy.slug)))


def list_taxonomies(page: int, per_page: int) -> ResultPage[Taxonomy]:
    """One page of the vocabularies (there are only a handful)."""
    everything = all_taxonomies()
    start = (page - 1) * per_page
    return ResultPage(everything[start : start + per_page], len(everything), page, per_page)


def taxonomy_slug_for(taxonomy_id: str) -> str | None:
    """The slug of the vocabulary whose published id is ``taxonomy_id``."""
    from localoffer.api.identifiers import taxonomy_uuid

    for taxonomy in all_taxonomies():
        if taxonomy_uuid(taxonomy.slug) == taxonomy_id:
            return taxonomy.slug
    return None


def get_taxonomy(taxonomy_id: str) -> Taxonomy | None:
    slug = taxonomy_slug_for(taxonomy_id)
    if slug is None:
        return None
    return db.session.scalar(select(Taxonomy).where(Taxonomy.slug == slug))


def _terms_statement(taxonomy_id: str | None):
    statement = select(TaxonomyTerm).join(Taxonomy, Taxonomy.id == TaxonomyTerm.taxonomy_id)
    if taxonomy_id:
        statement = statement.where(Taxonomy.slug == (taxonomy_slug_for(taxonomy_id) or ""))
    return statement


def list_taxonomy_terms(
    page: int, per_page: int, taxonomy_id: str | None = None
) -> ResultPage[TaxonomyTerm]:
    """One page of taxonomy terms, vocabulary by vocabulary in their own order."""
    statement = _terms_statement(taxonomy_id)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    items = list(
        db.session.scalars(
            statement.options(
                selectinload(TaxonomyTerm.taxonomy), selectinload(TaxonomyTerm.parent)
            )
            .order_by(Taxonomy.slug, TaxonomyTerm.position, TaxonomyTerm.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return ResultPage(items, total, page, per_page)


def get_taxonomy_term(term_uuid: str) -> TaxonomyTerm | None:
    return db.session.scalar(
        select(TaxonomyTerm)
        .where(TaxonomyTerm.uuid == term_uuid)
        .options(selectinload(TaxonomyTerm.taxonomy), selectinload(TaxonomyTerm.parent))
    )
