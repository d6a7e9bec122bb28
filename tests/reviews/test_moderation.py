"""Moderation: redaction, themes, accept or send back, complaints, abusive text never shown."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Review, ReviewStatus, Role, Theme
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse
from tests.reviews.conftest import hidden_fields, seeded_service

SECRET = "my son Oliver Smith has epilepsy"


@pytest.fixture
def officer(app):
    return signed_in(app.test_client(), factories.user(Role.OFFICER))


def _submitted(words: str = SECRET, **values):
    service = values.pop("service", None) or seeded_service(5)
    review = factories.review(
        service=service,
        answers={
            "contact_method": "phone",
            "matched_listing": "yes",
            "listened_to": 4,
            "recommend": "yes",
            "worked_well": f"They were patient with {words}",
        },
        **values,
    )
    db.session.commit()
    return review


def _decide(client, review, **data):
    return client.post(
        f"/manage/reviews/{review.id}", data={"csrf_token": csrf_token(client), **data}
    )


def _themes(*slugs):
    return [str(db.session.scalar(select(Theme.id).where(Theme.slug == s))) for s in slugs]


def test_an_officer_reads_redacts_tags_and_accepts(app, officer):
    review = _submitted()
    html = officer.get(f"/manage/reviews/{review.id}").get_data(as_text=True)
    check_page(parse(html))
    assert SECRET in html  # officers read the original
    assert 'id="redacted-worked_well"' in html
    assert f"/manage/reviews/{review.id}" in officer.get("/manage/reviews").get_data(as_text=True)
    response = _decide(
        officer,
        review,
        decision="accept",
        themes=_themes("praise", "jargon"),
        **{"redacted-worked_well": "They were patient with [child, health details removed]"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert review.status == ReviewStatus.ACCEPTED
    assert review.moderated_by is not None and review.moderated_at is not None
    assert review.answer("worked_well").redacted == (
        "They were patient with [child, health details removed]"
    )
    assert review.answer("worked_well").value.endswith(SECRET)  # the original is kept
    assert sorted(t.slug for t in review.themes) == ["jargon", "praise"]


def test_the_unredacted_text_is_shown_only_to_the_author_and_officers(app, officer):
    review = _submitted()
    _decide(
        officer,
        review,
        decision="accept",
        **{"redacted-worked_well": "They were patient with [removed]"},
    )
    author = signed_in(app.test_client(), review.author)
    assert SECRET in author.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert SECRET in officer.get(f"/manage/reviews/{review.id}").get_data(as_text=True)
    results = officer.get(f"/manage/services/{review.service_id}/reviews")
    assert SECRET not in results.get_data(as_text=True)
    month = officer.get("/manage/results").get_data(as_text=True)
    assert "They were patient with [removed]" in month and SECRET not in month
    visitors = {
        "anonymous": app.test_client(),
        **{
            role: signed_in(app.test_client(), factories.user(role))
            for role in ("volunteer", "young_inspector", "provider")
        },
    }
    urls = [
        "/",
        f"/services/{review.service_id}",
        "/reviews",
        f"/reviews/{review.id}",
        f"/manage/reviews/{review.id}",
        "/manage/results",
        f"/manage/services/{review.service_id}/reviews",
    ]
    for name, client in visitors.items():
        for url in urls:
            assert SECRET not in client.get(url).get_data(as_text=True), (name, url)


def test_sending_back_needs_a_comment_and_the_author_can_change_and_resubmit(app, officer):
    review = _submitted()
    response = _decide(officer, review, decision="send_back")
    assert response.status_code == 400
    page = parse(response.get_data(as_text=True))
    assert "Enter a comment saying what the author should change" in page.text
    assert (
        _decide(officer, review, decision="send_back", comment="Please leave out names").status_code
        == 303
    )
    author = signed_in(app.test_client(), review.author)
    g.pop("csrf_token", None)
    html = author.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Please leave out names" in html and 'name="answer-worked_well"' in html
    token = hidden_fields(html)
    response = author.post(
        f"/reviews/{review.id}",
        data={
            **token,
            "action": "submit",
            "answer-contact_method": "phone",
            "answer-matched_listing": "yes",
            "answer-listened_to": "4",
            "answer-recommend": "yes",
            "answer-worked_well": "They were patient",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.answer("worked_well").value == "They were patient"


def test_a_complaint_is_signposted_and_kept_out_of_results(app, officer):
    review = _submitted("a complaint about my own case")
    assert _decide(officer, review, decision="complaint").status_code == 303
    author = signed_in(app.test_client(), review.author)
    html = author.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Treated as a complaint" in html
    assert app.config["COMPLAINTS_URL"] in html
    history = officer.get(f"/manage/services/{review.service_id}/reviews")
    assert "Treated as a complaint" in history.get_data(as_text=True)
    month = officer.get("/manage/results").get_data(as_text=True)
    assert "a complaint about my own case" not in month


def test_an_abusive_review_is_rejected_and_never_published(app, officer):
    review = _submitted("abusive words")
    assert _decide(officer, review, decision="reject").status_code == 303
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == ReviewStatus.REJECTED
    assert "abusive words" not in officer.get("/manage/results").get_data(as_text=True)


def test_bad_decisions_are_refused_with_the_redactions_kept(app, officer):
    review = _submitted()
    response = _decide(
        officer,
        review,
        decision="publish",
        themes=["999999"],
        **{"redacted-worked_well": "Kept words"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kept words" in html
    response = _decide(officer, review, decision="accept", **{"redacted-worked_well": "x" * 5001})
    assert response.status_code == 400
    assert "The redacted text must be 5,000 characters or fewer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == ReviewStatus.SUBMITTED


def test_drafts_stay_private_and_bad_addresses_are_refused(app, officer):
    draft = factories.review(status="draft", answers={"worked_well": SECRET})
    db.session.commit()
    assert officer.get(f"/manage/reviews/{draft.id}").status_code == 404
    assert officer.get("/manage/reviews?status=draft").status_code == 404
    assert officer.get("/manage/reviews?status=nonsense").status_code == 404
    assert officer.get("/manage/reviews?status=accepted").status_code == 200


def test_the_dashboard_counts_reviews_to_moderate_and_recent_feedback(app, officer):
    _submitted()
    html = officer.get("/manage").get_data(as_text=True)
    block = html.split('id="co-production"')[1].split("</ul>")[0]
    waiting = db.session.scalar(
        select(db.func.count(Review.id)).where(Review.status == ReviewStatus.SUBMITTED)
    )
    assert f"{waiting} review" in block and "/manage/reviews" in block
    assert "/manage/feedback" in block


def test_the_redaction_starts_without_email_addresses_or_phone_numbers(app, officer):
    from localoffer.moderation.redaction import suggested_redaction

    assert suggested_redaction(
        "Ring 01632 960000 or +44 7700 900123, or email jo.bloggs@example.org. Age 7."
    ) == (
        "Ring [phone number removed] or [phone number removed], or email "
        "[email address removed]. Age 7."
    )
    review = _submitted("call me on 07700 900123")
    html = officer.get(f"/manage/reviews/{review.id}").get_data(as_text=True)
    box = html.split('id="redacted-worked_well"')[1].split("</textarea>")[0]
    assert "They were patient with call me on [phone number removed]" in box
    assert "07700 900123" not in box
