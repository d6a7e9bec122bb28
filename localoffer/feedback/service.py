"""Storing page feedback and summarising it by page for officers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from localoffer.extensions import db
from localoffer.models import PageFeedback
from localoffer.urls import served_path

# Where feedback about an address the site has no page for is kept. Not a path any rule
# matches, so it never mixes with a real page's feedback (nor counts as the home page's).
UNKNOWN_PAGE = "/(unknown page)"


def page_of(address: str | None) -> str:
    """The page feedback sent from ``address`` is stored against.

    Only the path of a page the site serves (``urls.served_path``): never the query string,
    which can hold what a family searched for. Anything else (an address with no page, as on a
    "Page not found" page, another site, control characters, an overlong path, nothing at all)
    becomes ``UNKNOWN_PAGE`` rather than an error: the family meant their answer, and could not
    correct a path they never typed, so it is kept, without the address.
    """
    return served_path(address) or UNKNOWN_PAGE


def record_feedback(address: str | None, helpful: bool | None, problem: str | None) -> PageFeedback:
    """Store one visitor's feedback about the page at ``address`` (no account, no visitor)."""
    item = PageFeedback(path=page_of(address), helpful=helpful, problem=problem or None)
    db.session.add(item)
    db.session.flush()
    return item


@dataclass
class PageSummary:
    path: str
    helpful: int
    not_helpful: int
    problems: int
    latest: datetime


def feedback_by_page() -> list[PageSummary]:
    """Every page with feedback: yes and no counts, problems reported, most recent first."""
    query = (
        select(
            PageFeedback.path,
            func.sum(case((PageFeedback.helpful.is_(True), 1), else_=0)),
            func.sum(case((PageFeedback.helpful.is_(False), 1), else_=0)),
            func.sum(case((PageFeedback.problem.is_not(None), 1), else_=0)),
            func.max(PageFeedback.created_at),
        )
        .group_by(PageFeedback.path)
        .order_by(func.max(PageFeedback.created_at).desc(), PageFeedback.path)
    )
    return [PageSummary(*row) for row in db.session.execute(query)]


def feedback_for_page(path: str) -> list[PageFeedback]:
    """All feedback about one page, newest first."""
    query = (
        select(PageFeedback)
        .where(PageFeedback.path == path)
        .order_by(PageFeedback.created_at.desc(), PageFeedback.id.desc())
    )
    return list(db.session.scalars(query))


def feedback_count_since(since: datetime) -> int:
    """How many items arrived since ``since`` (for the dashboard)."""
    query = select(func.count(PageFeedback.id)).where(PageFeedback.created_at >= since)
    return db.session.scalar(query) or 0
