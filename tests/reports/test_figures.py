"""Every figure of the annual report, against the fixture year in conftest.py."""

from __future__ import annotations

from datetime import date

import pytest

from localoffer.extensions import db
from localoffer.models import ContactClick, ContactKind
from localoffer.reports.figures import compute
from localoffer.reports.periods import academic_year, parse_period
from tests import factories

PERIOD = academic_year(2019)


@pytest.fixture
def figures(app):
    return compute(PERIOD, today=date(2026, 1, 1))


def test_the_period(figures):
    assert figures["period"] == {
        "label": "2019-20",
        "title": "2019 to 2020",
        "starts_on": "2019-09-01",
        "ends_on": "2020-08-31",
    }


def test_the_directory(figures):
    assert figures["directory"] == {
        "listed_at_start": 2,
        "listed_at_end": 2,
        "added": 1,
        "archived": 1,
        "by_category": [{"name": "Education", "count": 2}, {"name": "Health", "count": 1}],
        "by_need": [{"name": "Communication and interaction", "count": 1}],
        "review_checked_on": "2020-08-31",
        "with_review_date": 2,
        "reviewed_on_time": 1,
        "reviewed_on_time_percent": 50,
        "past_due": 1,
    }


def test_what_families_looked_for(figures):
    assert figures["searches"] == {
        "total": 25,
        "with_no_results": 8,
        "with_no_close_match": 3,
        "with_words": 24,
        "with_words_no_results": 8,
        # Only the phrases searched on 5 different days and approved by an officer.
        "top": [
            {"query": "respite", "count": 6},
            {"query": "autism", "count": 5},
        ],
        "other_searches": 13,
        "top_with_no_results": [{"query": "respite", "count": 6}],
        "other_searches_with_no_results": 2,
        "words_rule": {"min_days": 5, "officer_approved": True},
        "filters": [
            {"filter": "category", "value": "education", "count": 4},
            {"filter": "age", "value": "7", "count": 2},
            {"filter": "need", "value": "sensory-and-physical", "count": 2},
            {"filter": "category", "value": "health", "count": 1},
            {"filter": "postcode", "value": "any", "count": 1},
            {"filter": "within", "value": "5", "count": 1},
        ],
    }


def test_contact_clicks(figures, names):
    # In the period: service A 3 phone, 1 email, 2 website; B 1 website, 1 phone (on the last
    # day); the closed service 1 phone. Not counted: a draft's 2 emails, a click the day before
    # and one the day after.
    result = figures["contact_clicks"]
    service_ids = [row.pop("service_id") for row in result["top_services"]]
    assert result == {
        "total": 9,
        "by_kind": [
            {"kind": "phone", "label": "Phone", "count": 5},
            {"kind": "email", "label": "Email", "count": 1},
            {"kind": "website", "label": "Website", "count": 3},
        ],
        "top_services": [
            {"name": names["service_a"], "count": 6},
            {"name": names["service_b"], "count": 2},
            {"name": names["closed"], "count": 1},
        ],
    }
    assert len(set(service_ids)) == 3


def test_contact_clicks_name_the_ten_services_clicked_most(app):
    period = academic_year(2002)
    for n in range(12):
        service = factories.service(name=f"Clicked {n:02d}")
        db.session.add_all(
            ContactClick(service_id=service.id, kind=ContactKind.PHONE, clicked_on=date(2003, 1, 1))
            for _ in range(n + 1)
        )
    db.session.flush()
    result = compute(period)["contact_clicks"]
    assert result["total"] == sum(range(1, 13))
    assert [(row["name"], row["count"]) for row in result["top_services"]] == [
        (f"Clicked {n:02d}", n + 1) for n in range(11, 1, -1)
    ]


def test_mystery_shopping(figures):
    assert figures["mystery_shopping"] == {
        "reviews_accepted": 4,
        "people_taking_part": 2,
        "exercises": 1,
        "results": {
            "found_what_needed": {"positive": 1, "answered": 3, "percent": 33},
            "satisfied_with_information": {"positive": 2, "answered": 2, "percent": 100},
            "felt_listened_to": {"positive": 0, "answered": 1, "percent": 0},
        },
        "found_what_needed_by_month": [
            {"month": "2019-10", "positive": 1, "answered": 2, "percent": 50},
            {"month": "2019-11", "positive": 0, "answered": 1, "percent": 0},
        ],
        "questions": [
            {
                "template": "Service mystery shop",
                "question": "Did you feel welcome and listened to?",
                "answered": 1,
                "options": _options(
                    ["Not at all", "A little", "Somewhat", "Mostly", "Completely"], [0, 1, 0, 0, 0]
                ),
            },
            {
                "template": "Website mystery shop",
                "question": "Did you find what you needed?",
                "answered": 3,
                "options": _options(["Yes", "Partly", "No"], [1, 1, 1]),
            },
            {
                "template": "Website mystery shop",
                "question": "Overall, how satisfied are you with the information?",
                "answered": 3,
                "options": _options(
                    ["Very poor", "Poor", "OK", "Good", "Very good", "Don't know"],
                    [0, 0, 0, 1, 1, 1],
                ),
            },
        ],
    }


def _options(labels, counts):
    total = sum(counts)
    return [
        {"label": label, "count": count, "percent": round(100 * count / total)}
        for label, count in zip(labels, counts, strict=True)
    ]


def test_young_inspectors(figures):
    result = figures["young_inspectors"]
    assert result["reviews_accepted"] == 2
    assert result["people_taking_part"] == 2
    assert result["services_inspected"] == 1
    assert len(result["services"]) == 1 and result["services"][0]["reviews"] == 2
    assert result["services"][0]["name"].startswith("Report service ")
    assert result["results"] == {
        "found_what_needed": {"positive": 0, "answered": 0, "percent": None},
        "satisfied_with_information": {"positive": 0, "answered": 0, "percent": None},
        "felt_listened_to": {"positive": 1, "answered": 2, "percent": 50},
    }


def test_page_feedback_by_section(figures):
    assert figures["page_feedback"] == {
        "sections": [
            {
                "section": "Guides",
                "helpful": 0,
                "not_helpful": 0,
                "helpful_percent": None,
                "problems": 1,
            },
            {
                "section": "Home page",
                "helpful": 1,
                "not_helpful": 1,
                "helpful_percent": 50,
                "problems": 0,
            },
            {
                "section": "Other pages",
                "helpful": 1,
                "not_helpful": 0,
                "helpful_percent": 100,
                "problems": 0,
            },
            {
                "section": "Services",
                "helpful": 2,
                "not_helpful": 1,
                "helpful_percent": 67,
                "problems": 1,
            },
        ],
        "answers": 6,
        "problems_reported": 2,
        "problems_resolved": 1,
    }


def test_you_said_we_did_counts_only_published_items(figures):
    result = figures["you_said_we_did"]
    assert result["published"] == 2
    assert result["by_status"] == [
        {"status": "planned", "label": "Planned", "count": 0},
        {"status": "in_progress", "label": "In progress", "count": 0},
        {"status": "done", "label": "Done", "count": 1},
        {"status": "not_possible", "label": "Not possible", "count": 1},
    ]
    assert result["by_theme"] == [
        {"name": "Jargon", "count": 2},
        {"name": "Hard to find", "count": 1},
    ]
    assert [item["said_on"] for item in result["items"]] == ["2020-01-01", "2019-10-01"]
    assert result["items"][0]["reason"] == "No money"
    assert result["items"][0]["status"] == "Not possible"


def test_the_ninety_percent_aspiration(figures):
    assert figures["aspiration"] == {
        "aspiration_percent": 90,
        "felt_listened_to": {
            "positive": 1,
            "answered": 3,
            "percent": 33,
            "meets_aspiration": False,
        },
        "satisfied_with_information": {
            "positive": 2,
            "answered": 2,
            "percent": 100,
            "meets_aspiration": True,
        },
    }


def test_a_period_in_progress_checks_review_dates_today(app):
    figures = compute(academic_year(2019), today=date(2020, 2, 1))
    # On 1 February 2020 neither listing's review date had passed.
    assert figures["directory"]["past_due"] == 0


def test_an_empty_period_has_no_percentages(app):
    figures = compute(parse_period("2001-01-01_2001-12-31"))
    assert figures["directory"]["listed_at_end"] == 0
    assert figures["searches"]["total"] == 0
    assert figures["contact_clicks"]["total"] == 0
    assert figures["contact_clicks"]["top_services"] == []
    assert figures["aspiration"]["felt_listened_to"]["percent"] is None
    assert figures["aspiration"]["felt_listened_to"]["meets_aspiration"] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-26", ("2025-26", date(2025, 9, 1), date(2026, 8, 31))),
        ("2025-04-01_2026-03-31", ("2025-04-01_2026-03-31", date(2025, 4, 1), date(2026, 3, 31))),
        ("2025-09-01_2026-08-31", ("2025-26", date(2025, 9, 1), date(2026, 8, 31))),
        ("2025-27", None),
        ("2026-01-01_2025-01-01", None),
        ("2020-01-01_2026-01-01", None),
        ("2025-02-30_2025-03-01", None),
        ("../etc", None),
    ],
)
def test_periods(text, expected):
    period = parse_period(text)
    assert (period and (period.label, period.starts_on, period.ends_on)) == expected
