"""Schemathesis over the demo area: every operation in /api/v1/openapi.json, with generated
arguments (valid and invalid), must answer without a 5xx and exactly as the document says.

``schemathesis.pytest.from_fixture`` does not work with pytest 9 (it reads a removed private
attribute), so each operation's strategy is driven by Hypothesis here directly.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode
from sqlalchemy import select

from localoffer.api.identifiers import taxonomy_uuid
from localoffer.api.openapi import openapi_document
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

DOCUMENT = openapi_document("http://localhost/api/v1")
PATHS = sorted(DOCUMENT["paths"])


def _takes_query(path: str) -> bool:
    parameters = DOCUMENT["paths"][path]["get"].get("parameters", [])
    return any(parameter["in"] == "query" for parameter in parameters)


# API_SCHEMA_EXAMPLES=500 for a deeper run than the suite's.
SETTINGS = settings(
    max_examples=int(os.environ.get("API_SCHEMA_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def api_schema(seeded_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded_app)


# A well-formed postcode that does not exist, or a proximity without a postcode, is refused
# with 400 although the document cannot express it; every other valid request must succeed.
WORLD_DEPENDENT = {"/service_at_locations"}


def _can_be_met(case) -> bool:
    """False for an upside-down age range, refused with 400: a document cannot say that one
    parameter may not be above another, so valid-looking cases include it."""
    query = case.query or {}
    low, high = query.get("minimum_age"), query.get("maximum_age")
    return low is None or high is None or float(low) <= float(high)


def _run(strategy, excluded=()) -> None:
    @given(case=strategy)
    @SETTINGS
    def check(case):
        case.call_and_validate(excluded_checks=list(excluded))

    check()


@pytest.mark.parametrize("path", PATHS)
def test_valid_arguments_get_answers_the_document_describes(api_schema, seeded_app, path):
    excluded = [positive_data_acceptance] if path in WORLD_DEPENDENT else []
    with seeded_app.app_context():
        strategy = api_schema[path]["GET"].as_strategy(generation_mode=GenerationMode.POSITIVE)
        _run(strategy.filter(_can_be_met), excluded)


@pytest.mark.parametrize("path", [p for p in PATHS if _takes_query(p)])
def test_invalid_arguments_are_refused_with_400(api_schema, seeded_app, path):
    with seeded_app.app_context():
        _run(api_schema[path]["GET"].as_strategy(generation_mode=GenerationMode.NEGATIVE))


def _real_ids() -> dict[str, str]:
    service = db.session.scalars(select(Service).where(*publicly_listed()).order_by(Service.id))
    link = db.session.scalars(
        select(ServiceAtLocation)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*publicly_listed())
        .order_by(ServiceAtLocation.id)
    )
    taxonomy = db.session.scalars(select(Taxonomy).order_by(Taxonomy.id))
    term = db.session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.parent_id.is_not(None)))
    return {
        "/services/{id}": service.first().uuid,
        "/service_at_locations/{id}": link.first().uuid,
        "/taxonomies/{id}": taxonomy_uuid(taxonomy.first().slug),
        "/taxonomy_terms/{id}": term.first().uuid,
    }


def test_real_records_answer_as_the_document_describes(api_schema, seeded_app):
    with seeded_app.app_context():
        for path, record_id in _real_ids().items():
            operation = api_schema[path]["GET"]
            case = operation.Case(path_parameters={"id": record_id})
            response = case.call_and_validate()
            assert response.status_code == 200, path
