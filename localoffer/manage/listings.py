"""A service listing as editable values: read them, compare them, apply them, describe them.

The edit form, the providers' proposals, the field-by-field differences an officer approves and
the audit trail all speak the same language: a flat dict of JSON-safe values keyed by the form's
field names (``listing_values``). ``apply_values`` writes such a dict onto a service and returns
what changed as ``{field: [before, after]}``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from typing import Any

from sqlalchemy import func, select

from localoffer.directory.vocabulary import Vocabulary, load_vocabularies
from localoffer.extensions import db
from localoffer.models import (
    Contact,
    CostOption,
    Eligibility,
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
    Taxonomy,
    TaxonomyTerm,
)
from localoffer.models.directory import SLUG_LENGTH
from localoffer.templating import format_days

TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "how_to_access",
    "url",
    "email",
    "sen_information_report_url",
)
FLAG_FIELDS = ("ehc_plan_needed", "information_incomplete")
DATE_FIELDS = ("visible_from", "visible_to")
SEND_FIELDS = tuple(f"send_{q.value}" for q in SendQuestion)

FIELD_LABELS = {
    "organization_id": "Organisation",
    "name": "Name",
    "alternate_name": "Other name",
    "description": "Description",
    "how_to_access": "How to get it",
    "url": "Website",
    "email": "Email address",
    "phone": "Phone number",
    "contact_name": "Contact name",
    "min_age": "Youngest age",
    "max_age": "Oldest age",
    "age_description": "Who it is for",
    "cost": "Cost",
    "cost_description": "What it costs",
    "location_ids": "Locations",
    "diagnosis_needed": "Diagnosis needed",
    "ehc_plan_needed": "EHC plan needed",
    "information_incomplete": "Information incomplete",
    "sen_information_report_url": "SEN Information Report",
    "visible_from": "Show from",
    "visible_to": "Show until",
    "schedules": "Opening times",
    "service_areas": "Areas served",
    "languages": "Languages",
    **{f"send_{q.value}": q.question for q in SendQuestion},
}

COST_CHOICES = {"": "Not said", "free": "Free", "paid": "There is a charge"}
DIAGNOSIS_CHOICES = {"": "Not said", "yes": "Yes", "no": "No"}


def taxonomy_field(taxonomy_slug: str) -> str:
    return f"terms_{taxonomy_slug.replace('-', '_')}"


def taxonomies() -> list[Taxonomy]:
    """Every vocabulary a listing can be tagged with, in a stable order, with its terms."""
    return list(db.session.scalars(select(Taxonomy).order_by(Taxonomy.id)))


def vocabulary_of(field: str) -> Vocabulary | None:
    """The vocabulary a ``terms_...`` field holds (read once per request), or None."""
    for vocabulary in load_vocabularies().values():
        if taxonomy_field(vocabulary.slug) == field:
            return vocabulary
    return None


def field_label(field: str) -> str:
    """What an officer calls a listing field in differences and the history."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    vocabulary = vocabulary_of(field)
    if vocabulary is not None:
        return vocabulary.name
    return field.replace("_", " ").capitalize()


def listing_values(service: Service) -> dict[str, Any]:
    """The listing's editable values, JSON-safe, keyed by the edit form's field names."""
    eligibility = service.eligibilities[0] if service.eligibilities else None
    cost = service.cost_options[0] if service.cost_options else None
    contact = service.contacts[0] if service.contacts else None
    phone = contact.phones[0] if contact and contact.phones else None
    values: dict[str, Any] = {
        "organization_id": service.organization_id,
        **{name: getattr(service, name) or "" for name in TEXT_FIELDS},
        **{name: bool(getattr(service, name)) for name in FLAG_FIELDS},
        **{
            name: getattr(service, name).isoformat() if getattr(service, name) else ""
            for name in DATE_FIELDS
        },
        "phone": phone.number if phone else "",
        "contact_name": contact.name if contact else "",
        "min_age": eligibility.minimum_age if eligibility else None,
        "max_age": eligibility.maximum_age if eligibility else None,
        "age_description": eligibility.description if eligibility else "",
        "cost": ("free" if cost.is_free else "paid") if cost else "",
        "cost_description": cost.amount_description if cost else "",
        "location_ids": sorted(sal.location_id for sal in service.service_at_locations),
        "diagnosis_needed": {True: "yes", False: "no", None: ""}[service.diagnosis_needed],
        "schedules": [
            {
                "byday": schedule.byday,
                "opens_at": schedule.opens_at.strftime("%H:%M"),
                "closes_at": schedule.closes_at.strftime("%H:%M"),
                "description": schedule.description or "",
            }
            for schedule in service.schedules
        ],
        "service_areas": "; ".join(area.name for area in service.service_areas),
        "languages": "; ".join(language.name for language in service.languages),
    }
    for question in SendQuestion:
        values[f"send_{question.value}"] = service.send_answer(question) or ""
    for vocabulary in load_vocabularies().values():
        own = {term.id for term in vocabulary.terms.values()}
        values[taxonomy_field(vocabulary.slug)] = sorted(
            term.slug for term in service.taxonomy_terms if term.id in own
        )
    return values


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{field: [before, after]}`` for each field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if _comparable(before.get(name)) != _comparable(after.get(name))
    }


def difference_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Rows for a field-by-field difference table."""
    return [
        {"field": field_label(name), "before": describe(name, old), "after": describe(name, new)}
        for name, (old, new) in differences(before, after).items()
    ]


def _comparable(value: Any) -> Any:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    return value


def apply_values(service: Service, values: dict[str, Any]) -> dict[str, list]:
    """Write ``values`` (as ``listing_values`` shapes them) onto ``service``; return the changes.

    Only the keys present in ``values`` are touched, and only where they differ, so applying a
    listing's own values changes nothing.
    """
    before = listing_values(service) if service.id else {}
    changes = differences(before, values)
    for name, (_, new) in changes.items():
        _set(service, name, new)
    return changes


def _set(service: Service, name: str, value: Any) -> None:
    if name == "organization_id":
        service.organization = db.session.get(Organization, int(value))
    elif name in TEXT_FIELDS:
        text = (value or "").strip()
        setattr(service, name, text if text or name in ("description", "how_to_access") else None)
    elif name in FLAG_FIELDS:
        setattr(service, name, bool(value))
    elif name in DATE_FIELDS:
        setattr(service, name, date.fromisoformat(value) if value else None)
    elif name == "diagnosis_needed":
        service.diagnosis_needed = {"yes": True, "no": False}.get(value or "")
    elif name in ("min_age", "max_age", "age_description"):
        _set_eligibility(service, name, value)
    elif name in ("cost", "cost_description"):
        _set_cost(service, name, value)
    elif name in ("phone", "contact_name"):
        _set_contact(service, name, value)
    elif name == "location_ids":
        _set_locations(service, value or [])
    elif name == "schedules":
        service.schedules = [
            Schedule(
                byday=row["byday"],
                opens_at=time.fromisoformat(row["opens_at"]),
                closes_at=time.fromisoformat(row["closes_at"]),
                description=row.get("description") or "",
            )
            for row in value or []
        ]
    elif name == "service_areas":
        service.service_areas = [ServiceArea(name=item) for item in split_list(value)]
    elif name == "languages":
        service.languages = [Language(name=item) for item in split_list(value)]
    elif name.startswith("send_"):
        _set_send_answer(service, SendQuestion(name.removeprefix("send_")), value)
    elif name.startswith("terms_"):
        _set_terms(service, name, value or [])
    else:
        raise KeyError(name)


def split_list(text: str | None) -> list[str]:
    """ "Portsmouth; Havant" -> ["Portsmouth", "Havant"] (commas work too), without repeats."""
    items = [item.strip() for item in re.split(r"[;,\n]", text or "")]
    return list(dict.fromkeys(item for item in items if item))


def _set_eligibility(service: Service, name: str, value: Any) -> None:
    if not service.eligibilities:
        service.eligibilities.append(Eligibility(description=""))
    eligibility = service.eligibilities[0]
    if name == "age_description":
        eligibility.description = (value or "").strip()
    else:
        setattr(eligibility, "minimum_age" if name == "min_age" else "maximum_age", value)


def _set_cost(service: Service, name: str, value: Any) -> None:
    if name == "cost" and not value:
        service.cost_options.clear()
        return
    if not service.cost_options:
        service.cost_options.append(CostOption(is_free=False, amount_description=""))
    option = service.cost_options[0]
    if name == "cost":
        option.is_free = value == "free"
    else:
        option.amount_description = (value or "").strip()


def _set_contact(service: Service, name: str, value: Any) -> None:
    text = (value or "").strip()
    if not service.contacts:
        if not text:
            return
        service.contacts.append(Contact(name=""))
    contact = service.contacts[0]
    if name == "contact_name":
        contact.name = text
    elif text and contact.phones:
        contact.phones[0].number = text
    elif text:
        contact.phones.append(Phone(number=text))
    elif contact.phones:
        contact.phones.pop(0)


def _set_locations(service: Service, location_ids: list[int]) -> None:
    wanted = set(location_ids)
    service.service_at_locations = [
        sal for sal in service.service_at_locations if sal.location_id in wanted
    ]
    have = {sal.location_id for sal in service.service_at_locations}
    for location_id in sorted(wanted - have):
        service.service_at_locations.append(
            ServiceAtLocation(location=db.session.get(Location, location_id))
        )


def _set_send_answer(service: Service, question: SendQuestion, value: Any) -> None:
    text = (value or "").strip()
    existing = next((a for a in service.send_answers if a.question == question.value), None)
    if existing is not None and text:
        existing.answer = text
    elif existing is not None:
        service.send_answers.remove(existing)
    elif text:
        service.send_answers.append(SendAnswer(question=question.value, answer=text))


def _set_terms(service: Service, field: str, slugs: list[str]) -> None:
    taxonomy = db.session.scalars(
        select(Taxonomy).where(Taxonomy.slug == vocabulary_of(field).slug)
    ).one()
    wanted = list(
        db.session.scalars(
            select(TaxonomyTerm).where(
                TaxonomyTerm.taxonomy_id == taxonomy.id, TaxonomyTerm.slug.in_(slugs)
            )
        )
    )
    others = [t for t in service.taxonomy_terms if t.taxonomy_id != taxonomy.id]
    service.taxonomy_terms = others + wanted


def describe(field: str, value: Any) -> str:
    """A value as an officer reads it in a difference or the history."""
    if value in (None, "", []):
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "organization_id":
        organization = db.session.get(Organization, int(value))
        return organization.name if organization else f"Organisation {value}"
    if field == "location_ids":
        names = db.session.scalars(select(Location.name).where(Location.id.in_(value)))
        return "; ".join(sorted(names))
    if field == "cost":
        return COST_CHOICES.get(value, str(value))
    if field == "schedules":
        return "; ".join(
            f"{format_days(row['byday'].split(','))} {row['opens_at']} to {row['closes_at']}"
            + (f" ({row['description']})" if row.get("description") else "")
            for row in value
        )
    if field == "diagnosis_needed":
        return DIAGNOSIS_CHOICES.get(value, str(value))
    vocabulary = vocabulary_of(field)
    if vocabulary is not None and isinstance(value, list):
        # Term slugs are unique only within their vocabulary: names come from this one alone.
        return "; ".join(sorted({vocabulary.terms[s].name for s in value if s in vocabulary.terms}))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def unique_slug(model: type, name: str, current_id: int | None = None) -> str:
    """A readable slug from ``name`` that no other record of ``model`` uses."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[: SLUG_LENGTH - 6] or "item"
    candidate, n = base, 1
    while True:
        clash = db.session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.slug == candidate, model.id != (current_id or 0))
        )
        if not clash:
            return candidate
        n += 1
        candidate = f"{base}-{n}"
