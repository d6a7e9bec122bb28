"""Officers create monthly exercises, close them, manage themes; the pages pass the checks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Exercise, Role, Theme
from localoffer.moderation.forms import parse_month
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse
from tests.reviews.conftest import seeded_service


@pytest.fixture
def officer(app):
    return signed_in(app.test_client(), factories.user(Role.OFFICER))


def _form(client, **changes):
    template = factories.review_template("website-mystery-shop")
    person = factories.user(Role.VOLUNTEER, name="Vera Volunteer")
    db.session.commit()
    data = {
        "csrf_token": csrf_token(client),
        "month": "November 2026",
        "title": "Finding help after 16",
        "case_study": "You are the parent of a 16 year old with autism.",
        "task": "Find what college support there is.",
        "template_id": str(template.id),
        "targets": "",
        "assignees": [str(person.id)],
    }
    data.update(changes)
    return data, person


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", date(2026, 11, 1)),
        ("November 2026", date(2026, 11, 1)),
        ("nov  2026", date(2026, 11, 1)),
        ("11/2026", date(2026, 11, 1)),
        ("2026-13", None),
        ("next month", None),
        ("", None),
    ],
)
def test_months_are_read_in_the_ways_people_write_them(text, month):
    assert parse_month(text) == month


def test_an_officer_creates_an_exercise_with_targets_and_volunteers(app, officer):
    service = seeded_service(3)
    db.session.commit()
    data, person = _form(officer, targets=f"/services/{service.id}\n/young-people\n")
    response = officer.post("/manage/exercises/new", data=data)
    assert response.status_code == 303
    exercise = db.session.scalars(select(Exercise).order_by(Exercise.id.desc())).first()
    assert (exercise.month, exercise.title) == (date(2026, 11, 1), "Finding help after 16")
    assert [s.id for s in exercise.services] == [service.id]
    assert exercise.target_pages == ["/young-people"]
    assert [p.id for p in exercise.assignees] == [person.id]
    volunteer = signed_in(app.test_client(), person)
    assert "Finding help after 16" in volunteer.get("/reviews").get_data(as_text=True)
    # Closing it takes it off the volunteer's list; opening it again brings it back.
    token = csrf_token(officer)
    assert (
        officer.post(
            f"/manage/exercises/{exercise.id}/toggle", data={"csrf_token": token}
        ).status_code
        == 303
    )
    assert "Finding help after 16" not in volunteer.get("/reviews").get_data(as_text=True)
    assert volunteer.get(f"/reviews/new?exercise={exercise.id}").status_code == 404
    officer.post(f"/manage/exercises/{exercise.id}/toggle", data={"csrf_token": token})
    assert volunteer.get(f"/reviews/new?exercise={exercise.id}").status_code == 200


def test_a_bad_exercise_is_refused_with_everything_kept(officer):
    data, _ = _form(
        officer,
        month="Smarch 2026",
        title="",
        targets="https://elsewhere.example.com/\n",
        assignees=[],
        template_id="999999",
    )
    response = officer.post("/manage/exercises/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page)
    for message in (
        "Enter the month as a month and year, like November 2026",
        "Enter a title",
        "Enter each page as an address on this site",
        "Select at least one person",
        "Not a valid choice",
    ):
        assert message in page.text, message
    assert "Smarch 2026" in html and "You are the parent of a 16 year old with autism." in html
    data, _ = _form(officer, targets="/services/99999999")
    response = officer.post("/manage/exercises/new", data=data)
    assert response.status_code == 400
    assert "There is no service 99999999" in response.get_data(as_text=True)


def test_officers_add_themes_once(officer):
    data = {"csrf_token": csrf_token(officer), "name": "  Cost of   transport "}
    assert officer.post("/manage/themes", data=data).status_code == 303
    theme = db.session.scalar(select(Theme).where(Theme.slug == "cost-of-transport"))
    assert theme.name == "Cost of transport"
    again = officer.post("/manage/themes", data=data)
    assert again.status_code == 400
    assert "There is already a theme with this name" in again.get_data(as_text=True)
    assert officer.post("/manage/themes", data={**data, "name": "!!!"}).status_code == 400
    db.session.delete(theme)
    db.session.commit()


def test_the_officers_pages_pass_the_page_checks(app, officer):
    review = factories.review(answers={"listened_to": 4})
    exercise = Exercise(
        month=date(2026, 11, 1), title="Checks", case_study="A", task="B", template=review.template
    )
    db.session.add(exercise)
    db.session.commit()
    for url, h1 in (
        ("/manage/reviews", "Reviews: waiting for an officer"),
        ("/manage/reviews?status=accepted", "Reviews: accepted"),
        (f"/manage/reviews/{review.id}", f"{review.template.title} {review.id}"),
        ("/manage/exercises", "Monthly exercises"),
        ("/manage/exercises/new", "Create an exercise"),
        (f"/manage/exercises/{exercise.id}", "Checks"),
        ("/manage/results?month=2026-11", "Results for November 2026"),
        (f"/manage/services/{review.service_id or 1}/reviews", None),
        ("/manage/themes", "Themes"),
        ("/manage/feedback", "Page feedback"),
        ("/manage", "Dashboard"),
    ):
        response = officer.get(url)
        assert response.status_code == 200, url
        page = parse(response.get_data(as_text=True))
        check_page(page, url)
        if h1:
            assert page.h1 == [h1], url
    assert officer.get("/manage/exercises/99999999").status_code == 404
    assert officer.get("/manage/services/99999999/reviews").status_code == 404


def test_the_reviewers_pages_pass_the_page_checks(app):
    volunteer = signed_in(app.test_client(), factories.user(Role.VOLUNTEER))
    for url in (
        "/reviews",
        "/reviews/new?template=website-mystery-shop",
        "/reviews/new?template=peer-review",
    ):
        response = volunteer.get(url)
        assert response.status_code == 200, url
        check_page(parse(response.get_data(as_text=True)), url)
    assert volunteer.get("/reviews/new?template=young-inspector-report").status_code == 404
    assert volunteer.get("/reviews/new?exercise=x1").status_code == 404


def test_a_review_about_an_exercise_or_service_that_cannot_exist_is_not_found(app):
    volunteer = signed_in(app.test_client(), factories.user(Role.VOLUNTEER))
    for value in (2**31, 2**63, 2**64, "0", "\u00b2", "\u0661", "9" * 5000):
        for name in ("exercise", "service"):
            response = volunteer.get(f"/reviews/new?{name}={value}")
            assert response.status_code == 404, (name, value)
