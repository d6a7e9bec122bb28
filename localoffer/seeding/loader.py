"""Load the SEND vocabularies and the demo local area from ``seed/`` into the database.

Records are matched by slug and only changed where the files differ from the database, so a
second run changes nothing: no new rows, no new ids, no bumped versions or timestamps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localoffer.extensions import db
from localoffer.glossary import rules as glossary_rules
from localoffer.models import (
    Accessibility,
    Contact,
    CostOption,
    Eligibility,
    GlossaryTerm,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    SendAnswer,
    SendQuestion,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

DAY_CODES = {
    "mon": "MO",
    "tue": "TU",
    "wed": "WE",
    "thu": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
}
LANGUAGE_CODES = {
    "english": "en",
    "british sign language": "bfi",
    "polish": "pl",
    "bengali": "bn",
    "arabic": "ar",
    "urdu": "ur",
    "punjabi": "pa",
    "romanian": "ro",
    "portuguese": "pt",
    "turkish": "tr",
    "chinese": "zh",
    "cantonese": "yue",
    "mandarin": "cmn",
    "nepali": "ne",
    "tagalog": "tl",
    "kurdish": "ku",
    "farsi": "fa",
    "ukrainian": "uk",
    "spanish": "es",
    "french": "fr",
    "lithuanian": "lt",
    "makaton": None,
}
# The keys a service file uses for each vocabulary.
TAXONOMY_KEYS = {
    "categories": "category",
    "needs": "need",
    "levels": "level",
    "access": "access",
    "who_can_refer": "referrer",
    "circumstances": "circumstance",
    "pfa_themes": "pfa-theme",
}
STATUS_VALUES = {
    "active": ServiceStatus.ACTIVE,
    "temporarily-closed": ServiceStatus.TEMPORARILY_CLOSED,
    "temporarily_closed": ServiceStatus.TEMPORARILY_CLOSED,
    "closed": ServiceStatus.CLOSED,
}


class SeedError(ValueError):
    """The seed files are inconsistent; nothing has been written."""


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _assign(record: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes whose value differs; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _get_or_new(model: type, **key: Any) -> tuple[Any, bool]:
    record = db.session.scalar(select(model).filter_by(**key))
    if record is None:
        record = model(**key)
        db.session.add(record)
        return record, True
    return record, False


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        # libyaml's loader when available: several times faster on the demo area.
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not isinstance(data, dict):
        raise SeedError(f"{path.name}: expected a mapping at the top level")
    return data


def _time(value: Any, where: str) -> dt.time:
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as a sexagesimal number
        return dt.time(value // 60, value % 60)
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as error:
        raise SeedError(f"{where}: {value!r} is not a time like 09:00") from error


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise SeedError(f"{where}: {value!r} is not a date like 2026-05-12") from error


# Vocabularies ----------------------------------------------------------------------------------


def load_vocabularies(path: Path, report: SeedReport) -> None:
    """Create or update every taxonomy and term in ``vocabularies.yaml``."""
    for taxonomy_data in _read_yaml(path).get("taxonomies", []):
        taxonomy, created = _get_or_new(Taxonomy, slug=taxonomy_data["slug"])
        changed = _assign(
            taxonomy,
            {"name": taxonomy_data["name"], "description": taxonomy_data.get("description", "")},
        )
        report.note("taxonomies", created, changed)
        db.session.flush()
        position = iter(range(10_000))
        _load_terms(taxonomy, taxonomy_data.get("terms", []), None, position, report)


def _load_terms(
    taxonomy: Taxonomy,
    terms: Iterable[dict],
    parent: TaxonomyTerm | None,
    position: Iterable[int],
    report: SeedReport,
) -> None:
    for term_data in terms:
        unknown = set(term_data) - {"slug", "name", "description", "terms"}
        if unknown or not isinstance(term_data.get("name"), str):
            # e.g. an unquoted comma in a flow mapping turns "A, B" into name "A" and a key "B".
            raise SeedError(
                f"vocabulary term {term_data.get('slug')!r}: unexpected keys {sorted(unknown)} "
                "(quote names that contain commas)"
            )
        term, created = _get_or_new(TaxonomyTerm, taxonomy_id=taxonomy.id, slug=term_data["slug"])
        changed = _assign(
            term,
            {
                "name": term_data["name"],
                "description": term_data.get("description", ""),
                "parent_id": parent.id if parent else None,
                "position": next(position),
            },
        )
        report.note("taxonomy_terms", created, changed)
        db.session.flush()
        _load_terms(taxonomy, term_data.get("terms", []), term, position, report)


# The local area --------------------------------------------------------------------------------


def _terms_by_taxonomy() -> dict[str, dict[str, TaxonomyTerm]]:
    out: dict[str, dict[str, TaxonomyTerm]] = {}
    for term in db.session.scalars(select(TaxonomyTerm).join(Taxonomy)):
        out.setdefault(term.taxonomy.slug, {})[term.slug] = term
    return out


def _check_area(files: dict[str, dict], terms: dict[str, dict[str, TaxonomyTerm]]) -> None:
    """Refuse the whole load on any dangling reference or duplicate slug."""
    problems: list[str] = []
    seen: dict[str, dict[str, str]] = {"organisation": {}, "service": {}, "location": {}}
    location_slugs = set()
    for name, data in files.items():
        for org in data.get("organisations", []):
            for kind, items in (
                ("organisation", [org]),
                ("location", org.get("locations", [])),
                ("service", org.get("services", [])),
            ):
                for item in items:
                    slug = item.get("slug")
                    if not slug:
                        problems.append(f"{name}: a {kind} has no slug")
                    elif slug in seen[kind]:
                        problems.append(f"{name}: {kind} slug {slug} also in {seen[kind][slug]}")
                    else:
                        seen[kind][slug] = name
            location_slugs.update(loc["slug"] for loc in org.get("locations", []))
    for name, data in files.items():
        for org in data.get("organisations", []):
            for service in org.get("services", []):
                where = f"{name}: service {service.get('slug')}"
                for key, taxonomy in TAXONOMY_KEYS.items():
                    for slug in service.get(key) or []:
                        if slug not in terms.get(taxonomy, {}):
                            problems.append(f"{where}: unknown {taxonomy} term {slug!r}")
                for slug in service.get("locations") or []:
                    if slug not in location_slugs:
                        problems.append(f"{where}: unknown location {slug!r}")
                if service.get("status", "active") not in STATUS_VALUES:
                    problems.append(f"{where}: unknown status {service.get('status')!r}")
                for key in service.get("send_information") or {}:
                    if key not in {q.value for q in SendQuestion}:
                        problems.append(f"{where}: unknown SEND question {key!r}")
    if problems:
        raise SeedError("The demo area has problems:\n  " + "\n  ".join(problems))


def load_area(area_dir: Path, report: SeedReport) -> None:
    """Create or update every organisation, location and service in ``area_dir/*.yaml``."""
    files = {path.name: _read_yaml(path) for path in sorted(area_dir.glob("*.yaml"))}
    terms = _terms_by_taxonomy()
    _check_area(files, terms)
    # Load what exists in a few queries, so comparing does not cost a query per collection.
    db.session.scalars(select(Location).options(selectinload(Location.accessibilities))).all()
    db.session.scalars(select(Service).options(*_SERVICE_COLLECTIONS)).all()
    locations: dict[str, Location] = {}
    for data in files.values():
        for org_data in data.get("organisations", []):
            for location_data in org_data.get("locations", []):
                locations[location_data["slug"]] = _load_location(location_data, report)
    db.session.flush()
    for data in files.values():
        for org_data in data.get("organisations", []):
            organization = _load_organization(org_data, report)
            db.session.flush()
            for service_data in org_data.get("services", []):
                _load_service(organization, service_data, locations, terms, report)
    db.session.flush()


def _load_location(data: dict, report: SeedReport) -> Location:
    location, created = _get_or_new(Location, slug=data["slug"])
    changed = _assign(
        location,
        {
            "name": data["name"],
            "description": data.get("description") or "",
            "address_1": data.get("address") or "",
            "city": data["town"],
            "postcode": data["postcode"].strip().upper(),
            "latitude": float(data["latitude"]) if data.get("latitude") is not None else None,
            "longitude": float(data["longitude"]) if data.get("longitude") is not None else None,
            "mask_address": bool(data.get("mask_address", False)),
        },
    )
    wanted = [str(item) for item in data.get("accessibility") or []]
    if [a.description for a in location.accessibilities] != wanted:
        location.accessibilities = [Accessibility(description=text) for text in wanted]
        changed = True
    report.note("locations", created, changed)
    return location


def _load_organization(data: dict, report: SeedReport) -> Organization:
    organization, created = _get_or_new(Organization, slug=data["slug"])
    changed = _assign(
        organization,
        {
            "name": data["name"],
            "description": data.get("description") or "",
            "email": data.get("email"),
            "website": data.get("website"),
            "phone": str(data["phone"]) if data.get("phone") else None,
        },
    )
    report.note("organizations", created, changed)
    return organization


def _replace_if_different(service: Service, attribute: str, wanted: list, signature) -> bool:
    """Replace a child collection only when its content differs, keeping ids stable otherwise."""
    current = getattr(service, attribute)
    if [signature(item) for item in current] == [signature(item) for item in wanted]:
        return False
    setattr(service, attribute, wanted)
    return True


_SERVICE_COLLECTIONS = (
    selectinload(Service.taxonomy_terms),
    selectinload(Service.eligibilities),
    selectinload(Service.cost_options),
    selectinload(Service.schedules),
    selectinload(Service.contacts).selectinload(Contact.phones),
    selectinload(Service.service_areas),
    selectinload(Service.languages),
    selectinload(Service.send_answers),
    selectinload(Service.service_at_locations),
)


def _load_service(
    organization: Organization,
    data: dict,
    locations: dict[str, Location],
    terms: dict[str, dict[str, TaxonomyTerm]],
    report: SeedReport,
) -> None:
    with db.session.no_autoflush:
        _load_service_fields(organization, data, locations, terms, report)


def _load_service_fields(
    organization: Organization,
    data: dict,
    locations: dict[str, Location],
    terms: dict[str, dict[str, TaxonomyTerm]],
    report: SeedReport,
) -> None:
    where = f"service {data['slug']}"
    service, created = _get_or_new(Service, slug=data["slug"])
    changed = _assign(
        service,
        {
            "organization_id": organization.id,
            "name": data["name"],
            "alternate_name": data.get("alternate_name"),
            "description": (data.get("description") or "").strip(),
            "how_to_access": (data.get("how_to_access") or "").strip(),
            "url": data.get("website"),
            "email": (data.get("contact") or {}).get("email"),
            "status": STATUS_VALUES[data.get("status", "active")],
            "information_incomplete": bool(data.get("information_incomplete", False)),
            "diagnosis_needed": data.get("diagnosis_needed"),
            "ehc_plan_needed": bool(data.get("ehc_plan_needed", False)),
            "sen_information_report_url": data.get("sen_information_report_url"),
            "last_reviewed_on": _date(data.get("last_reviewed_on"), where),
            "review_due_on": _date(data.get("review_due_on"), where),
        },
    )
    if created:
        # The demo area's listings are published; an officer's later unpublish is kept on re-seed.
        service.published_at = dt.datetime.now(dt.UTC)
        db.session.flush()

    wanted_terms = [
        terms[taxonomy][slug]
        for key, taxonomy in TAXONOMY_KEYS.items()
        for slug in dict.fromkeys(data.get(key) or [])
    ]
    if {t.id for t in service.taxonomy_terms} != {t.id for t in wanted_terms}:
        service.taxonomy_terms = wanted_terms
        changed = True

    ages = data.get("ages") or {}
    changed |= _replace_if_different(
        service,
        "eligibilities",
        [
            Eligibility(
                minimum_age=ages.get("min"),
                maximum_age=ages.get("max"),
                description=ages.get("description") or "",
            )
        ]
        if ages
        else [],
        lambda e: (e.minimum_age, e.maximum_age, e.description),
    )
    changed |= _replace_if_different(
        service,
        "cost_options",
        [
            CostOption(
                is_free=bool(cost.get("free", False)),
                amount=Decimal(str(cost["amount"])) if cost.get("amount") is not None else None,
                currency="GBP",
                option=cost.get("unit"),
                amount_description=cost.get("description") or "",
            )
            for cost in data.get("costs") or []
        ],
        lambda c: (
            c.is_free,
            None if c.amount is None else Decimal(c.amount).quantize(Decimal("0.01")),
            c.option,
            c.amount_description,
        ),
    )
    changed |= _replace_if_different(
        service,
        "schedules",
        [
            Schedule(
                byday=",".join(DAY_CODES[d.lower()[:3]] for d in schedule["days"]),
                opens_at=_time(schedule["opens"], where),
                closes_at=_time(schedule["closes"], where),
                description=schedule.get("note") or "",
            )
            for schedule in data.get("schedules") or []
        ],
        lambda s: (s.byday, s.opens_at, s.closes_at, s.description),
    )
    contact = data.get("contact") or {}
    changed |= _replace_if_different(
        service,
        "contacts",
        [
            Contact(
                name=contact.get("name") or "",
                email=contact.get("email"),
                phones=[Phone(number=str(contact["phone"]))] if contact.get("phone") else [],
            )
        ]
        if contact
        else [],
        lambda c: (c.name, c.email, tuple(p.number for p in c.phones)),
    )
    changed |= _replace_if_different(
        service,
        "service_areas",
        [ServiceArea(name=name) for name in data.get("service_areas") or []],
        lambda a: a.name,
    )
    changed |= _replace_if_different(
        service,
        "languages",
        [
            Language(name=name, code=LANGUAGE_CODES.get(name.lower()))
            for name in data.get("languages") or []
        ],
        lambda lang: (lang.name, lang.code),
    )
    answers = data.get("send_information") or {}
    changed |= _replace_if_different(
        service,
        "send_answers",
        [
            SendAnswer(question=q.value, answer=str(answers[q.value]).strip())
            for q in SendQuestion
            if answers.get(q.value)
        ],
        lambda a: (a.question, a.answer),
    )
    wanted_locations = [locations[slug] for slug in data.get("locations") or []]
    if [sal.location_id for sal in service.service_at_locations] != [
        loc.id for loc in wanted_locations
    ]:
        service.service_at_locations = [ServiceAtLocation(location=loc) for loc in wanted_locations]
        changed = True
    report.note("services", created, changed)


def load_glossary(path: Path, report: SeedReport) -> None:
    """Create or update the glossary (and so the search thesaurus) from ``thesaurus.yaml``.

    Each entry must keep the rules officers' edits keep (``localoffer.glossary.rules``), and
    so must the whole glossary once loaded, with the entries officers added. Entries are matched
    by term, ignoring case; an entry an officer has retired is left alone, never brought back.
    """
    if not path.exists():
        return
    rows = db.session.scalars(select(GlossaryTerm))
    existing = {glossary_rules.term_key(g.term): g for g in rows}
    in_file: dict[str, int] = {}
    for number, item in enumerate(_read_yaml(path).get("entries") or [], start=1):
        if not isinstance(item, dict) or not item.get("term") or not item.get("meaning"):
            raise SeedError(f"{path.name}: entry {number} needs a term and a meaning")
        values = glossary_rules.entry(
            _glossary_text(path, number, item["term"]),
            _glossary_text(path, number, item["meaning"]),
            _glossary_list(path, number, item.get("synonyms")),
            _glossary_list(path, number, item.get("expands_to")),
        )
        broken = glossary_rules.problems(values)
        if broken:
            field, message = next(iter(broken.items()))
            raise SeedError(f"{path.name}: entry {number} ({values.term}), {field}: {message}")
        key = glossary_rules.term_key(values.term)
        if key in in_file:
            raise SeedError(
                f"{path.name}: entry {number} ({values.term}) has the same term as "
                f"entry {in_file[key]}"
            )
        in_file[key] = number
        glossary = existing.get(key)
        if glossary is not None and glossary.is_retired:
            continue
        created = glossary is None
        if created:
            glossary = GlossaryTerm(term=values.term)
            db.session.add(glossary)
            existing[key] = glossary
        changed = _assign(
            glossary,
            {
                "meaning": values.meaning,
                "synonyms": list(values.synonyms),
                "expands_to": list(values.expands_to),
            },
        )
        report.note("glossary_terms", created, changed)
    db.session.flush()
    broken = glossary_rules.every_clash(
        (
            glossary_rules.Held(g.id, g.term, tuple(g.synonyms or ()), g.is_retired),
            glossary_rules.Entry(g.term, g.meaning, tuple(g.synonyms or ())),
        )
        for g in existing.values()
    )
    if broken:
        raise SeedError(f"{path.name}: {broken[0]}")


def _glossary_text(path: Path, number: int, value: object) -> str:
    # YAML 1.1 reads bare ON, NO, YES as booleans; an acronym like that must be quoted.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SeedError(f"{path.name}: entry {number}: {value!r} is not text (quote it)")
    return str(value)


def _glossary_list(path: Path, number: int, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{path.name}: entry {number}: expected a list in [brackets]")
    return [_glossary_text(path, number, item) for item in value]


def _load_reviews_data(seed_dir: Path, report: SeedReport) -> None:
    from localoffer.reviews.questions import TemplateError
    from localoffer.reviews.seed import load_review_templates, load_themes

    try:
        if (seed_dir / "themes.yaml").exists():
            load_themes(seed_dir / "themes.yaml", report)
        if (seed_dir / "review_templates").is_dir():
            load_review_templates(seed_dir / "review_templates", report)
    except TemplateError as error:
        raise SeedError(str(error)) from error


def seed_all(seed_dir: Path) -> SeedReport:
    """Load vocabularies, glossary, the demo area and its guides in one transaction; roll back
    on any error."""
    from localoffer.seeding.guides import load_guides

    report = SeedReport()
    try:
        load_vocabularies(seed_dir / "vocabularies.yaml", report)
        load_glossary(seed_dir / "thesaurus.yaml", report)
        db.session.flush()
        load_area(seed_dir / "area", report)
        _load_reviews_data(seed_dir, report)
        db.session.flush()
        load_guides(seed_dir / "guides", report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
