import re

import pytest
from flask import g

from localoffer.extensions import db
from localoffer.models import Review, ReviewStatus
from tests import factories
from tests.accounts import signed_in

HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict:
    """The hidden inputs of the review form (csrf, draft key and token, template version)."""
    return dict(HIDDEN.findall(html))


class Reviewer:
    """A signed-in volunteer or Young Inspector filling in review forms."""

    def __init__(self, app, role="volunteer"):
        self.user = factories.user(role)
        self.client = signed_in(app.test_client(), self.user)

    def open(self, url: str):
        # Flask-WTF caches the CSRF token in g, which the test's app context shares.
        g.pop("csrf_token", None)
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True), hidden_fields(response.get_data(as_text=True))

    def send(self, url: str, fields: dict, answers: dict, action: str = "save"):
        data = {**fields, "action": action}
        for key, value in answers.items():
            data[f"answer-{key}"] = value
        return self.client.post(url, data=data)

    def reviews(self) -> list[Review]:
        db.session.expire_all()
        return list(db.session.scalars(db.select(Review).where(Review.author_id == self.user.id)))


def seeded_service(position: int = 0):
    """A listed service of the demo area: tests on the shared database add no services."""
    from localoffer.models import Service, ServiceStatus

    query = (
        db.select(Service)
        .where(Service.status == ServiceStatus.ACTIVE)
        .order_by(Service.id)
        .offset(position)
    )
    return db.session.scalars(query).first()


@pytest.fixture
def volunteer(app):
    return Reviewer(app)


@pytest.fixture
def young_inspector(app):
    return Reviewer(app, "young_inspector")


COMPLETE_WEBSITE_REVIEW = {
    "found_what_needed": "partly",
    "what_stopped_you": "The page about short breaks was out of date",
    "minutes_taken": "25",
    "pages_visited": "7",
    "search_words": "respite autism",
    "accurate": "no",
    "contact_tried": "no_answer",
    "language_clear": "dont_know",
    "ease": "2",
    "barriers": ["jargon", "phone"],
    "barriers_detail": "Too many acronyms",
    "satisfied": "3",
    "worked_well": "The filters",
    "did_not_work": "Search for respite",
    "one_change": "Explain EHCP",
}

__all__ = ["COMPLETE_WEBSITE_REVIEW", "ReviewStatus", "hidden_fields"]
