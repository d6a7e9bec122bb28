"""Importing services from the CSV template: drafts, updates, row errors, and nothing half-done."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from localoffer.bulk.csv_files import read_csv
from localoffer.bulk.csv_template import example_row
from localoffer.bulk.service import check_rows, load_lookups
from localoffer.extensions import db
from localoffer.models import (
    AuditEvent,
    Location,
    Organization,
    SendQuestion,
    Service,
    ServiceStatus,
)
from tests import factories
from tests.accounts import csrf_token
from tests.bulk.support import confirm, csv_bytes, import_file, upload
from tests.pages import check_page, parse


def _services() -> list[Service]:
    db.session.expire_all()
    return list(db.session.scalars(select(Service).order_by(Service.id)))


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _portage():
    organisation = Organization(slug="edu-portsmouth-portage", name="Portsmouth Portage")
    db.session.add(organisation)
    db.session.flush()
    return organisation


def test_the_template_imports_as_a_draft_with_every_field(officer_client, officer):
    _portage()
    db.session.commit()
    template = officer_client.get("/manage/import/template.csv").data

    checked = upload(officer_client, template)
    assert checked.status_code == 200
    page = parse(checked.get_data(as_text=True))
    check_page(page, "/manage/import")
    assert page.h1 == ["Check the import"]
    assert "1 service will be created as a draft" in page.text
    assert _services() == [], "checking a file must not save anything"

    done = confirm(officer_client, checked)
    assert done.status_code == 302 and done.headers["Location"] == "/manage/import"
    banner = officer_client.get("/manage/import").get_data(as_text=True)
    assert "1 new service saved as a draft" in banner

    [service] = _services()
    assert service.published_at is None, "imported services are drafts"
    assert service.slug == "portage-home-visiting-example"
    assert service.name == "Portage home visiting (example)"
    assert service.alternate_name == "Portage"
    assert service.organization.slug == "edu-portsmouth-portage"
    assert service.description.startswith("Home visits") and "**every two weeks**" in (
        service.description
    )
    assert service.how_to_access == "Ask your health visitor or GP to refer you."
    assert service.url == "https://portage.example.org/home-visiting"
    assert service.email == "portage@portsmouth.example.org"
    assert service.status == ServiceStatus.ACTIVE
    assert service.information_incomplete is False
    assert service.diagnosis_needed is False and service.ehc_plan_needed is False
    assert service.last_reviewed_on is None, "an import is not a check"
    [ages] = service.eligibilities
    assert (ages.minimum_age, ages.maximum_age) == (0, 5)
    assert ages.description == "Children from birth until they start school."
    [cost] = service.cost_options
    assert cost.is_free and cost.amount is None and cost.amount_description == "Free"
    [contact] = service.contacts
    assert contact.name == "Portage team" and contact.email == "portage@portsmouth.example.org"
    assert [p.number for p in contact.phones] == ["01632 960124"]
    assert {t.slug for t in service.terms_in("category")} == {"early-years", "education"}
    assert {t.slug for t in service.terms_in("need")} == {
        "communication-and-interaction",
        "autism",
    }
    assert [t.slug for t in service.terms_in("level")] == ["specialist"]
    assert [t.slug for t in service.terms_in("access")] == ["professional-referral"]
    assert {t.slug for t in service.terms_in("referrer")} == {"self", "gp", "health-professional"}
    assert [(lang.name, lang.code) for lang in service.languages] == [
        ("English", "en"),
        ("British Sign Language", "bfi"),
    ]
    assert [area.name for area in service.service_areas] == ["Portsmouth"]
    [location] = service.locations
    assert (location.name, location.address_1, location.city, location.postcode) == (
        "Cosham Children's Centre",
        "1 Example Road",
        "Portsmouth",
        "PO6 3XX",
    )
    assert location.mask_address is False
    assert service.send_answer(SendQuestion.STAFF_TRAINING).startswith("All Portage workers")
    assert (
        service.send_answer(SendQuestion.SEND_CONTACT)
        == "The Portage team leader, on 01632 960124."
    )

    [event] = _events("service.imported")
    assert event.actor_id == officer.id and event.subject_id == service.id
    assert event.changes["name"] == [None, "Portage home visiting (example)"]
    assert event.changes["postcode"] == [None, "PO6 3XX"]
    # Families cannot see a draft.
    assert officer_client.get(f"/services/{service.id}").status_code == 404


def _row(**cells) -> dict[str, str]:
    base = {"name": "Saturday swimming", "organisation": "Portsmouth Portage"}
    base["description"] = "Swimming for disabled children."
    base.update(cells)
    return base


def test_a_slug_made_from_a_name_never_takes_a_slug_the_file_names(officer_client):
    _portage()
    db.session.commit()
    rows = [_row(name="Swim"), _row(name="Swim lessons", slug="swim")]
    assert import_file(officer_client, csv_bytes(rows)).status_code == 302
    assert {(s.name, s.slug) for s in _services()} == {("Swim", "swim-2"), ("Swim lessons", "swim")}


def test_a_file_with_errors_in_several_rows_imports_nothing(officer_client):
    _portage()
    db.session.commit()
    rows = [
        _row(),  # row 2: correct
        _row(name="", email="not an email"),  # row 3
        {},  # row 4: blank, skipped but still counted
        _row(name="Drama club", organisation="Nobody Ltd", min_age="12", max_age="5"),  # row 5
        _row(name="Art club", needs="autism; flying", cost="paid", postcode="nowhere", town="X"),
    ]
    response = upload(officer_client, csv_bytes(rows))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert page.h1 == ["Nothing has been imported"]
    assert page.title.startswith("Error: ")
    assert "Row 2" not in page.text
    row_3 = html.split('id="row-3"')[1].split("<h2")[0]
    assert "Enter the service&#39;s name" in row_3 and "email must be an email address" in row_3
    row_5 = html.split('id="row-5"')[1].split("<h2")[0]
    assert "There is no organisation called Nobody Ltd" in row_5
    assert "min_age must not be more than max_age" in row_5
    row_6 = html.split('id="row-6"')[1].split("<h2")[0]
    assert "flying is not in the need list" in row_6
    assert "A paid service needs a cost_amount or a cost_description" in row_6
    assert "postcode must be a full UK postcode" in row_6
    # The error summary links to each row with problems.
    for number in (3, 5, 6):
        assert f'href="#row-{number}"' in html
    assert _services() == []
    assert _events("service.imported") == []


def test_a_cell_holding_hidden_control_characters_is_a_row_error_naming_its_column(
    officer_client,
):
    _portage()
    db.session.commit()
    rows = [
        _row(name="Swim\x00 club"),  # row 2
        _row(name="Drama", description="Line one\r\nLine two\twith a tab"),  # row 3: fine
        _row(name="Art", organisation="Portsmouth\x07 Portage", send_contact="Ring \x1b[2J"),
        _row(name="Music", languages="English\x7f", age_description="Ages 5\u0085 to 11"),  # row 5
    ]
    response = upload(officer_client, csv_bytes(rows))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page(parse(html))
    assert 'href="#row-2"' in html and 'href="#row-3"' not in html
    row_2 = html.split('id="row-2"')[1].split("<h2")[0]
    assert "name must not contain hidden control characters" in row_2
    row_4 = html.split('id="row-4"')[1].split("<h2")[0]
    assert "organisation must not contain hidden control characters" in row_4
    assert "send_contact must not contain hidden control characters" in row_4
    assert "There is no organisation called" not in row_4
    row_5 = html.split('id="row-5"')[1].split("<h2")[0]
    assert "languages must not contain hidden control characters" in row_5
    assert "age_description must not contain hidden control characters" in row_5
    assert "\x00" not in html and "\x1b" not in html and "\x07" not in html
    assert _services() == []


def test_a_file_whose_first_row_holds_nul_characters_is_not_csv(officer_client):
    data = csv_bytes([_row()], encoding="utf-16-le")
    response = upload(officer_client, data)
    assert response.status_code == 400
    assert "The selected file must be a CSV file" in response.get_data(as_text=True)


def test_a_row_naming_a_service_by_slug_updates_it_and_keeps_it_published(officer_client, officer):
    organisation = _portage()
    published = datetime(2026, 1, 1, tzinfo=UTC)
    service = factories.service(
        org=organisation,
        slug="saturday-swimming",
        name="Saturday swimming",
        description="Old words.",
        published_at=published,
        last_reviewed_on=date(2026, 2, 1),
    )
    untouched = factories.service(org=organisation, description="Stays as it is.")
    db.session.commit()
    version = service.version
    rows = [
        _row(slug="saturday-swimming", description="New words.", categories="health"),
        {
            "slug": untouched.slug,
            "name": untouched.name,
            "organisation": organisation.slug,
            "description": "Stays as it is.",
        },
    ]
    columns = ("slug", "name", "organisation", "description", "categories")
    checked = upload(officer_client, csv_bytes(rows, columns))
    text = parse(checked.get_data(as_text=True)).text
    assert "0 services will be created" in text
    assert "1 service will be updated" in text
    assert "1 service is already as the file says" in text
    assert "description" in checked.get_data(as_text=True).split('id="updated"')[1]

    assert confirm(officer_client, checked).status_code == 302
    db.session.expire_all()
    assert service.description == "New words."
    assert [t.slug for t in service.taxonomy_terms] == ["health"]
    assert service.published_at == published.replace(tzinfo=service.published_at.tzinfo)
    assert service.last_reviewed_on == date(2026, 2, 1), "an update is not a check"
    assert service.version > version
    assert untouched.description == "Stays as it is."
    [event] = _events("service.import_updated")
    assert event.subject_id == service.id and event.actor_id == officer.id
    assert event.changes == {
        "description": ["Old words.", "New words."],
        "categories": [None, "health"],
    }
    assert len(_services()) == 2


def test_columns_left_out_of_the_file_leave_a_service_as_it_is(officer_client):
    organisation = _portage()
    service = factories.service(org=organisation, email="pool@example.org", how_to_access="Call.")
    db.session.commit()
    columns = ("slug", "name", "organisation", "description", "status")
    row = {
        "slug": service.slug,
        "name": service.name,
        "organisation": organisation.slug,
        "description": service.description,
        "status": "Temporarily closed",
    }
    assert import_file(officer_client, csv_bytes([row], columns)).status_code == 302
    db.session.expire_all()
    assert service.status == ServiceStatus.TEMPORARILY_CLOSED
    assert service.email == "pool@example.org" and service.how_to_access == "Call."


def test_a_row_from_an_old_export_is_refused(officer_client):
    organisation = _portage()
    service = factories.service(org=organisation)
    db.session.commit()
    stale = str(service.version)
    service.description = "Someone else changed this."
    db.session.commit()
    row = _row(slug=service.slug, name=service.name, version=stale, description="Mine.")
    response = upload(officer_client, csv_bytes([row]))
    assert response.status_code == 400
    assert "This service has changed since the file was exported" in response.get_data(as_text=True)
    db.session.expire_all()
    assert service.description == "Someone else changed this."


def test_a_new_row_with_the_name_of_an_existing_service_is_refused(officer_client):
    organisation = _portage()
    service = factories.service(org=organisation, name="Saturday swimming")
    db.session.commit()
    response = upload(officer_client, csv_bytes([_row(), _row(slug="other", name="Art")]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"put its slug ({service.slug}) in the slug column" in html
    assert 'id="row-3"' not in html


def test_rows_in_one_file_may_not_share_a_slug_or_a_new_name(officer_client):
    _portage()
    db.session.commit()
    rows = [_row(slug="swim"), _row(slug="swim", name="Other"), _row(name="Other")]
    html = upload(officer_client, csv_bytes(rows)).get_data(as_text=True)
    assert "The slug swim is also in row 2" in html
    assert "Row 3 also adds a service called Other" in html


def test_several_new_services_share_a_new_location_and_get_unique_slugs(officer_client):
    _portage()
    db.session.commit()
    place = {
        "location_name": "",
        "address": "2 Pier Road",
        "town": "Southsea",
        "postcode": "po5 1aa",
    }
    rows = [
        _row(name="Swim", **place, cost="paid", cost_amount="£3.50", cost_unit="per session"),
        _row(name="Swim!", **place, mask_address="yes"),
    ]
    response = upload(officer_client, csv_bytes(rows))
    assert response.status_code == 400, "one place cannot be both masked and not"
    rows[1]["mask_address"] = "no"
    assert import_file(officer_client, csv_bytes(rows)).status_code == 302
    first, second = _services()
    assert (first.slug, second.slug) == ("swim", "swim-2")
    assert first.locations[0] is second.locations[0]
    assert first.locations[0].postcode == "PO5 1AA" and first.locations[0].name == "2 Pier Road"
    assert db.session.scalar(select(func.count()).select_from(Location)) == 1
    [cost] = first.cost_options
    assert (cost.is_free, cost.amount, cost.option) == (False, Decimal("3.50"), "per session")


def test_the_file_is_checked_again_when_the_import_is_confirmed(officer_client):
    organisation = _portage()
    db.session.commit()
    checked = upload(officer_client, csv_bytes([_row()]))
    assert checked.status_code == 200
    # Meanwhile another officer adds a service of the same name to the same organisation.
    factories.service(org=organisation, name="Saturday swimming")
    db.session.commit()
    response = confirm(officer_client, checked)
    assert response.status_code == 400
    assert "already has a service called Saturday swimming" in response.get_data(as_text=True)
    assert len(_services()) == 1


def test_a_confirmation_without_a_genuine_checked_file_imports_nothing(officer_client):
    _portage()
    db.session.commit()
    forged = URLSafeTimedSerializer("another key", salt="bulk-import").dumps(
        {"csv": csv_bytes([_row()]).decode(), "filename": "x.csv"}
    )
    for payload in (forged, "not-a-signed-payload", ""):
        response = officer_client.post(
            "/manage/import/confirm",
            data={"payload": payload, "csrf_token": csrf_token(officer_client)},
        )
        assert response.status_code == 400
        assert "Upload it again" in response.get_data(as_text=True)
    assert _services() == []


def test_the_example_row_is_valid_against_the_vocabularies(bulk_app):
    _portage()
    checks = check_rows(read_csv(csv_bytes([example_row()])), load_lookups())
    assert [c.errors for c in checks] == [[]]
    db.session.rollback()


def test_the_example_in_the_documentation_does_what_it_says(officer_client):
    text = (Path(__file__).resolve().parents[2] / "docs" / "csv-template.md").read_text()
    example = text.split("```csv\n")[1].split("```")[0]
    organisation = _portage()
    portage = factories.service(
        org=organisation,
        slug="portage-home-visiting",
        name="Portage home visiting",
        url="https://portage.example.org/",
    )
    db.session.commit()
    assert import_file(officer_client, example.encode()).status_code == 302
    db.session.expire_all()
    swimming = db.session.scalar(select(Service).where(Service.name == "Saturday swimming"))
    assert swimming.published_at is None
    assert {t.slug for t in swimming.terms_in("need")} == {"physical-disability", "autism"}
    assert portage.status == ServiceStatus.TEMPORARILY_CLOSED
    assert portage.published_at is not None
    assert portage.url == "https://portage.example.org/", "columns left out stay as they were"
    assert portage.eligibilities[0].description == "From birth until school"


def test_markup_in_a_file_is_shown_as_text_and_cleaned_on_the_service_page(officer_client):
    _portage()
    db.session.commit()
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    rows = [
        _row(
            name=f"Swim {attack}",
            description=f"Words {attack} [link](javascript:alert(3))",
        )
    ]
    checked = upload(officer_client, csv_bytes(rows))
    html = checked.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img" not in html
    assert confirm(officer_client, checked).status_code == 302
    [service] = _services()
    service.published_at = datetime.now(UTC)
    db.session.commit()
    page = officer_client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<img" not in page and "javascript:alert(3)" not in page
