"""Officers keep organisations and locations right: create, edit, conflicts, history."""

from __future__ import annotations

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, Location, Organization, Role, Service
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.manage.test_listings import dangerous_markup
from tests.pages import check_page, parse


def _officer(app, name="Olive Officer"):
    return signed_in(app.test_client(), factories.user(Role.OFFICER, name=name))


def test_an_organisation_is_created_and_edited_with_its_history(empty_app):
    client = _officer(empty_app)
    response = client.post(
        "/manage/organisations/new",
        data={"csrf_token": csrf_token(client), "name": "Wombat Trust", "email": "not-an-email"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page(parse(html))
    assert "Enter an email address in the correct format" in html and 'value="Wombat Trust"' in html

    response = client.post(
        "/manage/organisations/new",
        data={"csrf_token": csrf_token(client), "name": "Wombat Trust", "website": ""},
    )
    assert response.status_code == 302
    organisation = db.session.scalar(
        select(Organization).where(Organization.name == "Wombat Trust")
    )
    assert organisation.slug == "wombat-trust" and organisation.website is None

    url = f"/manage/organisations/{organisation.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client),
            "version": str(organisation.version),
            "name": "Wombat Family Trust",
            "phone": "023 9200 1111",
        },
    )
    assert response.status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.edited")
    ).one()
    assert event.changes == {
        "name": ["Wombat Trust", "Wombat Family Trust"],
        "phone": [None, "023 9200 1111"],
    }
    history = client.get(f"{url}/history").get_data(as_text=True)
    assert "Wombat Family Trust" in history and "Olive Officer" in history


def test_an_organisation_form_from_an_old_version_is_not_saved(empty_app):
    client = _officer(empty_app)
    organisation = factories.organization(name="Numbat Services")
    db.session.commit()
    url = f"/manage/organisations/{organisation.id}"
    stale = {"csrf_token": csrf_token(client), "version": str(organisation.version)}
    colleague = _officer(empty_app, "Colin Colleague")
    colleague.post(url, data={**stale, "csrf_token": csrf_token(colleague), "name": "Theirs"})
    response = client.post(url, data={**stale, "csrf_token": csrf_token(client), "name": "Mine"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "was changed by Colin Colleague" in html and 'value="Mine"' in html
    db.session.expire_all()
    assert db.session.get(Organization, organisation.id).name == "Theirs"


def test_a_location_checks_the_postcode_and_keeps_accessibility_lines(empty_app):
    client = _officer(empty_app)
    data = {
        "csrf_token": csrf_token(client),
        "name": "Childminder in Fratton",
        "address_1": "12 Secret Street",
        "city": "Portsmouth",
        "postcode": "not a postcode",
        "mask_address": "y",
        "accessibility": "Step-free entrance\n\nQuiet room  \n",
    }
    response = client.post("/manage/locations/new", data=data)
    assert response.status_code == 400
    assert "Enter a full UK postcode" in response.get_data(as_text=True)
    response = client.post("/manage/locations/new", data={**data, "postcode": "po4 8ld"})
    assert response.status_code == 302
    location = db.session.scalar(select(Location).where(Location.name.like("Childminder%")))
    assert location.postcode == "PO4 8LD" and location.mask_address
    assert [a.description for a in location.accessibilities] == ["Step-free entrance", "Quiet room"]
    assert location.public_address_lines == ["Portsmouth", "PO4"]


def test_a_location_form_from_before_an_accessibility_change_is_not_saved(empty_app):
    """Accessibility lines are rows of their own: changing only them must still move the version."""
    client = _officer(empty_app)
    data = {
        "name": "Wombat Hall",
        "address_1": "1 High Street",
        "city": "Portsmouth",
        "postcode": "PO4 8LD",
        "accessibility": "Step-free entrance",
    }
    assert (
        client.post("/manage/locations/new", data={**data, "csrf_token": csrf_token(client)})
    ).status_code == 302
    location = db.session.scalar(select(Location).where(Location.name == "Wombat Hall"))
    url = f"/manage/locations/{location.id}"
    stale = {**data, "version": str(location.version)}
    colleague = _officer(empty_app, "Colin Colleague")
    saved = colleague.post(
        url,
        data={**stale, "csrf_token": csrf_token(colleague), "accessibility": "Hearing loop"},
    )
    assert saved.status_code == 302
    response = client.post(
        url, data={**stale, "csrf_token": csrf_token(client), "city": "Southsea"}
    )
    assert response.status_code == 409
    db.session.expire_all()
    kept = db.session.get(Location, location.id)
    assert [a.description for a in kept.accessibilities] == ["Hearing loop"]
    assert kept.city == "Portsmouth"


def test_organisation_and_location_text_is_escaped_on_every_page(fresh_seeded_app):
    client = _officer(fresh_seeded_app)
    service = db.session.scalars(select(Service).order_by(Service.id)).first()
    organisation = service.organization
    client.post(
        f"/manage/organisations/{organisation.id}",
        data={
            "csrf_token": csrf_token(client),
            "version": str(organisation.version),
            "name": '<img src=x onerror="alert(1)">Trust',
            "description": "[x](javascript:alert(1))",
        },
    )
    location = next(
        sal.location for sal in service.service_at_locations if not sal.location.mask_address
    )
    response = client.post(
        f"/manage/locations/{location.id}",
        data={
            "csrf_token": csrf_token(client),
            "version": str(location.version),
            "name": '<script>alert("place")</script>Hall',
            "address_1": '"><svg onload=alert(5)>',
            "city": "<iframe src=//x></iframe>Portsmouth",
            "postcode": location.postcode,
            "description": '<a href="javascript:alert(6)">map</a>',
            "accessibility": '<img src=x onerror="alert(7)">\nStep-free',
        },
    )
    assert response.status_code == 302
    for response in (
        fresh_seeded_app.test_client().get(f"/services/{service.id}"),
        fresh_seeded_app.test_client().get("/services?q=Hall"),
        client.get("/manage/locations"),
        client.get(f"/manage/locations/{location.id}"),
        client.get(f"/manage/locations/{location.id}/history"),
        client.get("/manage/organisations"),
        client.get(f"/manage/organisations/{organisation.id}/history"),
        client.get(f"/manage/services/{service.id}"),
    ):
        assert response.status_code == 200
        assert not dangerous_markup(response.get_data(as_text=True))
