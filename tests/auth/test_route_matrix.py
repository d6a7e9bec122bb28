"""Every route, as every kind of visitor: the status each one gets.

A new route without an entry here fails the test, so nobody adds a page without deciding who
may see it.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Role, Service, ServiceStatus
from tests import factories
from tests.accounts import csrf_token, signed_in

VISITORS = ("anonymous", *(r.value for r in Role))
PUBLIC = dict.fromkeys(VISITORS, 200)
EVERYONE_REDIRECTED = dict.fromkeys(VISITORS, 302)
NOT_FOUND = dict.fromkeys(VISITORS, 404)
# 302 for anonymous means "sent to sign in" (checked below).
STAFF = {
    "anonymous": 302,
    "volunteer": 403,
    "young_inspector": 403,
    "provider": 403,
    "officer": 200,
    "admin": 200,
}
ADMIN_ACTION = {**STAFF, "officer": 403, "admin": 302}
STAFF_ACTION = {**STAFF, "officer": 302, "admin": 302}

MATRIX = {
    "pages.home": PUBLIC,
    "pages.accessibility": PUBLIC,
    "pages.privacy": PUBLIC,
    "directory.services": PUBLIC,
    "directory.service": PUBLIC,
    "directory.service_with_slug": dict.fromkeys(VISITORS, 301),
    "glossary.index": PUBLIC,
    "ops.healthz": PUBLIC,
    "young_people.index": PUBLIC,
    "young_people.theme": PUBLIC,
    "shortlist.view": PUBLIC,
    "shortlist.print_view": PUBLIC,
    "shortlist.add": EVERYONE_REDIRECTED,
    "shortlist.remove": EVERYONE_REDIRECTED,
    "shortlist.clear": EVERYONE_REDIRECTED,
    "auth.sign_in": {**dict.fromkeys(VISITORS, 302), "anonymous": 200},
    "auth.sign_out": EVERYONE_REDIRECTED,
    "auth.invitation": NOT_FOUND,
    "auth.password_reset_request": PUBLIC,
    "auth.password_reset": NOT_FOUND,
    "manage.dashboard": STAFF,
    "manage.users": STAFF,
    "manage.invite": STAFF,
    "manage.user": STAFF,
    "manage.change_role": ADMIN_ACTION,
    "manage.deactivate": ADMIN_ACTION,
    "manage.reactivate": ADMIN_ACTION,
    "guides.index": PUBLIC,
    "guides.guide": PUBLIC,
    "guides.guide_pdf": PUBLIC,
    "site_search.results": PUBLIC,
    "guide_admin.index": STAFF,
    "guide_admin.new": STAFF,
    "guide_admin.edit": STAFF,
    "guide_admin.preview": STAFF,
    "guide_admin.versions": STAFF,
    "guide_admin.publish": STAFF_ACTION,
    "guide_admin.unpublish": STAFF_ACTION,
    "guide_admin.reviewed": STAFF_ACTION,
    "guide_admin.restore": STAFF_ACTION,
}


@pytest.fixture
def world(app):
    """Real ids for the addresses that need them, and one account of each role."""
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    target = factories.user(Role.VOLUNTEER)
    guide = factories.guide(versions=2, published=True)
    # A second guide for the public pages, which the officers' POSTs (unpublish) do not touch.
    public_guide = factories.guide(published=True)
    people = {role.value: factories.user(role) for role in Role}
    db.session.commit()
    return {
        "arguments": {
            "service_id": service.id,
            "slug": service.slug,
            "theme_slug": "work",
            "token": "not-a-real-token",
            "user_id": target.id,
            "guide_slug": public_guide.slug,
            "guide_id": guide.id,
            "number": 1,
        },
        "form": {"service_id": service.id, "role": Role.VOLUNTEER.value, "organization_id": ""},
        "people": people,
    }


def _endpoints(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()} - {"static"})


def test_every_route_has_an_entry_in_the_matrix(app):
    missing = [endpoint for endpoint in _endpoints(app) if endpoint not in MATRIX]
    assert not missing, f"add these routes to the matrix: {missing}"
    stale = [endpoint for endpoint in MATRIX if endpoint not in _endpoints(app)]
    assert not stale, f"these routes no longer exist: {stale}"


def _url(app, rule, arguments) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments})


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_the_expected_status_on_every_route(app, world, visitor):
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.endpoint == "static":
            continue
        client = app.test_client()
        if visitor != "anonymous":
            signed_in(client, world["people"][visitor])
        url = _url(app, rule, world["arguments"])
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            data = {**world["form"], "csrf_token": csrf_token(client)}
            response = client.post(url, data=data)
        expected = MATRIX[rule.endpoint][visitor]
        if response.status_code != expected:
            failures.append((rule.endpoint, url, expected, response.status_code))
        elif expected == 302 and MATRIX[rule.endpoint] in (STAFF, ADMIN_ACTION, STAFF_ACTION):
            if visitor == "anonymous" and not response.headers["Location"].startswith(
                "/sign-in?next="
            ):
                failures.append((rule.endpoint, url, "to sign in", response.headers["Location"]))
    assert not failures


def test_the_matrix_can_fail(app, world):
    """A page open to everyone would be caught: an officer-only page must refuse a volunteer."""
    client = signed_in(app.test_client(), world["people"]["volunteer"])
    assert client.get("/manage").status_code == MATRIX["manage.dashboard"]["volunteer"] == 403


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, world):
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert posts
    for visitor in ("anonymous", "admin"):
        for rule in posts:
            client = app.test_client()
            if visitor != "anonymous":
                signed_in(client, world["people"][visitor])
            url = _url(app, rule, world["arguments"])
            response = client.post(url, data=world["form"])
            assert response.status_code == 400, (visitor, rule.endpoint, response.status_code)
            assert "Your session has ended" in response.get_data(as_text=True), rule.endpoint
