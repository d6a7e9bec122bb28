"""The database itself refuses inconsistent directory data, whatever the forms do."""

from datetime import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from localoffer.extensions import db
from localoffer.models import (
    CostOption,
    Eligibility,
    Location,
    Schedule,
    SendAnswer,
    Service,
    ServiceAtLocation,
)
from tests import factories


def _refused(record=None, statement=None):
    with pytest.raises((IntegrityError, StatementError)):
        if record is not None:
            db.session.add(record)
        if statement is not None:
            db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_a_valid_service_is_stored(empty_app):
    service = factories.service()
    db.session.commit()
    assert db.session.get(Service, service.id).status.value == "active"
    assert len(service.uuid) == 36


def test_minimum_age_above_maximum_is_refused(empty_app):
    service = factories.service()
    _refused(Eligibility(service=service, minimum_age=10, maximum_age=5))


def test_negative_age_is_refused(empty_app):
    service = factories.service()
    _refused(Eligibility(service=service, minimum_age=-1, maximum_age=5))


def test_equal_ages_are_allowed(empty_app):
    service = factories.service()
    db.session.add(Eligibility(service=service, minimum_age=5, maximum_age=5))
    db.session.commit()


def test_service_slugs_are_unique(empty_app):
    factories.service(slug="same")
    _refused(Service(organization=factories.organization(), slug="same", name="B", description="x"))


def test_service_needs_an_existing_organisation(empty_app):
    _refused(
        statement="INSERT INTO service (uuid, slug, organization_id, name, description, "
        "how_to_access, status, information_incomplete, ehc_plan_needed, version, created_at,"
        " updated_at) VALUES ('u-1', 's', 9999, 'n', 'd', '', 'active', FALSE, FALSE, 1,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )


def test_service_name_is_required(empty_app):
    _refused(Service(organization=factories.organization(), slug="x", name=None, description="d"))


def test_unknown_status_is_refused(empty_app):
    service = factories.service()
    db.session.commit()
    _refused(statement=f"UPDATE service SET status = 'open' WHERE id = {service.id}")


def test_opening_time_must_be_before_closing(empty_app):
    service = factories.service()
    _refused(Schedule(service=service, byday="MO", opens_at=time(17), closes_at=time(9)))


def test_unknown_send_question_is_refused(empty_app):
    service = factories.service()
    _refused(SendAnswer(service=service, question="favourite_colour", answer="Blue"))


def test_one_answer_per_send_question(empty_app):
    service = factories.service()
    db.session.add(SendAnswer(service=service, question="transitions", answer="A"))
    db.session.flush()
    _refused(SendAnswer(service=service, question="transitions", answer="B"))


def test_negative_cost_is_refused(empty_app):
    service = factories.service()
    _refused(CostOption(service=service, is_free=False, amount=-5))


def test_a_service_is_at_a_location_once(empty_app):
    service = factories.service()
    location = Location(slug="loc", name="Hall", city="Portsmouth", postcode="PO1 2AB")
    db.session.add_all([location, ServiceAtLocation(service=service, location=location)])
    db.session.flush()
    _refused(ServiceAtLocation(service_id=service.id, location_id=location.id))


def test_latitude_out_of_range_is_refused(empty_app):
    _refused(Location(slug="far", name="Far", city="X", postcode="PO1 2AB", latitude=91))


def test_masked_location_shows_town_and_outward_code_only(empty_app):
    location = Location(
        slug="home",
        name="Childminder",
        address_1="7 Secret Lane",
        city="Cosham",
        postcode="PO6 3AB",
        mask_address=True,
    )
    assert location.public_address_lines == ["Cosham", "PO6"]
    location.mask_address = False
    assert location.public_address_lines == ["7 Secret Lane", "Cosham", "PO6 3AB"]


def test_an_edit_from_an_old_version_is_detected(empty_app):
    from sqlalchemy.orm.exc import StaleDataError

    service = factories.service()
    db.session.commit()
    db.session.execute(text(f"UPDATE service SET version = version + 1 WHERE id = {service.id}"))
    service.name = "Changed"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
