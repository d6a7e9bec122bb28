"""The OpenAPI 3 document for /api/v1: built here, next to nothing else, and tested against
every answer the API gives (tests/api/test_schema.py runs schemathesis over it).

The schemas are closed (``additionalProperties: false``) so any field the serializers add or
rename without updating this document fails the tests.
"""

from __future__ import annotations

from localoffer.api.arguments import (
    DEFAULT_PER_PAGE,
    MAX_AGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    POSTCODE_PATTERN,
)
from localoffer.api.serializers import EXTENSION, HSDS_VERSION, PROFILE_VERSION
from localoffer.control_characters import CONTROL_CLASS

UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}
TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _array(item: dict) -> dict:
    return {"type": "array", "items": item}


def _schemas() -> dict:
    taxonomy = _object(
        {
            "id": UUID,
            "name": TEXT,
            "description": TEXT,
            EXTENSION: _object({"slug": TEXT}, ["slug"]),
        },
        ["id", "name", "description"],
    )
    taxonomy_term = _object(
        {
            "id": UUID,
            "code": TEXT,
            "name": TEXT,
            "description": TEXT,
            "parent_id": UUID,
            "taxonomy": TEXT,
            "taxonomy_id": UUID,
            "taxonomy_detail": _ref("Taxonomy"),
            EXTENSION: _object({"position": {"type": "integer"}}, ["position"]),
        },
        ["id", "name", "description"],
    )
    attribute = _object(
        {
            "id": UUID,
            "link_id": UUID,
            "link_type": TEXT,
            "link_entity": {"type": "string", "enum": ["service"]},
            "taxonomy_term_id": UUID,
            "taxonomy_term": _ref("TaxonomyTerm"),
        },
        ["id", "link_id", "link_entity", "taxonomy_term_id", "taxonomy_term"],
    )
    phone = _object(
        {
            "id": UUID,
            "contact_id": UUID,
            "organization_id": UUID,
            "number": TEXT,
            "description": TEXT,
        },
        ["id", "number"],
    )
    organization = _object(
        {
            "id": UUID,
            "name": TEXT,
            "description": TEXT,
            "email": TEXT,
            "website": TEXT,
            "phones": _array(_ref("Phone")),
            EXTENSION: _object({"slug": TEXT}, ["slug"]),
        },
        ["id", "name", "description"],
    )
    address = _object(
        {
            "id": UUID,
            "location_id": UUID,
            "address_1": TEXT,
            "city": TEXT,
            "state_province": TEXT,
            "postal_code": TEXT,
            "country": {"type": "string", "enum": ["GB"]},
            "address_type": {"type": "string", "enum": ["physical"]},
        },
        ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    )
    accessibility = _object(
        {"id": UUID, "location_id": UUID, "description": TEXT, "details": TEXT},
        ["id", "description"],
    )
    location = _object(
        {
            "id": UUID,
            "name": TEXT,
            "description": TEXT,
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "addresses": _array(_ref("Address")),
            "accessibility": _array(_ref("Accessibility")),
            EXTENSION: _object(
                {"slug": TEXT, "address_masked": {"type": "boolean"}}, ["slug", "address_masked"]
            ),
        },
        ["id", "addresses"],
    )
    contact = _object(
        {
            "id": UUID,
            "service_id": UUID,
            "name": TEXT,
            "title": TEXT,
            "email": TEXT,
            "phones": _array(_ref("Phone")),
        },
        ["id"],
    )
    schedule = _object(
        {
            "id": UUID,
            "service_id": UUID,
            "freq": {"type": "string", "enum": ["WEEKLY"]},
            "wkst": {"type": "string", "enum": ["MO"]},
            "byday": {
                "type": "string",
                "pattern": "^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$",
            },
            "opens_at": TIME,
            "closes_at": TIME,
            "description": TEXT,
        },
        ["id", "freq", "byday", "opens_at", "closes_at"],
    )
    cost_option = _object(
        {
            "id": UUID,
            "service_id": UUID,
            "option": TEXT,
            "amount": {"type": "number", "minimum": 0},
            "amount_description": TEXT,
            EXTENSION: _object(
                {
                    "is_free": {"type": "boolean"},
                    "amount": {"type": "number", "minimum": 0, "nullable": True},
                    "currency": TEXT,
                },
                ["is_free", "amount", "currency"],
            ),
        },
        ["id"],
    )
    service_area = _object(
        {"id": UUID, "service_id": UUID, "name": TEXT, "description": TEXT}, ["id", "name"]
    )
    language = _object({"id": UUID, "service_id": UUID, "name": TEXT, "code": TEXT}, ["id", "name"])
    metadata = _object(
        {
            "id": UUID,
            "resource_id": UUID,
            "resource_type": TEXT,
            "last_action_date": TEXT,
            "last_action_type": TEXT,
            "field_name": TEXT,
            "previous_value": TEXT,
            "replacement_value": TEXT,
            "updated_by": TEXT,
        },
        [
            "id",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        ],
    )
    summary_properties = {
        "id": UUID,
        "organization_id": UUID,
        "name": TEXT,
        "description": TEXT,
        "url": {"type": "string", "format": "uri"},
        "email": TEXT,
        "status": {"type": "string", "enum": ["active", "temporarily closed"]},
        "minimum_age": {"type": "integer", "minimum": 0, "maximum": MAX_AGE},
        "maximum_age": {"type": "integer", "minimum": 0, "maximum": MAX_AGE},
        "assured_date": DATE,
        "last_modified": {"type": "string", "format": "date-time"},
        "organization": _ref("Organization"),
    }
    summary_required = ["id", "organization_id", "name", "description", "url", "status"]
    service_summary = _object(summary_properties, summary_required)
    extension = _object(
        {
            "slug": TEXT,
            "alternate_name": NULLABLE_TEXT,
            "how_to_access": TEXT,
            "url": NULLABLE_TEXT,
            "visible_from": NULLABLE_DATE,
            "visible_to": NULLABLE_DATE,
            "information_incomplete": {"type": "boolean"},
            "diagnosis_needed": {"type": "boolean", "nullable": True},
            "ehc_plan_needed": {"type": "boolean"},
            "sen_information_report_url": NULLABLE_TEXT,
            "review_due_on": NULLABLE_DATE,
            "eligibilities": _array(
                _object(
                    {"minimum_age": NULLABLE_INT, "maximum_age": NULLABLE_INT, "description": TEXT},
                    ["minimum_age", "maximum_age", "description"],
                )
            ),
            "send_answers": {"type": "object", "additionalProperties": TEXT},
        },
        [
            "slug",
            "alternate_name",
            "how_to_access",
            "url",
            "visible_from",
            "visible_to",
            "information_incomplete",
            "diagnosis_needed",
            "ehc_plan_needed",
            "sen_information_report_url",
            "review_due_on",
            "eligibilities",
            "send_answers",
        ],
    )
    link_properties = {
        "id": UUID,
        "service_id": UUID,
        "location_id": UUID,
        "location": _ref("Location"),
    }
    service_full = _object(
        {
            **summary_properties,
            "service_at_locations": _array(
                _object(link_properties, ["id", "service_id", "location_id", "location"])
            ),
            "contacts": _array(_ref("Contact")),
            "schedules": _array(_ref("Schedule")),
            "cost_options": _array(_ref("CostOption")),
            "service_areas": _array(_ref("ServiceArea")),
            "languages": _array(_ref("Language")),
            "attributes": _array(_ref("Attribute")),
            "metadata": _array(_ref("Metadata")),
            EXTENSION: _ref("LocalOfferExtension"),
        },
        [
            *summary_required,
            "service_at_locations",
            "contacts",
            "schedules",
            "cost_options",
            "service_areas",
            "languages",
            "attributes",
            "metadata",
            EXTENSION,
        ],
    )
    link_required = ["id", "service_id", "location_id", "location", "service"]
    return {
        "Taxonomy": taxonomy,
        "TaxonomyTerm": taxonomy_term,
        "Attribute": attribute,
        "Phone": phone,
        "Organization": organization,
        "Address": address,
        "Accessibility": accessibility,
        "Location": location,
        "Contact": contact,
        "Schedule": schedule,
        "CostOption": cost_option,
        "ServiceArea": service_area,
        "Language": language,
        "Metadata": metadata,
        "LocalOfferExtension": extension,
        "ServiceSummary": service_summary,
        "Service": service_full,
        "ServiceAtLocationSummary": _object(
            {**link_properties, "service": _ref("ServiceSummary")}, link_required
        ),
        "ServiceAtLocation": _object(
            {**link_properties, "service": _ref("Service")}, link_required
        ),
        "Error": {
            "type": "object",
            "properties": {
                "error": {"type": "integer"},
                "message": TEXT,
                "errors": _array(
                    _object({"parameter": TEXT, "message": TEXT}, ["parameter", "message"])
                ),
            },
            "required": ["error", "message"],
        },
    }


_NULLABLE_TEXT = {"type": "string", "nullable": True}
# Only with ``search`` or ``text``: what the search did with the words.
_SEARCH_READING = {
    **_object(
        {
            "query": {"type": "string", "description": "The words as typed, cleaned."},
            "corrected_query": {
                **_NULLABLE_TEXT,
                "description": "The words searched for when a misspelt word was corrected.",
            },
            "close_match": {
                "type": "boolean",
                "description": "False when no service matches the meaningful words well.",
            },
            "understood": _object(
                {
                    "age": {
                        "type": "object",
                        "nullable": True,
                        "properties": {
                            "minimum": {"type": "integer"},
                            "maximum": {"type": "integer"},
                            "label": {"type": "string"},
                        },
                    },
                    "place": {**_NULLABLE_TEXT, "description": "A town named in the words."},
                },
                ["age", "place"],
            ),
        },
        ["query", "corrected_query", "close_match", "understood"],
    ),
    "description": "How a text search read its words: a correction, an age or place in the words.",
}


def _page_of(item: str) -> dict:
    return _object(
        {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 1},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": _array(_ref(item)),
            "localoffer": _SEARCH_READING,
        },
        [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
    )


def _parameter(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


PAGING = [
    _parameter(
        "page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
    ),
    _parameter(
        "per_page",
        f"Results per page (default {DEFAULT_PER_PAGE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
]
AGE = {"type": "number", "minimum": 0, "maximum": MAX_AGE}
TEXT_QUERY = {"type": "string", "maxLength": 200, "pattern": f"^[^{CONTROL_CLASS}]*$"}
DAY = {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]}
CLOCK = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
SERVICE_FILTERS = [
    _parameter("search", "Words, as a family would type them (the site's search).", TEXT_QUERY),
    _parameter("text", "Another name for search.", TEXT_QUERY),
    _parameter("taxonomy_term_id", "Services with this term or a narrower one.", UUID),
    _parameter("taxonomy_id", "Services with any term from this taxonomy.", UUID),
    _parameter(
        "minimum_age",
        "Services for some age at or above this (years); not more than maximum_age (400).",
        AGE,
    ),
    _parameter("maximum_age", "Services for some age at or below this (years).", AGE),
    _parameter("day", "Services open on this day (iCalendar code).", DAY),
    _parameter("start_time", "Opening at or after this time (HH:MM), on one schedule.", CLOCK),
    _parameter("end_time", "Closing at or before this time (HH:MM), on one schedule.", CLOCK),
]
PLACE_FILTERS = [
    _parameter(
        "postcode",
        "A UK postcode (PO4 8LD) or its first half (PO4): results nearest first. "
        "A postcode we cannot find is refused with 400.",
        {"type": "string", "pattern": POSTCODE_PATTERN},
    ),
    _parameter(
        "proximity",
        "Only results within this many metres of the postcode (needs postcode).",
        {"type": "number", "minimum": 1, "maximum": 1_000_000},
    ),
]


def _responses(schema: str, not_found: bool = False, bad_request: bool = False) -> dict:
    responses: dict = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}
    }
    error = {"content": {"application/json": {"schema": _ref("Error")}}}
    if bad_request:
        responses["400"] = {"description": "A query parameter is not valid.", **error}
    if not_found:
        responses["404"] = {"description": "No published record has this id.", **error}
    return responses


def _by_id(summary: str, schema: str, name: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"get_{schema}",
            "parameters": [_parameter("id", f"The {name}'s id.", TEXT, "path")],
            "responses": _responses(schema, not_found=True),
        }
    }


def _listing(summary: str, item: str, parameters: list[dict], operation: str) -> dict:
    page = f"{item}Page"
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": parameters,
            "responses": _responses(page, bad_request=True),
        }
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.0 description of this API, served at /api/v1/openapi.json."""
    schemas = _schemas()
    for item in ("ServiceSummary", "ServiceAtLocationSummary", "Taxonomy", "TaxonomyTerm"):
        schemas[f"{item}Page"] = _page_of(item)
    schemas["Meta"] = _object(
        {
            "version": {"type": "string", "enum": [PROFILE_VERSION]},
            "profile": {"type": "string", "format": "uri"},
            "openapi_url": {"type": "string", "format": "uri"},
        },
        ["version", "profile", "openapi_url"],
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Local Offer directory: Open Referral UK API",
            "version": HSDS_VERSION,
            "description": (
                "The published SEND Local Offer directory in the Open Referral UK profile of "
                f"HSDS {HSDS_VERSION}. Read only, no key. Fields the directory holds that HSDS "
                f"has no place for are in `{EXTENSION}` objects. Home addresses are masked: the "
                "town and the first half of the postcode, without coordinates."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/": {
                "get": {
                    "summary": "The HSDS version and profile of this API.",
                    "operationId": "get_meta",
                    "responses": _responses("Meta"),
                }
            },
            "/services": _listing(
                "Published services, one-to-one fields only.",
                "ServiceSummary",
                [*SERVICE_FILTERS, *PAGING],
                "list_services",
            ),
            "/services/{id}": _by_id("A fully nested published service.", "Service", "service"),
            "/service_at_locations": _listing(
                "Where published services are delivered.",
                "ServiceAtLocationSummary",
                [*SERVICE_FILTERS, *PLACE_FILTERS, *PAGING],
                "list_service_at_locations",
            ),
            "/service_at_locations/{id}": _by_id(
                "A service at a location, with the fully nested service.",
                "ServiceAtLocation",
                "service at location",
            ),
            "/taxonomies": _listing("Taxonomies.", "Taxonomy", PAGING, "list_taxonomies"),
            "/taxonomies/{id}": _by_id("A taxonomy.", "Taxonomy", "taxonomy"),
            "/taxonomy_terms": _listing(
                "Taxonomy terms.",
                "TaxonomyTerm",
                [_parameter("taxonomy_id", "Only this taxonomy's terms.", UUID), *PAGING],
                "list_taxonomy_terms",
            ),
            "/taxonomy_terms/{id}": _by_id("A taxonomy term.", "TaxonomyTerm", "taxonomy term"),
        },
        "components": {"schemas": schemas},
    }
