"""Every route, as every kind of visitor: the status each one gets.

A new route without an entry here fails the test, so nobody adds a page without deciding who
may see it.
"""

from __future__ import annotations

import pytest
from flask import url_for

from localoffer.models import (
    Role,
)
from tests.accounts import csrf_token, signed_in
from tests.world import build_world

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
PROVIDER = {**dict.fromkeys(VISITORS, 403), "anonymous": 302, "provider": 200}
# A staff POST whose form lacks what it needs (the matrix posts ids, not a checked file): 400.
STAFF_BAD_FORM = {**STAFF, "officer": 400, "admin": 400}
REVIEWERS = {**STAFF, "volunteer": 200, "young_inspector": 200}

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
    "manage.services": STAFF,
    "manage.new_service": STAFF,
    "manage.service": STAFF,
    "manage.edit_service": STAFF,
    "manage.service_history": STAFF,
    "manage.preview_service": STAFF,
    "manage.publish": STAFF_ACTION,
    "manage.unpublish": STAFF_ACTION,
    "manage.change_status": STAFF_ACTION,
    "manage.confirm_listing": STAFF_ACTION,
    "manage.organisations_list": STAFF,
    "manage.locations_list": STAFF,
    "manage.new_organisation": STAFF,
    "manage.edit_organisation": STAFF,
    "manage.organisation_history": STAFF,
    "manage.new_location": STAFF,
    "manage.edit_location": STAFF,
    "manage.location_history": STAFF,
    # Cancel runs first (name order), so staff find the invitation gone: not found.
    "manage.resend_invitation": {**STAFF, "officer": 404, "admin": 404},
    "manage.cancel_invitation": STAFF_ACTION,
    "manage.proposals_list": STAFF,
    "manage.proposal": STAFF,
    "manage.approve_proposal": STAFF_ACTION,
    # Approve runs first (routes go in name order), so reject finds it decided and redirects.
    "manage.reject_proposal": STAFF_ACTION,
    "provider.index": PROVIDER,
    "provider.propose_new": PROVIDER,
    # The matrix's provider belongs to another organisation than the listing: not found.
    "provider.propose_change": {**PROVIDER, "provider": 404},
    "provider.propose_closure": {**PROVIDER, "provider": 404},
    "provider.still_correct": {**PROVIDER, "provider": 404},
    "bulk.import_services": STAFF,
    "bulk.confirm_import": STAFF_BAD_FORM,
    "bulk.template": STAFF,
    "bulk.export": STAFF,
    # The world's form has no answer in it: refused with the form shown again.
    "feedback.submit": dict.fromkeys(VISITORS, 400),
    "feedback.form": PUBLIC,
    "feedback.by_page": STAFF,
    "reviews.index": REVIEWERS,
    # Young Inspectors have no questions about the whole site, only about services.
    "reviews.new": {**REVIEWERS, "young_inspector": 404},
    # Someone else's review: nobody else sees it there.
    "reviews.edit": {**REVIEWERS, **dict.fromkeys(("volunteer", "young_inspector"), 404)}
    | {"officer": 404, "admin": 404},
    "moderation.queue": STAFF,
    "moderation.review": STAFF,
    "moderation.exercises": STAFF,
    "moderation.new_exercise": STAFF,
    "moderation.exercise": STAFF,
    "moderation.month_results": STAFF,
    "moderation.service_reviews": STAFF,
    "moderation.toggle_exercise": {**STAFF, "officer": 303, "admin": 303},
    "moderation.themes": STAFF,
    "moderation.review_templates": STAFF,
    "moderation.new_template_version": {**STAFF, "officer": 403},
    # The Open Referral UK API (tests/api); ids here are not real, so single records are 404.
    "api.root": PUBLIC,
    "api.openapi": PUBLIC,
    "api.services": PUBLIC,
    "api.service": NOT_FOUND,
    "api.service_at_locations": PUBLIC,
    "api.service_at_location": NOT_FOUND,
    "api.taxonomies": PUBLIC,
    "api.taxonomy": NOT_FOUND,
    "api.taxonomy_terms": PUBLIC,
    "api.taxonomy_term": NOT_FOUND,
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
    "glossary_admin.index": STAFF,
    "glossary_admin.new": STAFF,
    "glossary_admin.edit": STAFF,
    # Bring back runs first (name order) and finds the entry in use: back to its page.
    "glossary_admin.restore": STAFF_ACTION,
    "glossary_admin.retire": STAFF_ACTION,
    "yousaid.items": STAFF,
    "yousaid.new_item": STAFF,
    "yousaid.item": STAFF,
    "yousaid.edit_item": STAFF,
    "yousaid.we_did": STAFF,
    "yousaid.publish": STAFF_ACTION,
    "yousaid.unpublish": STAFF_ACTION,
    "yousaid.public_list": PUBLIC,
    "yousaid.feed": PUBLIC,
    "reports.manage_index": STAFF,
    "reports.manage_report": STAFF,
    "reports.preview": STAFF,
    "reports.publish": STAFF_ACTION,
    "reports.decide_search_words": {**STAFF_ACTION, "officer": 303, "admin": 303},
    "reports.index": PUBLIC,
    "reports.report": PUBLIC,
    "reports.report_json": PUBLIC,
    "reports.report_csv": PUBLIC,
    "reports.report_pdf": PUBLIC,
    # Counting clicks on contact details: public; signed-in visitors are answered, not counted.
    "contact_clicks.website": dict.fromkeys(VISITORS, 303),
    "contact_clicks.record": dict.fromkeys(VISITORS, 204),
}


@pytest.fixture
def app(fresh_seeded_app):
    """A demo area of its own: the officers' actions below publish, close and confirm listings,
    and none of that may leak into the shared database other tests read."""
    return fresh_seeded_app


@pytest.fixture
def world(app):
    """Real ids for the addresses that need them, and one account of each role."""
    built = build_world()
    return {
        "arguments": built.arguments,
        "form": {
            "service_id": built.service.id,
            "role": Role.VOLUNTEER.value,
            "organization_id": "",
        },
        "people": built.people,
        "managed_service_id": built.managed.id,
    }


def _endpoints(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()} - {"static"})


def test_every_route_has_an_entry_in_the_matrix(app):
    missing = [endpoint for endpoint in _endpoints(app) if endpoint not in MATRIX]
    assert not missing, f"add these routes to the matrix: {missing}"
    stale = [endpoint for endpoint in MATRIX if endpoint not in _endpoints(app)]
    assert not stale, f"these routes no longer exist: {stale}"


def _url(app, rule, world) -> str:
    arguments = world["arguments"]
    if rule.endpoint.startswith("manage."):
        # Officers' actions change the listing (unpublish, archive): they get one of their own,
        # so the public routes that run after them still see a listed service.
        arguments = {**arguments, "service_id": world["managed_service_id"]}
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
        url = _url(app, rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            data = {**world["form"], "csrf_token": csrf_token(client)}
            response = client.post(url, data=data)
        expected = MATRIX[rule.endpoint][visitor]
        if response.status_code != expected:
            failures.append((rule.endpoint, url, expected, response.status_code))
        elif (
            expected == 302
            and visitor == "anonymous"
            and MATRIX[rule.endpoint] is not (EVERYONE_REDIRECTED)
        ):
            if not response.headers["Location"].startswith("/sign-in?next="):
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
            url = _url(app, rule, world)
            response = client.post(url, data=world["form"])
            assert response.status_code == 400, (visitor, rule.endpoint, response.status_code)
            assert "Your session has ended" in response.get_data(as_text=True), rule.endpoint
