"""Hidden control characters (NUL and the rest, see ``localoffer.control_characters``) in what
people send: every form refuses them field by field and keeps what was typed, query-string
arguments holding them are dropped, and nothing holding them is ever stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import JSON, String, Text, select
from werkzeug.datastructures import MultiDict

from localoffer.auth.service import create_invitation
from localoffer.base_form import BaseForm
from localoffer.control_characters import has_control_characters
from localoffer.extensions import db, limiter
from localoffer.models import (
    ChangeKind,
    ChangeRequest,
    GlossaryTerm,
    Location,
    Role,
    WeDid,
    YouSaid,
)
from localoffer.reports.periods import academic_year
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.conftest import built_app
from tests.html_forms import error_summary, form_posting_to, forms_of
from tests.pages import parse

TYPED = "a\x00b"
MESSAGE = "must not contain hidden control characters"


# Each page with forms to type in, as the role that uses it; {names} are the world's ids.
PAGES = [
    ("anonymous", "/feedback"),
    ("anonymous", "/sign-in"),
    ("anonymous", "/password-reset"),
    ("anonymous", "/invitations/{token}"),
    ("officer", "/manage/services/{service}/edit"),
    ("officer", "/manage/services/new"),
    ("officer", "/manage/organisations/{organisation}"),
    ("officer", "/manage/organisations/new"),
    ("officer", "/manage/locations/{location}"),
    ("officer", "/manage/proposals/{proposal}"),
    ("officer", "/manage/users/invite"),
    ("officer", "/manage/guides/{guide}"),
    ("officer", "/manage/guides/new"),
    ("officer", "/manage/glossary/new"),
    ("officer", "/manage/glossary/{glossary}"),
    ("officer", "/manage/you-said/new"),
    ("officer", "/manage/you-said/{you_said}/edit"),
    ("officer", "/manage/you-said/{you_said}/we-did"),
    ("officer", "/manage/reports"),
    ("officer", "/manage/reports/{period}"),
    ("officer", "/manage/reviews/{review}"),
    ("officer", "/manage/exercises/new"),
    ("officer", "/manage/themes"),
    ("admin", "/manage/review-templates/new"),
    ("volunteer", "/reviews/new?service={service}"),
    ("provider", "/provider/services/{own}/change"),
    ("provider", "/provider/services/{own}/closure"),
    ("provider", "/provider/services/new"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo area of its own (a form that wrongly saved would change it), with a record of
    each kind the forms edit, one account of each role, and the ids for ``PAGES``."""
    with built_app(tmp_path_factory.mktemp("hidden"), seeded=True) as app:
        with app.app_context():
            people = {role.value: factories.user(role) for role in Role}
            own = factories.service(org=people["provider"].organization)
            service = factories.service()
            template = factories.review_template()
            text_keys = [q["key"] for q in template.questions if q["type"].endswith("_text")]
            review = factories.review(
                service=service, answers={key: "Some words" for key in text_keys}
            )
            _, token = create_invitation("invitee@example.org", Role.VOLUNTEER, None, None)
            you_said = YouSaid(
                summary="Families said", source_type="survey", said_on=date(2026, 3, 1)
            )
            you_said.we_did = WeDid(action="We did", team="SEND team", status="done")
            proposal = ChangeRequest(
                kind=ChangeKind.EDIT,
                organization_id=own.organization_id,
                service=own,
                proposed={"name": "A proposed name"},
            )
            db.session.add_all([you_said, proposal])
            db.session.flush()
            ids = {
                "token": token,
                "service": service.id,
                "organisation": service.organization_id,
                "location": db.session.scalars(select(Location.id).order_by(Location.id)).first(),
                "proposal": proposal.id,
                "guide": factories.guide().id,
                "glossary": db.session.scalars(select(GlossaryTerm.id)).first(),
                "you_said": you_said.id,
                "period": academic_year(2025).label,
                "review": review.id,
                "own": own.id,
            }
            db.session.commit()
            yield app, people, ids


def _client(app, people, role):
    client = app.test_client()
    if role != "anonymous":
        signed_in(client, people[role])
    return client


def _forms_to_try(html: str, url: str):
    """The page's POST forms with boxes to type in (the site-wide feedback form only on its
    own page, and never its honeypot)."""
    for form in forms_of(html):
        if form.method != "post" or (form.action == "/feedback" and url != "/feedback"):
            continue
        honeypot = "website" if form.action == "/feedback" else None
        typed = [c for c in form.typed() if c.name != honeypot]
        if typed:
            yield form, typed


def _stored_control_characters() -> list[tuple[str, str]]:
    """(table, column) of every stored text value holding a refused character."""
    found = []

    def holds(value) -> bool:
        if isinstance(value, str):
            return has_control_characters(value)
        if isinstance(value, dict):
            return any(holds(k) or holds(v) for k, v in value.items())
        if isinstance(value, list):
            return any(holds(v) for v in value)
        return False

    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            found += [(table.name, c.name) for c, v in zip(columns, row, strict=True) if holds(v)]
    return found


@pytest.mark.parametrize(("role", "page"), PAGES)
def test_every_typed_box_refuses_hidden_characters_and_keeps_what_was_typed(world, role, page):
    app, people, ids = world
    url = page.format(**ids)
    limiter.reset()
    client = _client(app, people, role)
    page = client.get(url)
    assert page.status_code == 200, url
    tried = 0
    for form, typed in _forms_to_try(page.get_data(as_text=True), url):
        names = {c.name for c in typed}
        data = [(k, TYPED if k in names else v) for k, v in form.submission()]
        data = [(k, csrf_token(client) if k == "csrf_token" else v) for k, v in data]
        response = client.post(form.action, data=MultiDict(data))
        html = response.get_data(as_text=True)
        assert response.status_code == 400, (url, form.action, response.status_code)
        summary = error_summary(html)
        again = form_posting_to(html, form.action)
        for name in names:
            first = next(c for c in typed if c.name == name)
            # A date's three boxes share a name; the error links to the field.
            links = {f"#{first.id}", f"#{name}"}
            assert any(h in links and t.endswith(MESSAGE) for h, t in summary), (url, name, summary)
            if first.type != "password":
                # Kept as typed (a postcode box shows it in capitals, as it does any postcode).
                kept = [c.value.lower() for c in again.controls if c.name == name]
                assert TYPED in kept, (url, name, kept)
        tried += 1
    assert tried, f"{url} has no form to type in"
    db.session.expire_all()
    assert _stored_control_characters() == []


def test_the_review_form_refuses_them_when_submitting_too(world):
    app, people, ids = world
    client = _client(app, people, "volunteer")
    url = f"/reviews/new?service={ids['service']}"
    form = form_posting_to(client.get(url).get_data(as_text=True), url)
    data = [(k, TYPED if k.startswith("answer-") else v) for k, v in form.submission()]
    data = [(k, v) for k, v in data if k not in ("action", "csrf_token")]
    data += [("action", "submit"), ("csrf_token", csrf_token(client))]
    response = client.post(url, data=MultiDict(data))
    assert response.status_code == 400
    assert any(text.endswith(MESSAGE) for _, text in error_summary(response.get_data(as_text=True)))
    db.session.expire_all()
    assert _stored_control_characters() == []


def test_the_feedback_form_answers_javascript_with_the_error(world):
    app, _, _ = world
    limiter.reset()
    client = app.test_client()
    response = client.post(
        "/feedback",
        data={"csrf_token": csrf_token(client), "path": "/", "problem": "a\x1bb"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"text": "What went wrong " + MESSAGE, "href": "#problem"}
    ]


def test_every_form_class_checks_for_them(world):
    """Forms get the check by deriving from BaseForm, so a new form cannot miss it."""
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("localoffer.")]
    assert len(ours) > 20
    assert [c for c in ours if not issubclass(c, BaseForm)] == []


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        ("/services?q=a%00b", "/services"),
        ("/services?q=%1b[2J&age=%01", "/services"),
        ("/services?age=7&sort=name%7f", "/services?age=7"),
        ("/services?%00=1", "/services"),
        ("/search?q=a%00b", "/search"),
        ("/you-said-we-did?theme=%00", "/you-said-we-did"),
        ("/reports?x=%c2%85", "/reports"),
    ],
)
def test_query_arguments_holding_them_are_dropped(world, url, same_as):
    app, _, _ = world
    client = app.test_client()
    response, expected = client.get(url), client.get(same_as)
    assert response.status_code == expected.status_code == 200, url
    assert (
        parse(response.get_data(as_text=True)).text == parse(expected.get_data(as_text=True)).text
    )


def test_staff_pages_drop_them_too(world):
    app, people, _ = world
    client = _client(app, people, "officer")
    assert client.get("/manage/services?q=a%00b&state=%00").get_data(as_text=True).count(
        "govuk-table__row"
    ) == client.get("/manage/services").get_data(as_text=True).count("govuk-table__row")
    assert client.get("/manage/feedback?path=/a%00b").status_code == 200


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("text=a%00b", "text"),
        ("search=%1b[31m", "search"),
        ("page=1%00", "page"),
        ("taxonomy_term_id=%7f", "taxonomy_term_id"),
    ],
)
def test_the_api_refuses_them_as_it_refuses_any_bad_argument(world, query, parameter):
    app, _, _ = world
    response = app.test_client().get(f"/api/v1/services?{query}")
    assert response.status_code == 400
    assert {"parameter": parameter, "message": MESSAGE} in response.get_json()["errors"]


def test_the_api_ignores_an_unknown_argument_holding_them(world):
    app, _, _ = world
    client = app.test_client()
    response = client.get("/api/v1/services?x%00=1")
    assert response.status_code == 200
    assert response.get_json() == client.get("/api/v1/services").get_json()


@pytest.mark.parametrize(
    "url",
    [
        "/guides/a%00b",
        "/guides/a%00b.pdf",
        "/young-people/a%00b",
        "/reports/2025-26%00",
        "/reports/a%00b.json",
        "/invitations/a%00b",
        "/password-reset/a%00b",
        "/services/1/a%00b",
        "/api/v1/services/a%00b",
        "/api/v1/taxonomy_terms/%1b",
    ],
)
def test_an_address_holding_them_is_not_found(world, url):
    app, _, _ = world
    response = app.test_client().get(url)
    assert response.status_code == 404, url
