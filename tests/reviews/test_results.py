"""Results of accepted reviews, with exact numbers on fixture data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Exercise, ReviewStatus, ReviewTemplate, Role, Theme
from localoffer.moderation.results import percent, summarise
from localoffer.moderation.service import exercise_reviews, month_reviews, service_history
from localoffer.reviews.seed import load_review_templates, load_themes
from localoffer.seeding.loader import SeedReport
from tests import factories
from tests.accounts import signed_in
from tests.conftest import PROJECT_ROOT
from tests.pages import check_page, parse

MONTH = date(2031, 1, 1)


@pytest.fixture
def loaded(empty_app):
    load_themes(PROJECT_ROOT / "seed" / "themes.yaml", SeedReport())
    load_review_templates(PROJECT_ROOT / "seed" / "review_templates", SeedReport())
    db.session.flush()
    return empty_app


def _theme(slug: str) -> Theme:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def _fixture_reviews():
    """Three accepted service mystery shops, one waiting and one rejected, in one exercise."""
    template = factories.review_template("service-mystery-shop")
    service = factories.service()
    exercise = Exercise(month=MONTH, title="January", case_study="A", task="B", template=template)
    db.session.add(exercise)
    accepted = ReviewStatus.ACCEPTED
    rows = [
        (
            accepted,
            {
                "contact_method": "phone",
                "response_days": 2,
                "matched_listing": "yes",
                "listened_to": 5,
                "recommend": "yes",
                "worked_well": "Kind staff, Amy",
            },
            ["praise"],
        ),
        (
            accepted,
            {
                "contact_method": "email",
                "response_days": 5,
                "matched_listing": "partly",
                "listened_to": 3,
                "recommend": "partly",
            },
            ["hard-to-find", "praise"],
        ),
        (
            accepted,
            {
                "contact_method": "phone",
                "response_days": 10,
                "matched_listing": "no",
                "listened_to": 2,
                "recommend": "no",
            },
            ["hard-to-find"],
        ),
        (ReviewStatus.SUBMITTED, {"contact_method": "visit", "listened_to": 1}, []),
        (ReviewStatus.REJECTED, {"contact_method": "visit", "listened_to": 1}, ["praise"]),
    ]
    reviews = []
    for status, answers, themes in rows:
        review = factories.review(
            template=template, answers=answers, status=status, exercise=exercise, service=service
        )
        review.themes = [_theme(slug) for slug in themes]
        reviews.append(review)
    reviews[0].answer("worked_well").redacted = "Kind staff, [name removed]"
    db.session.flush()
    return exercise, service, reviews


def _question(results, key):
    [template] = results.templates
    return next(q for q in template.questions if q.question.key == key)


def test_percentages_are_whole_numbers_with_halves_rounded_up():
    assert [percent(1, 3), percent(2, 3), percent(1, 8), percent(3, 8), percent(0, 0)] == [
        33,
        67,
        13,
        38,
        0,
    ]


def test_an_exercise_gives_distributions_means_and_themes_of_accepted_reviews_only(loaded):
    exercise, _, _ = _fixture_reviews()
    results = summarise(exercise_reviews(exercise))
    assert results.reviews == 3
    contact = _question(results, "contact_method")
    assert contact.answered == 3
    assert [(o.value, o.count, o.percent) for o in contact.options] == [
        ("phone", 2, 67),
        ("email", 1, 33),
        ("website", 0, 0),
        ("visit", 0, 0),
    ]
    listened = _question(results, "listened_to")
    assert [(o.value, o.count) for o in listened.options] == [
        ("1", 0),
        ("2", 1),
        ("3", 1),
        ("4", 0),
        ("5", 1),
    ]
    assert listened.mean == 3.3
    days = _question(results, "response_days")
    assert (days.mean, days.lowest, days.highest) == (5.7, 2, 10)
    recommend = _question(results, "recommend")
    assert [(o.label, o.count, o.percent) for o in recommend.options] == [
        ("Yes", 1, 33),
        ("Partly", 1, 33),
        ("No", 1, 33),
    ]
    assert _question(results, "worked_well").texts == ["Kind staff, [name removed]"]
    assert [(t.name, t.count, t.percent) for t in results.themes] == [
        ("Hard to find", 2, 67),
        ("Praise", 2, 67),
    ]


def test_dont_know_is_counted_but_left_out_of_the_mean(loaded):
    template = factories.review_template("website-mystery-shop")
    reviews = [
        factories.review(template=template, answers={"satisfied": value}, status="accepted")
        for value in (4, 5, "dont_know", 2)
    ]
    satisfied = _question(summarise(reviews), "satisfied")
    assert satisfied.answered == 4
    assert [(o.value, o.count, o.percent) for o in satisfied.options][-1] == ("dont_know", 1, 25)
    assert satisfied.mean == 3.7


def test_answers_to_two_versions_are_counted_together_by_their_stable_key(loaded):
    first = factories.review_template("service-mystery-shop", version=1)
    questions = [dict(q) for q in first.questions]
    for question in questions:
        if question["key"] == "listened_to":
            question["label"] = "Did they make you feel welcome and listen to you?"
    second = ReviewTemplate(
        slug=first.slug,
        version=2,
        title=first.title,
        audience=first.audience,
        target=first.target,
        introduction="",
        questions=questions,
    )
    db.session.add(second)
    reviews = [
        factories.review(template=first, answers={"listened_to": 4}, status="accepted"),
        factories.review(template=second, answers={"listened_to": 2}, status="accepted"),
    ]
    listened = _question(summarise(reviews), "listened_to")
    assert listened.question.label == "Did they make you feel welcome and listen to you?"
    assert listened.question.report_key == "felt_listened_to"
    assert (listened.answered, listened.mean) == (2, 3.0)


def test_a_month_counts_its_exercises_and_reviews_sent_that_month(loaded):
    exercise, service, reviews = _fixture_reviews()
    assert {r.id for r in month_reviews(MONTH)} == {r.id for r in reviews}
    assert month_reviews(date(2031, 2, 1)) == []
    assert [r.id for r in service_history(service.id)] == sorted(
        (r.id for r in reviews), reverse=True
    )


def test_the_results_pages_show_the_numbers_and_only_redacted_text(loaded):
    exercise, service, _ = _fixture_reviews()
    client = signed_in(loaded.test_client(), factories.user(Role.OFFICER))
    response = client.get(f"/manage/exercises/{exercise.id}")
    html = response.get_data(as_text=True)
    check_page(parse(html))
    table = html.split('id="result-service-mystery-shop-contact_method"')[1].split("</table>")[0]
    assert "2 of 3" in table and "67%" in table
    assert "Average: 3.3 out of 5." in html
    assert "Kind staff, [name removed]" in html and "Amy" not in html
    month = client.get("/manage/results?month=2031-01").get_data(as_text=True)
    assert "Results for January 2031" in month and "2 of 3" in month
    assert client.get("/manage/results?month=never").status_code == 404
    history = client.get(f"/manage/services/{service.id}/reviews").get_data(as_text=True)
    assert history.count("/manage/reviews/") == 5
