"""Counting clicks on a service's contact details: the links, the two counting addresses, and
what is stored (nothing about the visitor)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, inspect, select

from localoffer.extensions import db
from localoffer.listings.visibility import today
from localoffer.models import Contact, ContactClick, ContactKind, Phone, Role, Service
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.conftest import built_app
from tests.pages import check_page, parse

WEBSITE = "https://www.harbour-play.example.org/sessions?day=saturday"


@pytest.fixture(scope="module")
def clicks_app(tmp_path_factory):
    with built_app(tmp_path_factory.mktemp("clicks"), seeded=False) as app:
        yield app


@pytest.fixture
def app(clicks_app):
    with clicks_app.app_context():
        yield clicks_app
        db.session.rollback()
        db.session.execute(ContactClick.__table__.delete())
        db.session.commit()


def _listing(url: str | None = WEBSITE, phone: bool = True, email: bool = True, **values):
    service = factories.service(url=url, **values)
    contact = Contact(
        service=service, name="Duty desk", email="desk@example.org" if email else None
    )
    if phone:
        contact.phones = [Phone(number="01632 960123")]
    db.session.add(contact)
    db.session.commit()
    return service


def _clicks() -> list[tuple[int, str, date]]:
    rows = db.session.execute(
        select(ContactClick.service_id, ContactClick.kind, ContactClick.clicked_on).order_by(
            ContactClick.id
        )
    )
    return [(service_id, kind.value, day) for service_id, kind, day in rows]


def _beacon(client, service_id, kind: str, token: bool = True):
    g.pop("csrf_token", None)
    data = {"csrf_token": csrf_token(client)} if token else {}
    return client.post(f"/services/{service_id}/contact/{kind}", data=data)


def test_the_service_page_keeps_real_links_and_marks_them_for_counting(app, client):
    service = _listing()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    check_page(parse(html))
    website = re.search(r"<a [^>]*>" + re.escape(WEBSITE.replace("&", "&amp;")) + "</a>", html)
    assert website is not None
    assert f'href="/services/{service.id}/website"' in website.group(0)
    assert 'rel="nofollow noopener noreferrer"' in website.group(0)
    # Phone and email work without JavaScript and can be read and copied.
    assert (
        f'href="tel:01632960123" data-count-url="/services/{service.id}/contact/phone">'
        "01632 960123</a>" in html
    )
    assert (
        f'href="mailto:desk@example.org" data-count-url="/services/{service.id}/contact/email">'
        "desk@example.org</a>" in html
    )
    token = re.search(r'data-module="lo-contact-clicks" data-csrf-token="([^"]+)"', html)
    assert token is not None and token.group(1)
    assert 'src="/static/js/site.js"' in html


def test_the_counting_script_is_a_file_of_its_own_loaded_by_site_js(client):
    texts = {}
    for name in ("contact-clicks.js", "site.js"):
        response = client.get(f"/static/js/{name}")
        assert response.status_code == 200
        texts[name] = response.get_data(as_text=True)
        response.close()
    assert "navigator.sendBeacon" in texts["contact-clicks.js"]
    assert "csrf_token" in texts["contact-clicks.js"]
    assert "from './contact-clicks.js'" in texts["site.js"]
    assert "initContactClicks()" in texts["site.js"]


def test_signed_in_visitors_and_previews_are_not_marked_for_counting(app):
    service = _listing()
    draft = _listing(published_at=None)
    officer = signed_in(app.test_client(), factories.user(Role.OFFICER))
    html = officer.get(f"/services/{service.id}").get_data(as_text=True)
    assert "data-count-url" not in html and "lo-contact-clicks" not in html
    preview = officer.get(f"/manage/services/{draft.id}/preview").get_data(as_text=True)
    assert "data-count-url" not in preview and "lo-contact-clicks" not in preview
    # The preview links straight to the website: nothing goes through the counting address.
    assert f'href="{WEBSITE.replace("&", "&amp;")}"' in preview
    assert f"/services/{draft.id}/website" not in preview


def test_a_website_click_is_counted_and_goes_to_the_stored_website_only(app, client):
    service = _listing()
    response = client.get(
        f"/services/{service.id}/website?next=https://evil.example.com&url=//evil.example.com"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == WEBSITE
    assert response.headers["Cache-Control"] == "no-store"
    assert _clicks() == [(service.id, "website", today())]
    # Link checkers ask with HEAD: answered the same, not counted.
    checked = client.head(f"/services/{service.id}/website")
    assert checked.status_code == 303 and checked.headers["Location"] == WEBSITE
    assert len(_clicks()) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"published_at": None},  # a draft
        {"url": None},  # no website
        {"url": "javascript:alert(1)"},  # not somewhere a browser may be sent
        {"visible_to": date(2000, 1, 1)},  # outside its dates: no public page
    ],
)
def test_the_website_address_is_not_found_unless_the_page_shows_a_website(app, client, values):
    service = _listing(**values)
    assert client.get(f"/services/{service.id}/website").status_code == 404
    assert _clicks() == []


def test_unknown_services_are_not_found(app, client):
    missing = (db.session.scalar(select(func.max(Service.id))) or 0) + 10_000
    assert client.get(f"/services/{missing}/website").status_code == 404
    assert _beacon(client, missing, "phone").status_code == 404
    assert _clicks() == []


def test_a_closed_service_still_counts(app, client):
    # A closed service's page still answers with its details, so its links must work.
    service = _listing(status="closed")
    assert client.get(f"/services/{service.id}/website").status_code == 303
    assert _beacon(client, service.id, "email").status_code == 204
    assert [kind for _, kind, _ in _clicks()] == ["website", "email"]


def test_phone_and_email_beacons_are_counted(app, client):
    service = _listing()
    assert _beacon(client, service.id, "phone").status_code == 204
    assert _beacon(client, service.id, "email").status_code == 204
    assert _beacon(client, service.id, "phone").get_data() == b""
    assert _clicks() == [
        (service.id, "phone", today()),
        (service.id, "email", today()),
        (service.id, "phone", today()),
    ]


@pytest.mark.parametrize("kind", ["website", "fax", "PHONE", "phone.json", "%00"])
def test_a_bad_kind_is_not_found(app, client, kind):
    service = _listing()
    assert _beacon(client, service.id, kind).status_code == 404
    assert _clicks() == []


def test_a_beacon_for_a_detail_the_page_does_not_show_is_not_found(app, client):
    no_phone = _listing(phone=False)
    no_email = _listing(email=False)
    draft = _listing(published_at=None)
    assert _beacon(client, no_phone.id, "phone").status_code == 404
    assert _beacon(client, no_email.id, "email").status_code == 404
    assert _beacon(client, draft.id, "phone").status_code == 404
    assert _clicks() == []


def test_a_beacon_needs_the_csrf_token(app, client):
    service = _listing()
    response = _beacon(client, service.id, "phone", token=False)
    assert response.status_code == 400
    assert _clicks() == []


def test_clicks_by_people_signed_in_are_not_counted(app):
    service = _listing()
    for role in (Role.OFFICER, Role.VOLUNTEER, Role.PROVIDER):
        client = signed_in(app.test_client(), factories.user(role))
        response = client.get(f"/services/{service.id}/website")
        assert response.status_code == 303 and response.headers["Location"] == WEBSITE
        assert _beacon(client, service.id, "phone").status_code == 204
    assert _clicks() == []


def test_counting_is_limited_per_address_and_the_website_link_never_breaks(app):
    service = _listing()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.41"
    app.config["CONTACT_CLICK_LIMIT"] = "2 per hour"
    try:
        beacons = [_beacon(client, service.id, "phone").status_code for _ in range(3)]
        websites = [client.get(f"/services/{service.id}/website") for _ in range(3)]
    finally:
        app.config["CONTACT_CLICK_LIMIT"] = "100 per hour"
    assert beacons == [204, 204, 429]
    assert [r.status_code for r in websites] == [303, 303, 303]
    assert all(r.headers["Location"] == WEBSITE for r in websites)
    assert [kind for _, kind, _ in _clicks()] == ["phone", "phone", "website", "website"]


def test_a_click_stores_no_identifiers(app, client):
    service = _listing()
    client.get(f"/services/{service.id}/website", headers={"User-Agent": "Test browser 1.0"})
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("contact_click")}
    assert set(columns) == {"id", "service_id", "kind", "clicked_on"}
    # The day only: no time of day.
    assert str(columns["clicked_on"]["type"]).upper() == "DATE"
    stored = db.session.scalar(select(ContactClick))
    assert stored.kind is ContactKind.WEBSITE
    assert stored.clicked_on == today()
