"""Checking, importing and exporting services in the CSV template.

Every cell is first turned into its *canonical* text, the text the export writes for the same
value (dates as 2026-05-12, yes/no, term slugs in the vocabulary's order). Comparing canonical
text with a service's exported cells tells what an import would change, so a row that changes
nothing writes nothing, and a file exported, edited and imported again changes only what was
edited.

How a row finds its service: a ``slug`` naming an existing service updates that service; any
other row creates a new service as a draft (no ``published_at``), which an officer publishes
after checking it. Columns left out of the file leave an updated service's fields as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localoffer import audit
from localoffer.bulk.csv_files import CsvFile, Row, write_csv
from localoffer.bulk.csv_template import (
    COLUMN_NAMES,
    EXPORT_COLUMNS,
    GROUPS,
    SEND_COLUMNS,
    TAXONOMY_COLUMNS,
    example_row,
)
from localoffer.control_characters import (
    control_character_message,
    has_control_characters,
    without_control_characters,
)
from localoffer.extensions import db
from localoffer.models import (
    Contact,
    CostOption,
    Eligibility,
    Language,
    Location,
    Organization,
    Phone,
    SendAnswer,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    User,
)
from localoffer.models.directory import SLUG_LENGTH
from localoffer.search.geocoding import is_valid_postcode, normalise_postcode
from localoffer.seeding.loader import LANGUAGE_CODES

STATUS_TEXT = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily-closed",
    ServiceStatus.CLOSED: "closed",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PHONE = re.compile(r"^[0-9 +()\-]+$")
LENGTHS = {
    "name": 200,
    "alternate_name": 200,
    "website": 500,
    "sen_information_report_url": 500,
    "email": 254,
    "phone": 40,
    "contact_name": 200,
    "cost_unit": 200,
    "location_name": 200,
    "address": 200,
    "town": 100,
}
IMPORTED = "service.imported"
IMPORT_UPDATED = "service.import_updated"


# Lookups: what rows are checked against ------------------------------------------------------


@dataclass
class Lookups:
    """The directory's organisations, vocabularies, services and locations, keyed for rows."""

    organisations: dict[str, Organization]
    organisations_by_name: dict[str, list[Organization]]
    terms: dict[str, dict[str, TaxonomyTerm]]
    services: dict[str, Service]
    service_names: dict[tuple[int, str], str]
    locations: dict[tuple[str, str, str, str], Location]
    location_slugs: set[str]


def load_lookups() -> Lookups:
    """Read what rows refer to, in a few queries (services with everything an update touches)."""
    organisations = list(db.session.scalars(select(Organization)))
    by_name: dict[str, list[Organization]] = {}
    for organisation in organisations:
        by_name.setdefault(organisation.name.casefold(), []).append(organisation)
    terms: dict[str, dict[str, TaxonomyTerm]] = {}
    for term in db.session.scalars(select(TaxonomyTerm).join(Taxonomy)):
        terms.setdefault(term.taxonomy.slug, {})[term.slug] = term
    services = {s.slug: s for s in db.session.scalars(select(Service).options(*SERVICE_DETAILS))}
    locations = list(db.session.scalars(select(Location)))
    return Lookups(
        organisations={o.slug: o for o in organisations},
        organisations_by_name=by_name,
        terms=terms,
        services=services,
        service_names={(s.organization_id, s.name.casefold()): s.slug for s in services.values()},
        locations={_location_key_of(loc): loc for loc in locations},
        location_slugs={loc.slug for loc in locations},
    )


SERVICE_DETAILS = (
    selectinload(Service.organization),
    selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
    selectinload(Service.eligibilities),
    selectinload(Service.cost_options),
    selectinload(Service.contacts).selectinload(Contact.phones),
    selectinload(Service.service_areas),
    selectinload(Service.languages),
    selectinload(Service.send_answers),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
)


def _location_key(name: str, address: str, town: str, postcode: str) -> tuple[str, str, str, str]:
    return (name.casefold(), address.casefold(), town.casefold(), postcode)


def _location_key_of(location: Location) -> tuple[str, str, str, str]:
    return _location_key(location.name, location.address_1, location.city, location.postcode)


# A service's cells: what the export writes ---------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _amount(value: Decimal | None) -> str:
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def service_cells(service: Service) -> dict[str, str]:
    """The template's cells for one service, in canonical text."""
    ages = service.eligibilities[0] if service.eligibilities else None
    cost = service.cost_options[0] if service.cost_options else None
    contact = service.contacts[0] if service.contacts else None
    location = service.locations[0] if service.service_at_locations else None
    cells = {
        "slug": service.slug or "",
        "version": _text(service.version),
        "name": service.name or "",
        "alternate_name": _text(service.alternate_name),
        "organisation": service.organization.slug if service.organization else "",
        "description": service.description or "",
        "how_to_access": service.how_to_access or "",
        "website": _text(service.url),
        "email": _text(service.email),
        "contact_name": contact.name if contact else "",
        "phone": contact.phones[0].number if contact and contact.phones else "",
        "status": STATUS_TEXT[ServiceStatus(service.status or ServiceStatus.ACTIVE)],
        "information_incomplete": _yes_no(bool(service.information_incomplete)),
        "diagnosis_needed": _yes_no(service.diagnosis_needed),
        "ehc_plan_needed": _yes_no(bool(service.ehc_plan_needed)),
        "sen_information_report_url": _text(service.sen_information_report_url),
        "visible_from": _text(service.visible_from),
        "visible_to": _text(service.visible_to),
        "min_age": _text(ages.minimum_age) if ages else "",
        "max_age": _text(ages.maximum_age) if ages else "",
        "age_description": ages.description if ages else "",
        "cost": ("free" if cost.is_free else "paid") if cost else "",
        "cost_amount": _amount(cost.amount) if cost else "",
        "cost_unit": _text(cost.option) if cost else "",
        "cost_description": cost.amount_description if cost else "",
        "languages": "; ".join(language.name for language in service.languages),
        "service_areas": "; ".join(area.name for area in service.service_areas),
        "location_name": location.name if location else "",
        "address": location.address_1 if location else "",
        "town": location.city if location else "",
        "postcode": location.postcode if location else "",
        "mask_address": _yes_no(location.mask_address) if location else "",
    }
    for column, taxonomy in TAXONOMY_COLUMNS.items():
        cells[column] = "; ".join(
            term.slug for term in service.taxonomy_terms if term.taxonomy.slug == taxonomy
        )
    for column, question in SEND_COLUMNS.items():
        cells[column] = service.send_answer(question) or ""
    return cells


# Checking rows -------------------------------------------------------------------------------


@dataclass
class RowCheck:
    """One row, checked: its canonical cells, its errors, and the service it updates."""

    number: int
    name: str
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    existing: Service | None = None

    @property
    def slug(self) -> str:
        return self.cells.get("slug", "")


def check_rows(csv_file: CsvFile, lookups: Lookups) -> list[RowCheck]:
    """Check every row and the rows against each other; nothing is written."""
    checks = [_check_row(row, csv_file.columns, lookups) for row in csv_file.rows]
    _check_across_rows(checks, lookups)
    return checks


def has_errors(checks: Iterable[RowCheck]) -> bool:
    return any(check.errors for check in checks)


class _Cells:
    """Turns one row's cells into canonical text, collecting the row's errors."""

    def __init__(self, row: Row, columns: list[str]) -> None:
        self.columns = [c for c in columns if c in COLUMN_NAMES]
        self.errors = list(row.errors)
        self.raw: dict[str, str] = {}
        for column, value in row.cells.items():
            if has_control_characters(value):
                self.errors.append(control_character_message(column))
                # The row is refused already; its other checks see the text without them, so no
                # message repeats them.
                value = without_control_characters(value)
            self.raw[column] = value
        self.out: dict[str, str] = {}

    def get(self, column: str) -> str:
        return self.raw.get(column, "")

    def set(self, column: str, value: str) -> None:
        if column in self.columns:
            self.out[column] = value

    def fail(self, message: str) -> None:
        self.errors.append(message)


def _check_row(row: Row, columns: list[str], lookups: Lookups) -> RowCheck:
    cells = _Cells(row, columns)
    for column in cells.columns:
        value = cells.get(column)
        limit = LENGTHS.get(column)
        if limit and len(value) > limit:
            cells.fail(f"{column} must be {limit} characters or fewer")
            value = value[:limit]
        cells.set(column, value)
    _check_identity(cells, lookups)
    _check_contact(cells)
    _check_flags_and_dates(cells)
    _check_ages(cells)
    _check_cost(cells)
    _check_terms(cells, lookups)
    _check_lists(cells)
    _check_location(cells, lookups)
    existing = lookups.services.get(cells.out.get("slug", ""))
    if existing is not None and cells.get("version"):
        if cells.get("version") != str(existing.version):
            cells.fail(
                f"This service has changed since the file was exported (the file has version "
                f"{cells.get('version')}, the directory has version {existing.version}). Export "
                "again and make your changes in the new file"
            )
    return RowCheck(row.number, cells.get("name"), cells.out, cells.errors, existing)


def _check_identity(cells: _Cells, lookups: Lookups) -> None:
    slug = cells.get("slug").lower()
    cells.set("slug", slug)
    if slug and (len(slug) > SLUG_LENGTH or not SLUG.match(slug)):
        cells.fail(
            "slug must be lower-case letters, numbers and hyphens, like portage-home-visiting"
        )
    version = cells.get("version")
    if version and not _whole_number(version):
        cells.fail("version must be a whole number, as the export wrote it, or left empty")
    if not cells.get("name"):
        cells.fail("Enter the service's name")
    if not cells.get("description"):
        cells.fail("Enter a description of the service")
    organisation = cells.get("organisation")
    if not organisation:
        cells.fail("Enter the organisation's name or slug")
    else:
        found = lookups.organisations.get(organisation.lower())
        if found is None:
            named = lookups.organisations_by_name.get(organisation.casefold(), [])
            if len(named) > 1:
                cells.fail(
                    f"More than one organisation is called {organisation}: use its slug ("
                    + " or ".join(o.slug for o in named)
                    + ")"
                )
            found = named[0] if len(named) == 1 else None
            if found is None and len(named) == 0:
                cells.fail(
                    f"There is no organisation called {organisation}. Add it to the directory "
                    "first, or check the spelling"
                )
        cells.set("organisation", found.slug if found else organisation)
    for column in ("website", "sen_information_report_url"):
        value = cells.get(column)
        if value and not _is_web_address(value):
            cells.fail(f"{column} must be a web address starting https://")
    email = cells.get("email")
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            cells.fail("email must be an email address, like name@example.org")


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # such as an unclosed [ of an IPv6 address
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in value


def _whole_number(value: str) -> bool:
    # str.isdigit alone accepts "²", which int() refuses.
    return value.isascii() and value.isdigit()


def _check_contact(cells: _Cells) -> None:
    phone = cells.get("phone")
    if phone:
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE.match(phone) or not 3 <= digits <= 15:
            cells.fail("phone must be a phone number, like 01632 960000")


def _flag(cells: _Cells, column: str, default: str | None) -> None:
    value = cells.get(column).lower()
    if value in YES:
        cells.set(column, "yes")
    elif value in NO:
        cells.set(column, "no")
    elif not value and default is not None:
        cells.set(column, default)
    elif value:
        allowed = "yes or no" if default is not None else "yes, no, or empty when not known"
        cells.fail(f"{column} must be {allowed}")


def _parse_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _check_flags_and_dates(cells: _Cells) -> None:
    status = cells.get("status").lower().replace("_", "-").replace(" ", "-") or "active"
    if status not in STATUS_TEXT.values():
        cells.fail("status must be active, temporarily closed or closed")
    cells.set("status", status)
    _flag(cells, "information_incomplete", "no")
    _flag(cells, "ehc_plan_needed", "no")
    _flag(cells, "diagnosis_needed", None)
    found = {}
    for column in ("visible_from", "visible_to"):
        value = cells.get(column)
        if value:
            parsed = _parse_date(value)
            if parsed is None:
                cells.fail(f"{column} must be a date like 2026-09-01 or 01/09/2026")
            else:
                found[column] = parsed
                cells.set(column, parsed.isoformat())
    if len(found) == 2 and found["visible_from"] > found["visible_to"]:
        cells.fail("visible_from must be on or before visible_to")


def _check_ages(cells: _Cells) -> None:
    ages = {}
    for column in ("min_age", "max_age"):
        value = cells.get(column)
        if value:
            if not _whole_number(value) or int(value) > 120:
                cells.fail(f"{column} must be a whole number of years from 0 to 120")
            else:
                ages[column] = int(value)
                cells.set(column, str(int(value)))
    if len(ages) == 2 and ages["min_age"] > ages["max_age"]:
        cells.fail("min_age must not be more than max_age")


def _check_cost(cells: _Cells) -> None:
    cost = cells.get("cost").lower()
    amount = cells.get("cost_amount").replace("£", "").replace(",", "").strip()
    if cost and cost not in {"free", "paid"}:
        cells.fail("cost must be free or paid")
    if amount:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value >= Decimal("1e8"):
            cells.fail("cost_amount must be an amount in pounds, like 12.50")
        else:
            cells.set("cost_amount", _amount(value))
        if cost == "free":
            cells.fail("A free service has no cost_amount: leave it empty or make cost paid")
    if not cost and (amount or cells.get("cost_unit") or cells.get("cost_description")):
        cells.fail("cost must say free or paid when the other cost columns are filled in")
    if cost == "paid" and not amount and not cells.get("cost_description"):
        cells.fail("A paid service needs a cost_amount or a cost_description")
    cells.set("cost", cost)


def _split(value: str) -> list[str]:
    """``a; b`` (a comma works too) as a list, without empty items or repeats."""
    items = [item.strip() for item in re.split(r"[;,]", value)]
    return list(dict.fromkeys(item for item in items if item))


def _check_terms(cells: _Cells, lookups: Lookups) -> None:
    for column, taxonomy in TAXONOMY_COLUMNS.items():
        slugs = [slug.lower() for slug in _split(cells.get(column))]
        vocabulary = lookups.terms.get(taxonomy, {})
        unknown = [slug for slug in slugs if slug not in vocabulary]
        if unknown:
            cells.fail(
                f"{column}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in "
                f"the {taxonomy} list (see docs/csv-template.md for the slugs)"
            )
        known = sorted((vocabulary[s] for s in slugs if s in vocabulary), key=lambda t: t.position)
        cells.set(column, "; ".join(term.slug for term in known))


def _check_lists(cells: _Cells) -> None:
    # Languages can't contain commas; areas can ("Havant, Waterlooville"), so only ; splits them.
    languages = _split(cells.get("languages"))
    areas = [a.strip() for a in cells.get("service_areas").split(";") if a.strip()]
    for column, items, limit in (("languages", languages, 100), ("service_areas", areas, 200)):
        if any(len(item) > limit for item in items):
            cells.fail(f"Each of the {column} must be {limit} characters or fewer")
        cells.set(column, "; ".join(dict.fromkeys(items)))
    for column in SEND_COLUMNS:
        cells.set(column, cells.get(column))


def _check_location(cells: _Cells, lookups: Lookups) -> None:
    if "postcode" not in cells.columns:
        return
    name, address, town, postcode = (
        cells.get(c) for c in ("location_name", "address", "town", "postcode")
    )
    _flag(cells, "mask_address", "no")
    if not any((name, address, town, postcode)):
        cells.set("mask_address", "")
        return
    if not town:
        cells.fail("Enter the location's town")
    if not postcode:
        cells.fail("Enter the location's postcode")
    elif not is_valid_postcode(postcode):
        cells.fail("postcode must be a full UK postcode, like PO1 2AB")
    else:
        postcode = normalise_postcode(postcode)
        cells.set("postcode", postcode)
    name = name or address or town
    cells.set("location_name", name)
    same = lookups.locations.get(_location_key(name, address, town, postcode))
    if same is not None and _yes_no(same.mask_address) != cells.out.get("mask_address"):
        cells.fail(
            f"The location {same.name} already exists with mask_address "
            f"{_yes_no(same.mask_address)}: change it on the location's page, not in the file"
        )


def _check_across_rows(checks: list[RowCheck], lookups: Lookups) -> None:
    slugs: dict[str, int] = {}
    names: dict[tuple[str, str], int] = {}
    places: dict[tuple[str, str, str, str], tuple[int, str]] = {}
    for check in checks:
        _check_same_place(check, places)
        organisation = lookups.organisations.get(check.cells.get("organisation", ""))
        if check.slug:
            if check.slug in slugs:
                check.errors.append(f"The slug {check.slug} is also in row {slugs[check.slug]}")
            slugs.setdefault(check.slug, check.number)
        if check.existing is None and organisation is not None and check.name:
            key = (organisation.slug, check.name.casefold())
            existing_slug = lookups.service_names.get((organisation.id, check.name.casefold()))
            if existing_slug and not check.slug:
                check.errors.append(
                    f"{organisation.name} already has a service called {check.name}. To change "
                    f"it, put its slug ({existing_slug}) in the slug column"
                )
            elif key in names:
                check.errors.append(
                    f"Row {names[key]} also adds a service called {check.name} for "
                    f"{organisation.name}"
                )
            names.setdefault(key, check.number)


def _check_same_place(check: RowCheck, places: dict) -> None:
    """Rows describing one new place must agree on whether its address is masked."""
    cells = check.cells
    if not cells.get("postcode"):
        return
    key = _location_key(cells["location_name"], cells["address"], cells["town"], cells["postcode"])
    first = places.setdefault(key, (check.number, cells["mask_address"]))
    if first[1] != cells["mask_address"]:
        check.errors.append(
            f"Row {first[0]} has the same location with mask_address {first[1]}: "
            "a location's address is masked for every service or for none"
        )


# Importing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedLine:
    """What happened to one row, in plain values that outlive a rolled-back dry run."""

    row: int
    name: str
    slug: str
    organisation: str
    columns: tuple[str, ...] = ()


@dataclass
class ImportResult:
    created: list[ImportedLine] = field(default_factory=list)
    updated: list[ImportedLine] = field(default_factory=list)
    unchanged: list[ImportedLine] = field(default_factory=list)


def import_rows(checks: list[RowCheck], lookups: Lookups, actor: User | None) -> ImportResult:
    """Create or update a service for each checked row, with an audit event each; flush only.

    The caller commits, or rolls back to make this a dry run. Rows must have no errors.
    """
    if has_errors(checks):
        raise ValueError("import_rows needs rows without errors")
    result = ImportResult()
    writer = _Writer(lookups, reserved={check.slug for check in checks if check.slug})
    with db.session.no_autoflush:
        for check in checks:
            service = check.existing
            if service is None:
                service = writer.new_service(check)
                before = {}
            else:
                before = service_cells(service)
            writer.apply(service, check.cells)
            after = service_cells(service)
            changes = {
                column: [before.get(column) or None, after[column] or None]
                for column in COLUMN_NAMES
                if column != "version" and (before.get(column) or "") != after[column]
            }
            line = ImportedLine(check.number, service.name, service.slug, service.organization.name)
            if check.existing is None:
                db.session.flush()
                audit.record(IMPORTED, actor, service, changes)
                result.created.append(line)
            elif changes:
                # A change to details alone must still move the version on (lost-update check).
                service.updated_at = datetime.now(UTC)
                db.session.flush()
                audit.record(IMPORT_UPDATED, actor, service, changes)
                result.updated.append(replace(line, columns=tuple(sorted(changes))))
            else:
                result.unchanged.append(line)
    db.session.flush()
    return result


def slugify(text: str) -> str:
    """``Portage: home visits!`` becomes ``portage-home-visits``."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:100].strip("-") or "service"


def _unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    slug, n = base, 2
    while taken(slug):
        slug = f"{base}-{n}"
        n += 1
    return slug


class _Writer:
    """Sets a service's fields from canonical cells, touching only what differs."""

    def __init__(self, lookups: Lookups, reserved: set[str]) -> None:
        self.lookups = lookups
        # Slugs the file names itself: a slug made up from a name must not take one of them.
        self.new_slugs: set[str] = set(reserved)

    def new_service(self, check: RowCheck) -> Service:
        slug = check.slug or _unique_slug(
            slugify(check.name),
            lambda s: s in self.lookups.services or s in self.new_slugs,
        )
        self.new_slugs.add(slug)
        service = Service(
            slug=slug,
            name=check.name,
            description="",
            how_to_access="",
            status=ServiceStatus.ACTIVE,
            information_incomplete=False,
            ehc_plan_needed=False,
            published_at=None,
        )
        service.organization = self.lookups.organisations[check.cells["organisation"]]
        db.session.add(service)
        return service

    def apply(self, service: Service, cells: dict[str, str]) -> None:
        current = service_cells(service)

        def differs(*columns: str) -> bool:
            return any(c in cells and cells[c] != current[c] for c in columns)

        self._scalars(service, cells, differs)
        groups = {
            "ages": self._ages,
            "cost": self._cost,
            "contact": self._contact,
            "location": self._location,
        }
        for group, columns in GROUPS.items():
            if differs(*columns):
                groups[group](service, cells)
        for column, taxonomy in TAXONOMY_COLUMNS.items():
            if differs(column):
                self._terms(service, taxonomy, cells[column])
        if differs("languages"):
            service.languages = [
                Language(name=name, code=LANGUAGE_CODES.get(name.lower()))
                for name in _split(cells["languages"])
            ]
        if differs("service_areas"):
            service.service_areas = [
                ServiceArea(name=name) for name in cells["service_areas"].split("; ") if name
            ]
        for column, question in SEND_COLUMNS.items():
            if differs(column):
                self._answer(service, question.value, cells[column])

    def _scalars(self, service: Service, cells: dict[str, str], differs) -> None:
        text = {"name": "name", "description": "description", "how_to_access": "how_to_access"}
        optional = {
            "alternate_name": "alternate_name",
            "website": "url",
            "email": "email",
            "sen_information_report_url": "sen_information_report_url",
        }
        for column, attribute in text.items():
            if differs(column):
                setattr(service, attribute, cells[column])
        for column, attribute in optional.items():
            if differs(column):
                setattr(service, attribute, cells[column] or None)
        if differs("email"):
            for contact in service.contacts[:1]:
                contact.email = cells["email"] or None
        if differs("organisation"):
            service.organization = self.lookups.organisations[cells["organisation"]]
        if differs("status"):
            status = {text: status for status, text in STATUS_TEXT.items()}[cells["status"]]
            service.status = status
        for column in ("information_incomplete", "ehc_plan_needed"):
            if differs(column):
                setattr(service, column, cells[column] == "yes")
        if differs("diagnosis_needed"):
            service.diagnosis_needed = {"yes": True, "no": False}.get(cells["diagnosis_needed"])
        for column in ("visible_from", "visible_to"):
            if differs(column):
                setattr(
                    service, column, date.fromisoformat(cells[column]) if cells[column] else None
                )

    @staticmethod
    def _replace_first(collection: list, wanted) -> None:
        """The file's columns describe the first item; any others stay as they are."""
        if collection:
            collection.pop(0)
        if wanted is not None:
            collection.insert(0, wanted)

    def _ages(self, service: Service, cells: dict[str, str]) -> None:
        minimum, maximum, words = cells["min_age"], cells["max_age"], cells["age_description"]
        wanted = None
        if minimum or maximum or words:
            wanted = Eligibility(
                minimum_age=int(minimum) if minimum else None,
                maximum_age=int(maximum) if maximum else None,
                description=words,
            )
        self._replace_first(service.eligibilities, wanted)

    def _cost(self, service: Service, cells: dict[str, str]) -> None:
        wanted = None
        if cells["cost"]:
            wanted = CostOption(
                is_free=cells["cost"] == "free",
                amount=Decimal(cells["cost_amount"]) if cells["cost_amount"] else None,
                currency="GBP",
                option=cells["cost_unit"] or None,
                amount_description=cells["cost_description"],
            )
        self._replace_first(service.cost_options, wanted)

    def _contact(self, service: Service, cells: dict[str, str]) -> None:
        name, phone = cells["contact_name"], cells["phone"]
        email = cells.get("email", service.email or "") or None
        if not service.contacts:
            if name or phone:
                phones = [Phone(number=phone)] if phone else []
                service.contacts.append(Contact(name=name, email=email, phones=phones))
            return
        contact = service.contacts[0]
        contact.name = name
        if phone and contact.phones:
            contact.phones[0].number = phone
        elif phone:
            contact.phones.append(Phone(number=phone))
        elif contact.phones:
            contact.phones.pop(0)
        if not name and not contact.phones and not contact.email:
            service.contacts.pop(0)

    def _location(self, service: Service, cells: dict[str, str]) -> None:
        if not cells["postcode"]:
            if service.service_at_locations:
                service.service_at_locations.pop(0)
            return
        key = _location_key(
            cells["location_name"], cells["address"], cells["town"], cells["postcode"]
        )
        location = self.lookups.locations.get(key)
        if location is None:
            slug = _unique_slug(
                slugify(f"{cells['location_name']} {cells['postcode']}"),
                lambda s: s in self.lookups.location_slugs,
            )
            location = Location(
                slug=slug,
                name=cells["location_name"],
                address_1=cells["address"],
                city=cells["town"],
                postcode=cells["postcode"],
                mask_address=cells["mask_address"] == "yes",
            )
            db.session.add(location)
            self.lookups.locations[key] = location
            self.lookups.location_slugs.add(slug)
        links = list(service.service_at_locations)
        rest = [link for link in links[1:] if link.location is not location]
        kept = [link for link in links if link.location is location]
        first = kept[0] if kept else ServiceAtLocation(location=location)
        service.service_at_locations = [first, *rest]

    def _terms(self, service: Service, taxonomy: str, slugs: str) -> None:
        # Terms of the other vocabularies stay; this column's vocabulary is replaced.
        vocabulary = self.lookups.terms.get(taxonomy, {})
        kept = [term for term in service.taxonomy_terms if term.taxonomy.slug != taxonomy]
        service.taxonomy_terms = kept + [vocabulary[s] for s in slugs.split("; ") if s]

    def _answer(self, service: Service, question: str, text: str) -> None:
        for answer in list(service.send_answers):
            if answer.question == question:
                if text:
                    answer.answer = text
                else:
                    service.send_answers.remove(answer)
                return
        if text:
            service.send_answers.append(SendAnswer(question=question, answer=text))


# Exporting ------------------------------------------------------------------------------------


def services_for_export() -> list[Service]:
    """Every service, drafts and closed ones included, by organisation and name."""
    query = (
        select(Service)
        .join(Service.organization)
        .options(*SERVICE_DETAILS)
        .order_by(Organization.name, Service.name, Service.id)
    )
    return list(db.session.scalars(query))


def export_csv(services: Iterable[Service], page_address: Callable[[Service], str]) -> bytes:
    """The directory in the template's columns, then the read-only columns."""

    def row(service: Service) -> dict[str, str]:
        cells = service_cells(service)
        cells["listing"] = "published" if service.published_at else "draft"
        cells["last_reviewed_on"] = _text(service.last_reviewed_on)
        cells["review_due_on"] = _text(service.review_due_on)
        cells["page_address"] = page_address(service)
        return cells

    return write_csv(EXPORT_COLUMNS, (row(service) for service in services))


def template_csv() -> bytes:
    """The empty template: the column names and one example service."""
    return write_csv(COLUMN_NAMES, [example_row()])
