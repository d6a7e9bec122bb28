"""You said, we did: officers create items from themes, feedback or by hand; only published
items reach the public list and feed, and evidence never does."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.feedback.service import record_feedback
from localoffer.models import AuditEvent, ReviewStatus, Role, Theme, YouSaid
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse
from tests.reviews.conftest import seeded_service

RAW = "my daughter Amelia Jones waited nine months"


@pytest.fixture
def officer(app):
    return signed_in(app.test_client(), factories.user(Role.OFFICER))


def _theme(slug: str) -> Theme:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def _post(client, url, **data):
    g.pop("csrf_token", None)
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def _review(status, theme_slug="waiting-times"):
    review = factories.review(
        service=seeded_service(3),
        answers={"listened_to": 2, "worked_well": RAW},
        status=status,
    )
    review.themes = [_theme(theme_slug)]
    db.session.commit()
    return review


def _create(officer, summary, query="", **extra):
    data = {
        "source_type": "survey",
        "said_on": "14 3 2026",
        "summary": summary,
        **extra,
    }
    response = _post(officer, "/manage/you-said/new" + query, **data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalars(select(YouSaid).where(YouSaid.summary == summary)).one()


def _respond(officer, item, **data):
    values = {"action": "We added waiting times to each page", "team": "SEND team"}
    values.update(data)
    values.setdefault("status", "done")
    return _post(officer, f"/manage/you-said/{item.id}/we-did", **values)


def _publish(officer, item):
    return _post(officer, f"/manage/you-said/{item.id}/publish")


def test_from_a_theme_only_accepted_reviews_are_offered_as_evidence(app, officer):
    accepted = _review(ReviewStatus.ACCEPTED)
    waiting = _review(ReviewStatus.SUBMITTED)
    rejected = _review(ReviewStatus.REJECTED)
    html = officer.get("/manage/you-said/new?theme=waiting-times").get_data(as_text=True)
    check_page(parse(html))
    assert f'value="{accepted.id}"' in html
    assert f"Review {waiting.id} " not in html and f"Review {rejected.id} " not in html
    theme_id = str(_theme("waiting-times").id)
    summary = f"Waiting times were not shown {uuid.uuid4().hex[:6]}"
    item = _create(
        officer,
        summary,
        "?theme=waiting-times",
        source_type="review",
        themes=theme_id,
        # A review outside the offered list is ignored, never linked.
        reviews=[str(accepted.id), str(waiting.id)],
    )
    assert [r.id for r in item.reviews] == [accepted.id]
    assert [t.slug for t in item.themes] == ["waiting-times"]
    assert item.said_on == date(2026, 3, 14)
    page = officer.get(f"/manage/you-said/{item.id}").get_data(as_text=True)
    assert f"/manage/reviews/{accepted.id}" in page
    events = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "you_said", AuditEvent.subject_id == item.id
        )
    ).all()
    assert events == ["you_said.created"]


def test_from_page_feedback_the_page_and_its_feedback_are_linked(app, officer):
    path = f"/guides/test-{uuid.uuid4().hex[:6]}"
    feedback = record_feedback(path, False, "The phone number is wrong")
    db.session.commit()
    html = officer.get(f"/manage/you-said/new?page={path}").get_data(as_text=True)
    assert "The phone number is wrong" in html
    item = _create(
        officer,
        f"A phone number was wrong {path}",
        f"?page={path}",
        source_type="page_feedback",
        page_path=path,
        feedback=str(feedback.id),
    )
    assert item.page_path == path
    assert [f.id for f in item.feedback] == [feedback.id]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"summary": ""}, "Enter a summary of what families told us"),
        ({"said_on": "31 2 2026"}, "Date must be a real date"),
        ({"source_type": "gossip"}, "Not a valid choice"),
        ({"service_id": "999999"}, "There is no service with that number"),
        ({"service_id": "twelve"}, "Enter the service number, like 12"),
        ({"service_id": "\u00b2"}, "Enter the service number, like 12"),
        ({"service_id": str(2**31)}, "Enter the service number, like 12"),
        ({"service_id": str(2**63)}, "Enter the service number, like 12"),
        ({"page_path": "https://evil.example"}, "Enter the page as an address on this site"),
    ],
)
def test_bad_items_are_refused_with_the_input_kept(app, officer, data, message):
    values = {"source_type": "survey", "said_on": "14 3 2026", "summary": "Kept words"}
    values.update(data)
    response = _post(officer, "/manage/you-said/new", **values)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    if values["summary"]:
        assert "Kept words" in html


def test_not_possible_needs_a_reason(app, officer):
    item = _create(officer, f"Open on Sundays {uuid.uuid4().hex[:6]}")
    response = _respond(officer, item, status="not_possible")
    assert response.status_code == 400
    assert "Enter why it is not possible" in response.get_data(as_text=True)
    response = _respond(officer, item, status="not_possible", reason="No money this year")
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.we_did.reason == "No money this year"


def test_publishing_is_a_separate_step_and_needs_a_response(app, officer, client):
    summary = f"The short breaks page was hard to find {uuid.uuid4().hex[:6]}"
    item = _create(officer, summary)
    _publish(officer, item)
    assert summary not in client.get("/you-said-we-did").get_data(as_text=True)
    _respond(officer, item, target_on="1 9 2026")
    assert summary not in client.get("/you-said-we-did").get_data(as_text=True)
    assert summary not in client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    _publish(officer, item)
    html = client.get("/you-said-we-did").get_data(as_text=True)
    check_page(parse(html))
    assert summary in html and "We added waiting times to each page" in html
    assert summary in client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    _post(officer, f"/manage/you-said/{item.id}/unpublish")
    assert summary not in client.get("/you-said-we-did").get_data(as_text=True)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "you_said", AuditEvent.subject_id == item.id)
        .order_by(AuditEvent.id)
    ).all()
    # The first attempt to publish was refused (no response yet) and left no event.
    assert actions == [
        "you_said.created",
        "we_did.saved",
        "you_said.published",
        "you_said.unpublished",
    ]


def test_evidence_and_unlisted_services_never_appear_publicly(app, officer, client):
    review = _review(ReviewStatus.ACCEPTED)
    draft = factories.service(name=f"Unlisted draft {uuid.uuid4().hex[:6]}", published_at=None)
    db.session.commit()
    summary = f"Staff did not listen {uuid.uuid4().hex[:6]}"
    item = _create(
        officer,
        summary,
        "?theme=waiting-times",
        source_type="review",
        reviews=str(review.id),
        service_id=str(draft.id),
    )
    _respond(officer, item)
    _publish(officer, item)
    for url in ("/you-said-we-did", "/you-said-we-did/feed.atom"):
        text = client.get(url).get_data(as_text=True)
        assert summary in text
        assert RAW not in text
        assert f"/manage/reviews/{review.id}" not in text
        assert draft.name not in text


def test_filters_by_year_theme_and_status(app, officer, client):
    tag = uuid.uuid4().hex[:6]
    old = _create(officer, f"Old item {tag}", said_on="1 6 2024", themes=str(_theme("jargon").id))
    new = _create(officer, f"New item {tag}", said_on="1 6 2026")
    _respond(officer, old, status="done")
    _respond(officer, new, status="planned")
    _publish(officer, old)
    _publish(officer, new)

    def shown(query):
        response = client.get("/you-said-we-did" + query)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return [name for name in ("Old", "New") if f"{name} item {tag}" in html]

    assert shown("") == ["Old", "New"]
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert html.index(f"New item {tag}") < html.index(f"Old item {tag}")  # newest first
    assert shown("?year=2024") == ["Old"]
    assert shown("?year=2026") == ["New"]
    assert shown("?theme=jargon") == ["Old"]
    assert shown("?status=planned") == ["New"]
    assert shown("?status=done&year=2026") == []


@pytest.mark.parametrize(
    "query",
    [
        "?year=20x4",
        "?year=1066",
        "?year=\u00b2\u00b2\u00b2\u00b2",  # four superscript twos: str.isdigit, not int()
        "?year=" + str(2**63),
        "?theme=no-such-theme",
        "?status=maybe",
    ],
)
def test_bad_filters_are_refused_with_an_error_summary(client, query):
    response = client.get("/you-said-we-did" + query)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_the_feed_is_atom_with_new_and_changed_items(app, officer, client):
    from xml.etree import ElementTree

    summary = f"Feed item {uuid.uuid4().hex[:6]}"
    item = _create(officer, summary)
    _respond(officer, item)
    _publish(officer, item)
    response = client.get("/you-said-we-did/feed.atom")
    assert response.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(response.data)
    first = root.find("a:entry", ns)
    assert summary in first.find("a:title", ns).text
    # A change to the response moves the item to the top again.
    other = _create(officer, f"Other {summary}")
    _respond(officer, other)
    _publish(officer, other)
    _respond(officer, item, action="We changed it again")
    root = ElementTree.fromstring(client.get("/you-said-we-did/feed.atom").data)
    first = root.find("a:entry", ns)
    assert summary in first.find("a:title", ns).text
    assert "We changed it again" in first.find("a:summary", ns).text


def test_editing_keeps_the_evidence_and_records_what_changed(app, officer):
    review = _review(ReviewStatus.ACCEPTED)
    item = _create(
        officer,
        f"Before {uuid.uuid4().hex[:6]}",
        "?theme=waiting-times",
        source_type="review",
        reviews=str(review.id),
    )
    html = officer.get(f"/manage/you-said/{item.id}/edit").get_data(as_text=True)
    check_page(parse(html))
    assert f'value="{review.id}" checked' in html
    response = _post(
        officer,
        f"/manage/you-said/{item.id}/edit",
        source_type="review",
        said_on="15 3 2026",
        summary=item.summary,
        reviews=str(review.id),
    )
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.said_on == date(2026, 3, 15)
    assert [r.id for r in item.reviews] == [review.id]
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_id == item.id, AuditEvent.action == "you_said.edited"
        )
    ).one()
    assert event.changes == {"said_on": ["2026-03-14", "2026-03-15"]}
