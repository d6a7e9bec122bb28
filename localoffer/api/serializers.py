"""Database rows to Open Referral UK (HSDS 3.0) JSON.

Field names follow the UK profile of HSDS 3.0. What the directory holds that HSDS has no field
for (slugs, SEND answers, several age ranges, review dates ...) travels in a ``localoffer``
extension object, so an export imported elsewhere loses nothing. Masked (home) addresses are
published as the town and the first half of the postcode, without coordinates, everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask import url_for

from localoffer.api.identifiers import child_uuid, taxonomy_uuid
from localoffer.models import (
    AuditEvent,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

EXTENSION = "localoffer"
HSDS_VERSION = "3.0"
# What the root endpoint says: the ORUK validator reads the profile version from it.
PROFILE_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0/"
STATUS_TO_ORUK = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
    ServiceStatus.CLOSED: "inactive",
}
# The one-to-one service fields a list shows (HSDS "service_list").
SUMMARY_FIELDS = (
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "organization",
)


def _present(values: dict) -> dict:
    """Drop the fields with no value: HSDS fields are optional, never null."""
    return {key: value for key, value in values.items() if value is not None}


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: time) -> str:
    return value.strftime("%H:%M")


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _amount(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def service_page_url(service: Service) -> str:
    """The service's page on this site."""
    return url_for("directory.service", service_id=service.id, _external=True)


def organization(record: Organization) -> dict:
    phones = []
    if record.phone:
        phones.append(
            {
                "id": child_uuid(record.uuid, "phone", 1),
                "organization_id": record.uuid,
                "number": record.phone,
            }
        )
    return _present(
        {
            "id": record.uuid,
            "name": record.name,
            "description": record.description,
            "email": record.email,
            "website": record.website,
            "phones": phones,
            EXTENSION: {"slug": record.slug},
        }
    )


def taxonomy(record: Taxonomy) -> dict:
    return {
        "id": taxonomy_uuid(record.slug),
        "name": record.name,
        "description": record.description,
        EXTENSION: {"slug": record.slug},
    }


def taxonomy_term(record: TaxonomyTerm) -> dict:
    return _present(
        {
            "id": record.uuid,
            "code": record.slug,
            "name": record.name,
            "description": record.description,
            "parent_id": record.parent.uuid if record.parent is not None else None,
            "taxonomy": record.taxonomy.name,
            "taxonomy_id": taxonomy_uuid(record.taxonomy.slug),
            "taxonomy_detail": taxonomy(record.taxonomy),
            EXTENSION: {"position": record.position},
        }
    )


def _attribute(service: Service, term: TaxonomyTerm) -> dict:
    return {
        "id": child_uuid(service.uuid, "attribute", term.uuid),
        "link_id": service.uuid,
        "link_type": term.taxonomy.slug,
        "link_entity": "service",
        "taxonomy_term_id": term.uuid,
        "taxonomy_term": taxonomy_term(term),
    }


def _address(record: Location) -> dict:
    masked = record.mask_address
    return {
        "id": child_uuid(record.uuid, "address", 1),
        "location_id": record.uuid,
        "address_1": "" if masked else record.address_1,
        "city": record.city,
        "state_province": "",
        "postal_code": record.outward_code if masked else record.postcode,
        "country": "GB",
        "address_type": "physical",
    }


def location(record: Location) -> dict:
    masked = record.mask_address
    return _present(
        {
            "id": record.uuid,
            "name": record.name,
            "description": record.description,
            "latitude": None if masked else record.latitude,
            "longitude": None if masked else record.longitude,
            "addresses": [_address(record)],
            "accessibility": [
                {
                    "id": child_uuid(record.uuid, "accessibility", item.id),
                    "location_id": record.uuid,
                    "description": item.description,
                    "details": item.details,
                }
                for item in record.accessibilities
            ],
            EXTENSION: {"slug": record.slug, "address_masked": masked},
        }
    )


def _phone(service: Service, record: Phone, contact_id: str) -> dict:
    return {
        "id": child_uuid(service.uuid, "phone", record.id),
        "contact_id": contact_id,
        "number": record.number,
        "description": record.description,
    }


def _contact(service: Service, record: Contact) -> dict:
    contact_id = child_uuid(service.uuid, "contact", record.id)
    return _present(
        {
            "id": contact_id,
            "service_id": service.uuid,
            "name": record.name,
            "title": record.title,
            "email": record.email,
            "phones": [_phone(service, phone, contact_id) for phone in record.phones],
        }
    )


def _schedule(service: Service, record: Schedule) -> dict:
    return {
        "id": child_uuid(service.uuid, "schedule", record.id),
        "service_id": service.uuid,
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": record.byday,
        "opens_at": _time(record.opens_at),
        "closes_at": _time(record.closes_at),
        "description": record.description,
    }


def _cost_option(service: Service, record: CostOption) -> dict:
    amount = (
        record.amount if record.amount is not None else (Decimal(0) if record.is_free else None)
    )
    return _present(
        {
            "id": child_uuid(service.uuid, "cost_option", record.id),
            "service_id": service.uuid,
            "option": record.option,
            "amount": _amount(amount),
            "amount_description": record.amount_description,
            EXTENSION: {
                "is_free": record.is_free,
                "amount": _amount(record.amount),
                "currency": record.currency,
            },
        }
    )


def _service_area(service: Service, record: ServiceArea) -> dict:
    return {
        "id": child_uuid(service.uuid, "service_area", record.id),
        "service_id": service.uuid,
        "name": record.name,
        "description": record.description,
    }


def _language(service: Service, record: Language) -> dict:
    return _present(
        {
            "id": child_uuid(service.uuid, "language", record.id),
            "service_id": service.uuid,
            "name": record.name,
            "code": record.code,
        }
    )


def metadata(service: Service, event: AuditEvent) -> list[dict]:
    """One HSDS metadata entry per changed field of an audit event (who: a role, not a name)."""
    changes = event.changes or {"": [None, None]}
    return [
        {
            "id": child_uuid(service.uuid, "metadata", f"{event.id}:{field}"),
            "resource_id": service.uuid,
            "resource_type": "service",
            "last_action_date": _date(event.created_at.date()) if event.created_at else "",
            "last_action_type": event.action,
            "field_name": field,
            "previous_value": _text(values[0] if len(values) > 0 else None),
            "replacement_value": _text(values[1] if len(values) > 1 else None),
            "updated_by": event.actor.role.value if event.actor is not None else "system",
        }
        for field, values in changes.items()
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _service_fields(record: Service) -> dict:
    eligibility = record.eligibilities[0] if record.eligibilities else None
    return {
        "id": record.uuid,
        "organization_id": record.organization.uuid,
        "name": record.name,
        "description": record.description,
        "url": record.url or service_page_url(record),
        "email": record.email,
        "status": STATUS_TO_ORUK[record.status],
        "minimum_age": eligibility.minimum_age if eligibility else None,
        "maximum_age": eligibility.maximum_age if eligibility else None,
        "assured_date": _date(record.last_reviewed_on),
        "last_modified": _timestamp(record.updated_at),
        "organization": organization(record.organization),
    }


def service_summary(record: Service) -> dict:
    """A service as lists show it: its one-to-one fields and its organisation."""
    fields = _service_fields(record)
    return _present({key: fields[key] for key in SUMMARY_FIELDS})


def _service_extension(record: Service) -> dict:
    return {
        "slug": record.slug,
        "alternate_name": record.alternate_name,
        "how_to_access": record.how_to_access,
        "url": record.url,
        "visible_from": _date(record.visible_from),
        "visible_to": _date(record.visible_to),
        "information_incomplete": record.information_incomplete,
        "diagnosis_needed": record.diagnosis_needed,
        "ehc_plan_needed": record.ehc_plan_needed,
        "sen_information_report_url": record.sen_information_report_url,
        "review_due_on": _date(record.review_due_on),
        "eligibilities": [
            {
                "minimum_age": item.minimum_age,
                "maximum_age": item.maximum_age,
                "description": item.description,
            }
            for item in record.eligibilities
        ],
        "send_answers": {answer.question: answer.answer for answer in record.send_answers},
    }


def service_full(record: Service, events: list[AuditEvent] = ()) -> dict:
    """A fully nested service, as ``/services/{id}`` and the export publish it."""
    return _present(
        {
            **_service_fields(record),
            "service_at_locations": [
                service_at_location_nested(link) for link in record.service_at_locations
            ],
            "contacts": [_contact(record, item) for item in record.contacts],
            "schedules": [_schedule(record, item) for item in record.schedules],
            "cost_options": [_cost_option(record, item) for item in record.cost_options],
            "service_areas": [_service_area(record, item) for item in record.service_areas],
            "languages": [_language(record, item) for item in record.languages],
            "attributes": [_attribute(record, term) for term in record.taxonomy_terms],
            "metadata": [entry for event in events for entry in metadata(record, event)],
            EXTENSION: _service_extension(record),
        }
    )


def service_at_location_nested(record: ServiceAtLocation) -> dict:
    """A service-at-location inside its service: the link and the location."""
    return {
        "id": record.uuid,
        "service_id": record.service.uuid,
        "location_id": record.location.uuid,
        "location": location(record.location),
    }


def service_at_location_summary(record: ServiceAtLocation) -> dict:
    """A service-at-location as lists show it, with the service's one-to-one fields."""
    return {
        **service_at_location_nested(record),
        "service": service_summary(record.service),
    }


def service_at_location_full(record: ServiceAtLocation, events: list[AuditEvent] = ()) -> dict:
    """A service-at-location with its fully nested service."""
    return {
        **service_at_location_nested(record),
        "service": service_full(record.service, events),
    }


def page(result, items: list[dict]) -> dict:
    """The HSDS 3.0 page envelope around ``items``."""
    return {
        "total_items": result.total,
        "total_pages": result.pages,
        "page_number": result.page,
        "size": len(items),
        "first_page": result.page == 1,
        "last_page": result.page >= result.pages,
        "empty": not items,
        "contents": items,
        # The validator's schemas allow keys of our own: what a text search did with its words.
        **({"localoffer": result.reading} if getattr(result, "reading", None) else {}),
    }


def api_meta(openapi_url: str) -> dict:
    return {"version": PROFILE_VERSION, "profile": PROFILE_URL, "openapi_url": openapi_url}
