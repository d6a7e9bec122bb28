"""Fingerprints change with every row a document is built from, and only with those."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from localoffer.extensions import db
from localoffer.models import (
    CostOption,
    Eligibility,
    Location,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from localoffer.search.collections.guides import guide_fingerprints
from localoffer.search.collections.services import service_fingerprints
from tests import factories


@pytest.fixture
def listed(empty_app):
    """A listed service with every kind of row its document shows, and a published guide."""
    vocabulary = Taxonomy(slug="need", name="Needs")
    broad = TaxonomyTerm(taxonomy=vocabulary, slug="communication", name="Communication")
    narrow = TaxonomyTerm(taxonomy=vocabulary, slug="speech", name="Speech", parent=broad)
    service = factories.service(name="Chatterbox")
    service.eligibilities.append(Eligibility(minimum_age=2, maximum_age=11, description="Kids"))
    service.cost_options.append(CostOption(is_free=True))
    place = Location(slug="hall", name="Hall", city="Fareham", postcode="PO16 7AZ")
    service.service_at_locations.append(ServiceAtLocation(location=place))
    service.taxonomy_terms.append(narrow)
    guide = factories.guide(title="Speech help")
    guide.taxonomy_terms.append(narrow)
    db.session.commit()
    return service.id, guide.id


def _service_print(service_id: int) -> str:
    return service_fingerprints(db.session.connection(), [service_id])[service_id]


CHANGES_A_SERVICE_SHOWS = [
    "UPDATE service SET name = 'Chatterbox Two'",
    "UPDATE service SET alternate_name = 'Talk time'",
    "UPDATE service SET description = 'Something else'",
    "UPDATE service SET how_to_access = 'Ring us'",
    "UPDATE organization SET name = 'Another organisation'",
    "UPDATE eligibility SET minimum_age = 3",
    "UPDATE eligibility SET description = 'Older'",
    "UPDATE cost_option SET is_free = false, amount = 5",
    "UPDATE location SET city = 'Gosport'",
    "UPDATE location SET postcode = 'PO12 1AA'",
    "UPDATE location SET latitude = 50.8",
    "UPDATE location SET mask_address = true",
    "UPDATE taxonomy_term SET name = 'Talking' WHERE slug = 'speech'",
    "UPDATE taxonomy_term SET name = 'Talking and listening' WHERE slug = 'communication'",
    "UPDATE taxonomy SET slug = 'needs'",
    "DELETE FROM service_at_location",
    "DELETE FROM cost_option",
    "DELETE FROM service_taxonomy_term",
]


@pytest.mark.parametrize("statement", CHANGES_A_SERVICE_SHOWS)
def test_every_row_a_service_document_shows_changes_its_fingerprint(listed, statement):
    service_id, _ = listed
    before = _service_print(service_id)
    db.session.execute(text(statement))
    assert _service_print(service_id) != before


def test_a_review_reminder_stamp_leaves_the_fingerprint_alone(listed):
    service_id, _ = listed
    before = _service_print(service_id)
    db.session.execute(text("UPDATE service SET review_reminder_sent_on = '2026-12-01'"))
    assert _service_print(service_id) == before


def test_a_service_no_longer_listed_has_no_fingerprint(listed):
    service_id, _ = listed
    db.session.execute(text("UPDATE service SET status = 'closed'"))
    assert service_fingerprints(db.session.connection()) == {}


def test_all_and_some_give_the_same_fingerprints(listed):
    service_id, _ = listed
    other = factories.service(name="Other").id
    everything = service_fingerprints(db.session.connection())
    assert set(everything) == {service_id, other}
    assert service_fingerprints(db.session.connection(), [other]) == {other: everything[other]}


CHANGES_A_GUIDE_SHOWS = [
    "UPDATE guide_version SET title = 'New title'",
    "UPDATE guide_version SET summary = 'New summary'",
    "UPDATE guide_version SET body = 'New body'",
    "UPDATE guide_section SET name = 'Renamed section'",
    "UPDATE guide_page SET audience = 'young_people'",
    "UPDATE taxonomy_term SET name = 'Talking' WHERE slug = 'speech'",
    "DELETE FROM guide_taxonomy_term",
]


@pytest.mark.parametrize("statement", CHANGES_A_GUIDE_SHOWS)
def test_every_row_a_guide_document_shows_changes_its_fingerprint(listed, statement):
    _, guide_id = listed
    before = guide_fingerprints(db.session.connection())[guide_id]
    db.session.execute(text(statement))
    assert guide_fingerprints(db.session.connection())[guide_id] != before
