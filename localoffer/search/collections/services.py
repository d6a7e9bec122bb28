"""The services collection: every publicly listed service, as families search for it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from localoffer.listings.visibility import publicly_listed
from localoffer.models import (
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
from localoffer.search.builder import BATCH, listed_documents
from localoffer.search.collections.terms import TermRows, term_and_descendants
from localoffer.search.fingerprint import (
    SharedTexts,
    column_position,
    digest,
    public_rows,
    rows_by,
    text_of,
)

# Rows that belong to one service through ``service_id`` and that its document shows.
_SERVICE_PARTS = (Eligibility, CostOption, ServiceAtLocation)


class ServiceCollection:
    """Publicly listed services: the directory's search."""

    name = "services"

    def notes(self, row: object) -> Iterable[tuple[str, int | None]]:
        if isinstance(row, Service):
            yield "service", row.id
        elif isinstance(row, _SERVICE_PARTS):
            yield "service", row.service_id
        elif isinstance(row, Organization):
            yield "organization", row.id
        elif isinstance(row, Location):
            yield "location", row.id
        elif isinstance(row, TaxonomyTerm):
            yield "term", row.id
        elif isinstance(row, Taxonomy):
            yield "taxonomy", row.id

    def affected(self, session: Session, changes: Mapping[str, set[int]]) -> set[int]:
        ids = set(changes.get("service", ()))
        if organizations := changes.get("organization"):
            ids.update(
                session.scalars(
                    select(Service.id).where(Service.organization_id.in_(sorted(organizations)))
                )
            )
        if locations := changes.get("location"):
            ids.update(
                session.scalars(
                    select(ServiceAtLocation.service_id).where(
                        ServiceAtLocation.location_id.in_(sorted(locations))
                    )
                )
            )
        terms = term_and_descendants(session, changes.get("term", ()), changes.get("taxonomy", ()))
        if terms:
            link = service_taxonomy_term.c
            ids.update(
                session.scalars(
                    select(link.service_id).where(link.taxonomy_term_id.in_(sorted(terms)))
                )
            )
        ids.discard(None)
        return ids

    def documents(self, session: Session, ids: Iterable[int] | None = None) -> Iterator:
        batch = []
        for document in listed_documents(session, ids):
            batch.append(document)
            if len(batch) == BATCH:
                yield from _with_fingerprints(session, batch)
                batch = []
        yield from _with_fingerprints(session, batch)

    def fingerprints(self, session: Session) -> dict[int, str]:
        return service_fingerprints(session.connection())


def _with_fingerprints(session: Session, documents: list) -> Iterator:
    if not documents:
        return
    prints = service_fingerprints(session.connection(), [document.id for document in documents])
    for document in documents:
        yield replace(document, fingerprint=prints.get(document.id, ""))


def service_fingerprints(connection: Connection, ids: Sequence[int] | None = None) -> dict:
    """The fingerprint of each listed service (all, or those among ``ids``): its row, its
    organisation's, its eligibility, cost and location rows, and its terms with their broader
    terms and vocabularies."""
    services = public_rows(connection, Service.__table__, publicly_listed(), ids)
    if not services:
        return {}
    keys = None if ids is None else [row.id for row in services]
    organizations = rows_by(
        connection,
        Organization.__table__,
        "id",
        None if ids is None else [row.organization_id for row in services],
    )
    parts = {
        model: rows_by(connection, model.__table__, "service_id", keys) for model in _SERVICE_PARTS
    }
    places = parts[ServiceAtLocation]
    locations = rows_by(
        connection,
        Location.__table__,
        "id",
        None if ids is None else [_location_of(row) for rows in places.values() for row in rows],
    )
    links = rows_by(
        connection,
        service_taxonomy_term,
        "service_id",
        keys,
        order_by=("service_id", "taxonomy_term_id"),
    )
    terms = TermRows(connection)
    organization_texts = SharedTexts(organizations)
    location_texts = SharedTexts(locations)
    prints = {}
    for row in services:
        own = row.id
        own_links = links.get(own, ())
        prints[own] = digest(
            (
                repr(("service", *row)),
                organization_texts[row.organization_id],
                *(text_of(parts[model].get(own, ())) for model in _SERVICE_PARTS),
                *(location_texts[_location_of(place)] for place in places.get(own, ())),
                text_of(own_links),
                *(terms.chain_text(link[_TERM_COLUMN]) for link in own_links),
            )
        )
    return prints


_LOCATION_COLUMN = column_position(ServiceAtLocation.__table__, "location_id")
_TERM_COLUMN = column_position(service_taxonomy_term, "taxonomy_term_id")


def _location_of(place: tuple) -> int:
    return place[_LOCATION_COLUMN]


SERVICES = ServiceCollection()


def listed_towns(connection: Connection) -> list[str]:
    """The towns of the listed services' locations: the places a query can name."""
    statement = (
        select(Location.city)
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*publicly_listed(), Location.city.is_not(None), Location.city != "")
        .distinct()
    )
    return sorted(connection.scalars(statement))
