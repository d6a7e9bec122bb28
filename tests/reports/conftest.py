"""A demo area of its own with a known year of activity (September 2019 to August 2020), far
from the dates the seeded data and other tests use, so every figure has an exact expected value.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import (
    AuditEvent,
    ContactClick,
    ContactKind,
    Exercise,
    PageFeedback,
    ReviewStatus,
    Role,
    SearchEvent,
    SearchPhraseDecision,
    ServiceStatus,
    TaxonomyTerm,
    Theme,
    WeDid,
    YouSaid,
)
from tests import factories
from tests.conftest import PROJECT_ROOT, built_app

ACCEPTED = ReviewStatus.ACCEPTED


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def _term(slug: str) -> TaxonomyTerm:
    return db.session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.slug == slug)).first()


def _theme(slug: str) -> Theme:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def _service(published, terms=(), review_due_on=None, archived=None, **values):
    service = factories.service(
        name=f"Report service {uuid.uuid4().hex[:6]}",
        published_at=published,
        review_due_on=review_due_on,
        **values,
    )
    service.taxonomy_terms = [_term(slug) for slug in terms]
    if archived is not None:
        service.status = ServiceStatus.CLOSED
        db.session.add(
            AuditEvent(
                action="service.archived",
                subject_type="service",
                subject_id=service.id,
                created_at=archived,
            )
        )
    return service


def _review(author, template_slug, answers, submitted, status=ACCEPTED, service=None):
    review = factories.review(
        author=author,
        template=factories.review_template(template_slug),
        answers=answers,
        status=status,
        service=service,
    )
    review.submitted_at = submitted
    return review


def _item(said_on, status=None, published=False, themes=(), reason=None):
    item = YouSaid(
        summary=f"Families said {said_on}", source_type="survey", said_on=said_on, themes=[]
    )
    item.themes = [_theme(slug) for slug in themes]
    if status is not None:
        item.we_did = WeDid(
            action=f"We acted {said_on}",
            team="SEND team",
            status=status,
            reason=reason,
            published_at=at(2020, 8, 1) if published else None,
        )
    db.session.add(item)
    return item


def _added(record):
    db.session.add(record)
    return record


def build_year() -> dict:
    """The fixture year; returns the records tests refer to."""
    a = _service(at(2019, 5, 1), ["education", "communication-and-interaction"], date(2020, 12, 1))
    b = _service(at(2019, 10, 1), ["education", "health"], date(2020, 3, 1))
    closed = _service(at(2019, 6, 1), ["health"], date(2020, 12, 1), archived=at(2020, 1, 15))
    _service(at(2020, 9, 15), ["education"])  # published after the period
    draft = _service(None, ["education"])  # a draft
    _service(at(2018, 1, 1), ["education"], archived=at(2019, 1, 1))  # archived before

    def search(query, results, filters, when=None, close_match=None):
        db.session.add(
            SearchEvent(
                query=query,
                result_count=results,
                filters=filters,
                searched_at=when or at(2019, 12, 1),
                close_match=close_match,
            )
        )

    # Words are published only when searched on 5 different days and approved (see
    # reports/search_words.py); each case of that rule is here.
    december = [at(2019, 12, day) for day in (1, 2, 3, 4, 5)]
    for when in december[:3]:  # autism: 5 days, approved: shown
        search("autism", 5, {"q": "autism", "category": ["education"]}, when)
    for when in december[3:]:
        search("autism", 5, {}, when)
    for _ in range(2):  # respite: 5 days as two spellings, approved: shown as one phrase
        search("respite", 0, {"q": "respite", "need": ["sensory-and-physical"], "age": "7"})
    for when in december[1:]:
        search("Respite?", 0, {}, when)
    search(  # approved, but searched on one day only: counted
        "wheelchair swimming", 0, {"q": "wheelchair swimming", "postcode": "PO1 2AB", "within": "5"}
    )
    for when in december[:3]:  # 5 days, nobody has decided: counted; 3 found nothing close
        search("bedwetting", 2, {}, when, close_match=False)
    for when in december[3:]:
        search("bedwetting", 2, {}, when, close_match=True)
    for when in december:  # 5 days, hidden by an officer: counted
        search("speech therapy", 3, {}, when)
    search("my son tom has autism and needs help at school", 4, {})  # once: counted
    search("'; drop table services;--", 0, {})  # once: counted
    search("", 10, {"category": ["education", "health"]})  # no words: a browse
    for phrase, approved in (
        ("autism", True),
        ("respite", True),
        ("wheelchair swimming", True),
        ("speech therapy", False),
    ):
        db.session.add(SearchPhraseDecision(phrase=phrase, approved=approved))
    search("autism", 5, {"q": "autism", "category": ["education"]}, at(2020, 9, 2))

    v1, v2 = factories.user(Role.VOLUNTEER), factories.user(Role.VOLUNTEER)
    y1, y2 = factories.user(Role.YOUNG_INSPECTOR), factories.user(Role.YOUNG_INSPECTOR)
    site = "website-mystery-shop"
    _review(v1, site, {"found_what_needed": "yes", "satisfied": 5}, at(2019, 10, 5))
    _review(v1, site, {"found_what_needed": "partly", "satisfied": "dont_know"}, at(2019, 10, 20))
    _review(v2, site, {"found_what_needed": "no", "satisfied": 4}, at(2019, 11, 3))
    _review(
        v2,
        site,
        {"found_what_needed": "yes", "satisfied": 5},
        at(2019, 11, 4),
        ReviewStatus.SUBMITTED,
    )
    _review(v1, site, {"found_what_needed": "yes", "satisfied": 5}, at(2020, 9, 10))
    _review(v2, "service-mystery-shop", {"listened_to": 2}, at(2019, 12, 1), service=a)
    yi = "young-inspector-report"
    _review(y1, yi, {"listened_to": 5}, at(2020, 2, 1), service=a)
    _review(y2, yi, {"listened_to": 3}, at(2020, 3, 1), service=a)
    _review(y1, yi, {"listened_to": 5}, at(2020, 3, 2), ReviewStatus.REJECTED, service=b)

    template = factories.review_template(site)
    for month in (date(2019, 10, 1), date(2020, 9, 1)):
        db.session.add(
            Exercise(month=month, title="Exercise", case_study="A", task="B", template=template)
        )

    def feedback(path, helpful, problem=None, when=None):
        return _added(
            PageFeedback(
                path=path, helpful=helpful, problem=problem, created_at=when or at(2020, 4, 1)
            )
        )

    feedback("/", True)
    feedback("/", False)
    feedback("/services/12", True)
    feedback("/services/12", True)
    broken_link = feedback("/services", False, "A broken link")
    out_of_date = feedback("/guides/ehcp", None, "Out of date")
    feedback("/elsewhere", True)
    feedback("/", True, when=at(2020, 9, 1))

    def clicks(service, kind, day, times=1):
        for _ in range(times):
            db.session.add(ContactClick(service_id=service.id, kind=kind, clicked_on=day))

    phone, email, website = ContactKind.PHONE, ContactKind.EMAIL, ContactKind.WEBSITE
    clicks(a, phone, date(2019, 9, 1), 3)  # the first day of the period
    clicks(a, email, date(2020, 1, 10))
    clicks(a, website, date(2020, 2, 3), 2)
    clicks(b, website, date(2019, 11, 5))
    clicks(b, phone, date(2020, 8, 31))  # the last day
    clicks(closed, phone, date(2019, 12, 1))  # a closed service's page still shows it
    clicks(draft, email, date(2020, 3, 3), 2)  # a draft now: not counted
    clicks(a, phone, date(2019, 8, 31))  # the day before the period
    clicks(b, website, date(2020, 9, 1))  # the day after

    done = _item(date(2019, 10, 1), "done", True, ["jargon"])
    not_possible = _item(
        date(2020, 1, 1), "not_possible", True, ["jargon", "hard-to-find"], "No money"
    )
    # Resolved: evidence for a response that is done. Not: for one that is not possible.
    done.feedback = [broken_link]
    not_possible.feedback = [out_of_date]
    _item(date(2020, 2, 1), "planned", False, ["jargon"])
    _item(date(2020, 3, 1))
    _item(date(2020, 9, 5), "done", True, ["jargon"])
    db.session.commit()
    return {"service_a": a, "service_b": b, "closed": closed}


@pytest.fixture(scope="module")
def report_year(tmp_path_factory):
    """The app over the fixture year, and the year's service names (random) by role."""
    with built_app(tmp_path_factory.mktemp("report"), seeded=True) as app:
        with app.app_context():
            names = {role: service.name for role, service in build_year().items()}
        yield app, names


@pytest.fixture(scope="module")
def report_app(report_year):
    return report_year[0]


@pytest.fixture
def names(report_year) -> dict[str, str]:
    return report_year[1]


@pytest.fixture
def app(report_app):
    with report_app.app_context():
        yield report_app
        db.session.rollback()


__all__ = ["PROJECT_ROOT", "at"]
