"""The demo area loads completely, honours its own rules, and loading it twice changes nothing."""

import re
import shutil
from datetime import date

import pytest
import yaml
from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import (
    Location,
    Organization,
    SendQuestion,
    Service,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from localoffer.seeding.loader import SeedError, seed_all
from tests.conftest import PROJECT_ROOT

PHONE = re.compile(r"^01632 960\d{3}$")
POSTCODE = re.compile(r"^(PO|SO)\d{1,2} \d[A-Z]{2}$")


def _all_services():
    return db.session.scalars(select(Service)).all()


def test_demo_area_is_big_enough(app):
    assert db.session.scalar(select(func.count(Service.id))) >= 120
    assert db.session.scalar(select(func.count(Organization.id))) >= 40


def test_vocabularies_are_loaded_with_the_four_areas_of_need(app):
    need = db.session.scalar(select(Taxonomy).where(Taxonomy.slug == "need"))
    broad = {t.slug for t in need.terms if t.parent_id is None}
    assert broad == {
        "communication-and-interaction",
        "cognition-and-learning",
        "social-emotional-and-mental-health",
        "sensory-and-physical",
    }
    autism = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.slug == "autism"))
    assert autism.parent.slug == "communication-and-interaction"
    names = set(db.session.scalars(select(TaxonomyTerm.name)))
    assert {"Information, advice and support", "Speech, language and communication"} <= names
    slugs = set(db.session.scalars(select(Taxonomy.slug)))
    assert {"category", "need", "level", "access", "referrer", "circumstance"} <= slugs


def test_every_service_tells_a_family_what_they_need(app):
    for service in _all_services():
        where = service.slug
        assert service.description.strip(), where
        assert service.how_to_access.strip(), where
        assert service.eligibilities, where
        assert service.cost_options, where
        assert service.schedules, where
        assert service.service_at_locations, where
        assert service.contacts and service.contacts[0].phones, where
        assert service.terms_in("category") and service.terms_in("need"), where
        assert service.terms_in("access"), where
        assert {a.question for a in service.send_answers} == {q.value for q in SendQuestion}, where
        assert service.review_due_on is not None, where


def test_contact_details_are_never_real(app):
    for service in _all_services():
        for contact in service.contacts:
            for phone in contact.phones:
                assert PHONE.match(phone.number), phone.number
            if contact.email:
                assert contact.email.endswith("example.org"), contact.email
        if service.url:
            assert ".example.org" in service.url, service.url


def test_locations_are_in_portsmouth_and_hampshire(app):
    for location in db.session.scalars(select(Location)):
        assert POSTCODE.match(location.postcode), location.postcode
        assert 50.6 < location.latitude < 51.3, location.slug
        assert -1.7 < location.longitude < -0.7, location.slug


def test_some_listings_are_past_their_review_date(app):
    services = _all_services()
    overdue = [s for s in services if s.review_due_on < date(2026, 11, 23)]
    assert 0 < len(overdue) < len(services)
    assert any(s.last_reviewed_on is None for s in services)


def test_variety_of_status_and_masked_addresses(app):
    services = _all_services()
    statuses = {s.status for s in services}
    assert ServiceStatus.TEMPORARILY_CLOSED in statuses and ServiceStatus.CLOSED in statuses
    assert any(s.information_incomplete for s in services)
    assert db.session.scalar(select(func.count()).where(Location.mask_address.is_(True))) > 0
    assert any(s.sen_information_report_url for s in services)


def _snapshot():
    """Every row of every table, so a second load can be compared exactly."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def test_seeding_twice_changes_nothing(fresh_seeded_app):
    before = _snapshot()
    report = seed_all(PROJECT_ROOT / "seed")
    assert not report.changed, (report.created, report.updated)
    assert _snapshot() == before


def test_seeding_applies_edits_to_the_files(fresh_seeded_app, tmp_path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(PROJECT_ROOT / "seed", seed_dir)
    path = sorted((seed_dir / "area").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    target = data["organisations"][0]["services"][0]
    target["name"] = "Renamed in the file"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    report = seed_all(seed_dir)
    assert report.updated == {"services": 1}
    service = db.session.scalar(select(Service).where(Service.slug == target["slug"]))
    assert service.name == "Renamed in the file"


def test_bad_reference_is_refused_and_nothing_is_written(empty_app, tmp_path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(PROJECT_ROOT / "seed", seed_dir)
    path = sorted((seed_dir / "area").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    data["organisations"][0]["services"][0]["needs"] = ["not-a-need"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SeedError, match="not-a-need"):
        seed_all(seed_dir)
    assert db.session.scalar(select(func.count(Service.id))) == 0
    assert db.session.scalar(select(func.count(Taxonomy.id))) == 0


def test_seed_command_reports_and_is_idempotent(empty_app):
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "Created:" in first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "nothing changed" in second.output


def test_an_unquoted_comma_in_a_vocabulary_name_is_refused(empty_app, tmp_path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(PROJECT_ROOT / "seed", seed_dir)
    path = seed_dir / "vocabularies.yaml"
    path.write_text(
        path.read_text().replace('"Information, advice and support"', "Information, advice")
    )
    with pytest.raises(SeedError, match="quote names"):
        seed_all(seed_dir)
