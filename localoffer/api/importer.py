"""Reading Open Referral UK JSON into the directory (``flask import oruk``).

Two steps. First every service in the files is checked and turned into plain values
(``parse_service``); a service with any problem is refused, with the reasons. Then the
accepted services are written in one transaction, matched by their Open Referral ids (the
models' ``uuid``), so importing the same file again updates instead of duplicating.

New services arrive as drafts (``published_at`` empty), so families and the search index do not
see them until an officer has checked and published them, unless ``publish`` is set. An existing
service keeps its own status and publication unless ``publish`` is set, so an import never
undoes an officer's closure. A location published with a masked
(home) address never overwrites the full address this directory already holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from localoffer.api.export import TERMS_FILE
from localoffer.api.oruk_reader import (
    ImportFailed,
    _Checker,
    _term,
    parse_service,
    read_files,
    slugify,
)
from localoffer.audit import record
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
    Taxonomy,
    TaxonomyTerm,
)
from localoffer.models.base import new_uuid
from localoffer.search.geocoding import outward_code

__all__ = ["ImportFailed", "ImportReport", "Outcome", "import_oruk"]


@dataclass
class Outcome:
    """What happened to one service in the files."""

    id: str
    name: str
    action: str  # created, updated or refused
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    terms_created: int = 0
    terms_updated: int = 0

    def having(self, action: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == action]


class _Writer:
    """Applies parsed services to the session, keeping what it created in this run."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.cache: dict[tuple[type, str], Any] = {}
        self.slugs: dict[tuple[type, str], set[str]] = {}
        self.link_uuids: set[str] = set()

    def find(self, model: type, uuid: str | None):
        if uuid is None:
            return None
        key = (model, uuid)
        if key not in self.cache:
            self.cache[key] = db.session.scalar(select(model).where(model.uuid == uuid))
        return self.cache[key]

    def slug_for(
        self,
        model: type,
        wanted: str | None,
        name: str,
        record=None,
        within: Taxonomy | None = None,
    ) -> str:
        """``wanted`` (or the name's slug) if free, else with a number after it. Term slugs
        are unique within their taxonomy, every other slug across its table."""
        if record is not None and record.slug and wanted in (None, record.slug):
            return record.slug
        base = slugify(wanted or name)
        taken = self.slugs.setdefault((model, within.slug if within else ""), set())
        scope = []
        if within is not None:
            scope.append(model.taxonomy_id == within.id if within.id else false())
        if record is not None and record.id:
            scope.append(model.id != record.id)
        candidate, n = base, 1
        while candidate in taken or db.session.scalar(
            select(model.id).where(model.slug == candidate, *scope)
        ):
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        return candidate

    def taxonomy(self, term: dict) -> Taxonomy:
        key = (Taxonomy, term["taxonomy_slug"])
        if key not in self.cache:
            found = db.session.scalar(
                select(Taxonomy).where(Taxonomy.slug == term["taxonomy_slug"])
            )
            if found is None:
                found = Taxonomy(
                    slug=term["taxonomy_slug"],
                    name=term["taxonomy_name"],
                    description=term["taxonomy_description"],
                )
                db.session.add(found)
            self.cache[key] = found
        return self.cache[key]

    def term(self, values: dict, update: bool) -> TaxonomyTerm:
        term = self.find(TaxonomyTerm, values["uuid"])
        taxonomy = self.taxonomy(values)
        if term is None and values["slug"]:
            term = (
                db.session.scalar(
                    select(TaxonomyTerm).where(
                        TaxonomyTerm.taxonomy_id == taxonomy.id, TaxonomyTerm.slug == values["slug"]
                    )
                )
                if taxonomy.id
                else None
            )
        created = term is None
        if created:
            term = TaxonomyTerm(uuid=values["uuid"] or new_uuid(), taxonomy=taxonomy)
            term.slug = self.slug_for(TaxonomyTerm, values["slug"], values["name"], within=taxonomy)
            db.session.add(term)
            self.cache[(TaxonomyTerm, term.uuid)] = term
            self.report.terms_created += 1
        if created or update:
            term.name = values["name"]
            term.description = values["description"]
            term.position = values["position"]
            parent = self.find(TaxonomyTerm, values["parent_uuid"])
            term.parent = parent if parent is not term else None
            if not created:
                self.report.terms_updated += 1
        return term

    def organization(self, values: dict) -> Organization:
        org = self.find(Organization, values["uuid"])
        if org is None:
            org = Organization(uuid=values["uuid"])
            db.session.add(org)
            self.cache[(Organization, org.uuid)] = org
        org.slug = self.slug_for(Organization, values["slug"], values["name"], org)
        for key in ("name", "description", "email", "website", "phone"):
            setattr(org, key, values[key])
        return org

    def location(self, values: dict) -> Location:
        location = self.find(Location, values["uuid"])
        if location is None:
            location = Location(uuid=values["uuid"])
            db.session.add(location)
            self.cache[(Location, location.uuid)] = location
        elif values["masked"] and location.mask_address:
            # A masked copy must not replace the full address this directory holds.
            values = {
                **values,
                **{
                    k: getattr(location, k)
                    for k in ("address_1", "postcode", "latitude", "longitude")
                },
            }
        location.slug = self.slug_for(Location, values["slug"], values["name"], location)
        for key in (
            "name",
            "description",
            "address_1",
            "city",
            "postcode",
            "latitude",
            "longitude",
        ):
            setattr(location, key, values[key])
        location.mask_address = values["masked"]
        if values["masked"] and location.postcode and " " not in location.postcode:
            location.postcode = outward_code(location.postcode) or location.postcode
        location.accessibilities = [Accessibility(**item) for item in values["accessibility"]]
        return location

    def service(self, values: dict, publish: bool) -> Outcome:
        service = db.session.scalar(
            select(Service)
            .where(Service.uuid == values["uuid"])
            .options(
                selectinload(Service.service_at_locations), selectinload(Service.taxonomy_terms)
            )
        )
        created = service is None
        if created:
            service = Service(uuid=values["uuid"], status=values["status"], published_at=None)
        before = {} if created else _scalars(service)
        service.organization = self.organization(values["organization"])
        service.slug = self.slug_for(
            Service, values["slug"], values["name"], None if created else service
        )
        for key in SCALAR_FIELDS:
            setattr(service, key, values[key])
        if publish:
            service.status = values["status"]
            service.published_at = service.published_at or datetime.now(UTC)
        service.eligibilities = [Eligibility(**row) for row in values["eligibilities"]]
        service.cost_options = [CostOption(**row) for row in values["cost_options"]]
        service.schedules = [Schedule(**row) for row in values["schedules"]]
        service.contacts = [
            Contact(
                name=row["name"],
                title=row["title"],
                email=row["email"],
                phones=[Phone(**phone) for phone in row["phones"]],
            )
            for row in values["contacts"]
        ]
        service.service_areas = [ServiceArea(**row) for row in values["service_areas"]]
        service.languages = [Language(**row) for row in values["languages"]]
        # Answers are unique per question: change them in place rather than replace the rows.
        answers = {answer.question: answer for answer in service.send_answers}
        service.send_answers = [
            _answer(answers.get(question), question, text)
            for question, text in values["send_answers"].items()
        ]
        self._links(service, values["locations"])
        terms = [self.term(term, update=False) for term in values["terms"]]
        service.taxonomy_terms = list({id(t): t for t in terms}.values())
        if created:
            db.session.add(service)
        else:
            # The child rows above are replaced, not edited, and a change to them alone would
            # leave the service row (and so its version) as it was: an officer's edit form
            # opened before the import could then save over it without a conflict.
            service.updated_at = datetime.now(UTC)
        db.session.flush()
        after = _scalars(service)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        record("service.imported" if created else "service.import_updated", None, service, changes)
        return Outcome(service.uuid, service.name, "created" if created else "updated")

    def _free_link_uuid(self, wanted: str | None) -> str:
        """The file's id for a new service-at-location, unless another already has it."""
        if wanted is None or wanted in self.link_uuids or self.find(ServiceAtLocation, wanted):
            return new_uuid()
        return wanted

    def _links(self, service: Service, locations: list[dict]) -> None:
        existing = {link.location.uuid: link for link in service.service_at_locations}
        links = []
        for values in locations:
            location = self.location(values)
            if any(link.location is location for link in links):
                continue
            link = existing.get(location.uuid) or ServiceAtLocation(
                uuid=self._free_link_uuid(values["link_uuid"]), location=location
            )
            self.link_uuids.add(link.uuid)
            links.append(link)
        service.service_at_locations = links


def _answer(existing: SendAnswer | None, question: str, text: str) -> SendAnswer:
    if existing is None:
        return SendAnswer(question=question, answer=text)
    existing.answer = text
    return existing


SCALAR_FIELDS = (
    "name",
    "description",
    "email",
    "url",
    "alternate_name",
    "how_to_access",
    "last_reviewed_on",
    "visible_from",
    "visible_to",
    "information_incomplete",
    "diagnosis_needed",
    "ehc_plan_needed",
    "sen_information_report_url",
    "review_due_on",
)


def _scalars(service: Service) -> dict:
    values = {key: getattr(service, key) for key in (*SCALAR_FIELDS, "status", "slug")}
    return {
        k: v.isoformat() if isinstance(v, date) else str(v) if v is not None else None
        for k, v in values.items()
    }


def import_oruk(path: Path, publish: bool = False, dry_run: bool = False) -> ImportReport:
    """Check every service in ``path``, then write the accepted ones in one transaction."""
    terms, services = read_files(path)
    report = ImportReport()
    accepted = []
    term_check = _Checker()
    parsed_terms = [
        _term(term_check, term_check.obj(t, f"{TERMS_FILE}[{i}]"), f"{TERMS_FILE}[{i}].")
        for i, t in enumerate(terms)
    ]
    if term_check.errors:
        raise ImportFailed("; ".join(term_check.errors[:10]))
    seen: set[str] = set()
    for n, data in enumerate(services):
        values, reasons, warnings = parse_service(data)
        label = data.get("name") if isinstance(data, dict) else None
        ident = data.get("id") if isinstance(data, dict) else None
        if values is not None and values["uuid"] in seen:
            values, reasons = None, ["appears more than once in the files"]
        if values is None:
            report.outcomes.append(
                Outcome(str(ident or f"#{n + 1}"), str(label or ""), "refused", reasons, warnings)
            )
            continue
        seen.add(values["uuid"])
        accepted.append((values, warnings))
    writer = _Writer(report)
    try:
        # Records are built whole before they are flushed: no query may flush a half-made one.
        with db.session.no_autoflush:
            for term in parsed_terms:
                writer.term(term, update=True)
            db.session.flush()
            for values, warnings in accepted:
                outcome = writer.service(values, publish)
                outcome.warnings = warnings
                report.outcomes.append(outcome)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception as error:
        db.session.rollback()
        raise ImportFailed(
            f"the database refused the import, nothing was written: {error}"
        ) from error
    return report
