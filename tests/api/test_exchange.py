"""``flask export oruk`` and ``flask import oruk``: the round trip, updates, drafts, refusals."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localoffer.api.export import SERVICES_FILE, TERMS_FILE
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import (
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from tests.api.conftest import build_world

# Row ids, timestamps and the version counter belong to each database, not to the listing
# (publication and reminder times are when this directory published it and reminded about it).
LOCAL = {
    "id",
    "created_at",
    "updated_at",
    "published_at",
    "review_reminder_sent_on",
    "version",
    "organization_id",
    "service_id",
    "contact_id",
    "location_id",
    "taxonomy_id",
    "parent_id",
}
HIDDEN_WHEN_MASKED = ("address_1", "postcode", "latitude", "longitude")


def columns(record) -> dict:
    """Every column of a row except the database's own bookkeeping."""
    return {c.key: getattr(record, c.key) for c in record.__table__.columns if c.key not in LOCAL}


def snapshot(listed_only: bool) -> dict[str, dict]:
    """Every field of every service, with its children, keyed by Open Referral id."""
    statement = select(Service).options(
        selectinload(Service.organization),
        selectinload(Service.contacts).selectinload(Contact.phones),
        selectinload(Service.service_at_locations)
        .selectinload(ServiceAtLocation.location)
        .selectinload(Location.accessibilities),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
        selectinload(Service.taxonomy_terms).selectinload(TaxonomyTerm.parent),
    )
    if listed_only:
        statement = statement.where(*publicly_listed())
    out = {}
    for service in db.session.scalars(statement):
        out[service.uuid] = {
            **columns(service),
            "organization": columns(service.organization),
            "eligibilities": [columns(row) for row in service.eligibilities],
            "cost_options": [columns(row) for row in service.cost_options],
            "schedules": [columns(row) for row in service.schedules],
            "contacts": [
                {**columns(row), "phones": [columns(p) for p in row.phones]}
                for row in service.contacts
            ],
            "service_areas": [columns(row) for row in service.service_areas],
            "languages": [columns(row) for row in service.languages],
            "send_answers": sorted((a.question, a.answer) for a in service.send_answers),
            "locations": [
                {
                    **columns(link),
                    **columns(link.location),
                    "accessibilities": [columns(a) for a in link.location.accessibilities],
                }
                for link in service.service_at_locations
            ],
            # A set: the relationship orders by position only, which ties across vocabularies.
            "terms": sorted(
                (
                    {
                        **columns(term),
                        "taxonomy": columns(term.taxonomy),
                        "parent": term.parent.uuid if term.parent else None,
                    }
                    for term in service.taxonomy_terms
                ),
                key=lambda term: term["uuid"],
            ),
        }
    return out


def masked_out(listing: dict) -> dict:
    """The listing with what a masked (home) address never publishes taken out."""
    locations = [
        {k: v for k, v in loc.items() if not (loc["mask_address"] and k in HIDDEN_WHEN_MASKED)}
        for loc in listing["locations"]
    ]
    return {**listing, "locations": locations}


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_an_export_imported_into_an_empty_database_reproduces_every_service(
    seeded_app, empty_app, tmp_path
):
    folder = tmp_path / "export"
    with seeded_app.app_context():
        output = run(seeded_app, "export", "oruk", str(folder))
        before = snapshot(listed_only=True)
    assert f"Wrote {len(before)} services" in output
    assert len(before) > 100

    report = run(empty_app, "import", "oruk", str(folder), "--publish")
    assert f"Created {len(before)}, updated 0, refused 0" in report
    after = snapshot(listed_only=False)

    assert after.keys() == before.keys()
    masked = 0
    for key, listing in before.items():
        assert masked_out(after[key]) == masked_out(listing), listing["name"]
        for old, new in zip(listing["locations"], after[key]["locations"], strict=True):
            if old["mask_address"]:
                masked += 1
                assert new["address_1"] == "" and new["latitude"] is None
                assert new["postcode"] == old["postcode"].split()[0]
    assert masked > 0

    again = run(empty_app, "import", "oruk", str(folder), "--publish")
    assert f"Created 0, updated {len(before)}, refused 0" in again
    assert snapshot(listed_only=False) == after
    assert db.session.scalar(select(func.count(Service.id))) == len(before)


def _export_world(app, tmp_path: Path) -> list[dict]:
    run(app, "export", "oruk", str(tmp_path))
    return json.loads((tmp_path / SERVICES_FILE).read_text(encoding="utf-8"))


def test_importing_into_the_same_directory_updates_and_new_services_arrive_as_drafts(
    empty_app, tmp_path
):
    world = build_world()
    services = _export_world(empty_app, tmp_path)
    swim = next(s for s in services if s["id"] == world.swimming.uuid)
    swim["name"] = "Sensory swimming (new times)"
    newcomer = json.loads(json.dumps(swim))
    newcomer["id"] = str(uuid.uuid4())
    newcomer["name"] = "Sensory swimming at the Quay"
    newcomer.pop("localoffer")
    services.append(newcomer)
    (tmp_path / SERVICES_FILE).write_text(json.dumps(services), encoding="utf-8")

    output = run(empty_app, "import", "oruk", str(tmp_path))
    assert "Created 1, updated 3, refused 0" in output
    assert "drafts" in output
    db.session.expire_all()
    assert world.swimming.name == "Sensory swimming (new times)"
    assert world.autism_group.status == ServiceStatus.TEMPORARILY_CLOSED
    # The file only had the masked copy of the home address: the real one is kept.
    assert world.home.address_1 == "12 Acacia Avenue" and world.home.postcode == "PO4 0QQ"
    draft = db.session.scalar(select(Service).where(Service.uuid == newcomer["id"]))
    assert draft.published_at is None
    assert draft.slug != world.swimming.slug
    assert empty_app.test_client().get(f"/api/v1/services/{draft.uuid}").status_code == 404
    assert db.session.scalar(select(func.count(Service.id))) == 6


def test_an_import_changing_only_ages_moves_the_listings_version(empty_app, tmp_path):
    """Otherwise an edit form opened before the import would save over it without a conflict."""
    world = build_world()
    services = _export_world(empty_app, tmp_path)
    swim = next(s for s in services if s["id"] == world.swimming.uuid)
    version_before = world.swimming.version
    swim["localoffer"]["eligibilities"][0]["maximum_age"] += 1
    swim["maximum_age"] = swim["localoffer"]["eligibilities"][0]["maximum_age"]
    (tmp_path / SERVICES_FILE).write_text(json.dumps(services), encoding="utf-8")

    run(empty_app, "import", "oruk", str(tmp_path))
    db.session.expire_all()
    assert world.swimming.eligibilities[0].maximum_age == swim["maximum_age"]
    assert world.swimming.version > version_before


def test_bad_services_are_refused_with_reasons_and_the_rest_imported(empty_app, tmp_path):
    good = {
        "id": str(uuid.uuid4()),
        "name": "Homework club",
        "status": "active",
        "description": "After school.",
        "url": "https://club.example.org/",
        "minimum_age": 8,
        "maximum_age": 11,
        "organization": {"id": str(uuid.uuid4()), "name": "Club Trust", "description": ""},
        "schedules": [{"freq": "MONTHLY", "description": "First Monday"}],
        "cost_options": [{"amount": 0}],
    }
    bad = {
        "id": "not-a-uuid",
        "name": "",
        "status": "open",
        "minimum_age": 12,
        "maximum_age": 5,
        "organization": {"id": str(uuid.uuid4()), "name": "Org"},
        "schedules": [{"byday": "XX", "opens_at": "9am", "closes_at": "17:00"}],
        "cost_options": [{"option": "Per session"}],
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"contents": [good, bad, "nonsense"]}), encoding="utf-8")
    output = run(empty_app, "import", "oruk", str(path))
    assert "Created 1, updated 0, refused 2" in output
    for reason in (
        "id: must be a UUID",
        "name: is required",
        "status: must be one of",
        "minimum_age: must not be more than maximum_age",
        "schedules[0].byday",
        "a charge needs an amount or a description",
        "service: must be an object",
    ):
        assert reason in output, reason
    assert "only weekly opening times" in output
    club = db.session.scalar(select(Service).where(Service.uuid == good["id"]))
    assert club.published_at is None
    assert club.cost_options[0].is_free
    assert (club.eligibilities[0].minimum_age, club.eligibilities[0].maximum_age) == (8, 11)
    assert club.url == "https://club.example.org/"


def test_a_dry_run_writes_nothing(empty_app, tmp_path):
    world = build_world()
    services = _export_world(empty_app, tmp_path)
    services[0]["name"] = "Renamed"
    (tmp_path / SERVICES_FILE).write_text(json.dumps(services), encoding="utf-8")
    output = run(empty_app, "import", "oruk", str(tmp_path), "--dry-run")
    assert "Dry run, nothing written. Created 0, updated 3" in output
    db.session.expire_all()
    assert "Renamed" not in {world.swimming.name, world.autism_group.name, world.childminder.name}


def test_unreadable_files_import_nothing(empty_app, tmp_path):
    (tmp_path / TERMS_FILE).write_text("[]", encoding="utf-8")
    (tmp_path / SERVICES_FILE).write_text("{not json", encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(args=["import", "oruk", str(tmp_path)])
    assert result.exit_code == 1
    assert "not readable JSON" in result.output
    assert db.session.scalar(select(func.count(Service.id))) == 0


def _club(**values) -> dict:
    club = {
        "id": str(uuid.uuid4()),
        "name": "Homework club",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "Club Trust"},
    }
    club.update(values)
    return club


def test_hidden_control_characters_refuse_a_service_with_the_field_named(empty_app, tmp_path):
    good = _club()
    nul = _club(name="Swim\x00 club")
    escape = _club(
        description="Fine words",
        organization={
            "id": str(uuid.uuid4()),
            "name": "Org\x1b[2J",
            "phones": [{"number": "1\x07"}],
        },
        contacts=[{"name": "Desk", "phones": [{"number": "01632 960000\x7f"}]}],
        localoffer={"send_answers": {"send_contact": "Ring \x85 us"}},
    )
    path = tmp_path / "services.json"
    path.write_text(json.dumps([good, nul, escape]), encoding="utf-8")
    output = run(empty_app, "import", "oruk", str(path))
    assert "Created 1, updated 0, refused 2" in output
    for reason in (
        "refused because name: must not contain hidden control characters",
        "refused because organization.name: must not contain hidden control characters",
        "refused because organization.phones: must not contain hidden control characters",
        "refused because contacts[0].phones[0].number: must not contain hidden control characters",
        "refused because localoffer.send_answers.send_contact: must not contain hidden control "
        "characters",
    ):
        assert reason in output, reason
    # What was refused is named with its characters written out, never sent to the terminal.
    assert "refused: Swim\\x00 club" in output
    assert "\x00" not in output and "\x1b" not in output
    names = db.session.scalars(select(Service.name)).all()
    assert names == ["Homework club"]


def test_a_taxonomy_term_holding_them_stops_the_import(empty_app, tmp_path):
    term = {"id": str(uuid.uuid4()), "name": "Sp\x00ort", "taxonomy": "Activities"}
    (tmp_path / TERMS_FILE).write_text(json.dumps([term]), encoding="utf-8")
    (tmp_path / SERVICES_FILE).write_text(json.dumps([_club()]), encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(args=["import", "oruk", str(tmp_path)])
    assert result.exit_code == 1
    assert "name: must not contain hidden control characters" in result.output
    assert db.session.scalar(select(func.count(Service.id))) == 0


def test_json_nested_too_deeply_is_not_readable_json(empty_app, tmp_path):
    (tmp_path / SERVICES_FILE).write_text("[" * 100_000, encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(args=["import", "oruk", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{SERVICES_FILE}: not readable JSON" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db.session.scalar(select(func.count(Service.id))) == 0
