"""Queries and writes for "You said, we did": items, evidence, responses and the public list.

Each write function records its audit event; the caller commits, so the change and its record
land together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localoffer import audit
from localoffer.extensions import db
from localoffer.models import (
    PageFeedback,
    Review,
    ReviewStatus,
    Service,
    ServiceStatus,
    Theme,
    User,
    WeDid,
    YouSaid,
)
from localoffer.models.reviews import review_theme
from localoffer.models.yousaid import you_said_theme


def theme_by_slug(slug: str) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.slug == slug))


def themes_in_use() -> list[Theme]:
    """Themes of published items, for the public filter."""
    query = (
        select(Theme)
        .join(you_said_theme, you_said_theme.c.theme_id == Theme.id)
        .join(WeDid, WeDid.you_said_id == you_said_theme.c.you_said_id)
        .where(WeDid.published_at.is_not(None))
        .distinct()
        .order_by(Theme.position, Theme.id)
    )
    return list(db.session.scalars(query))


def accepted_reviews_with_theme(theme: Theme) -> list[Review]:
    """Only accepted reviews can be evidence: nothing unmoderated is ever linked."""
    query = (
        select(Review)
        .join(review_theme, review_theme.c.review_id == Review.id)
        .where(review_theme.c.theme_id == theme.id, Review.status == ReviewStatus.ACCEPTED)
        .order_by(Review.submitted_at.desc(), Review.id.desc())
    )
    return list(db.session.scalars(query))


def feedback_on_page(path: str) -> list[PageFeedback]:
    query = (
        select(PageFeedback)
        .where(PageFeedback.path == path)
        .order_by(PageFeedback.created_at.desc(), PageFeedback.id.desc())
    )
    return list(db.session.scalars(query))


def items_for_officers() -> list[YouSaid]:
    query = (
        select(YouSaid)
        .options(selectinload(YouSaid.we_did), selectinload(YouSaid.themes))
        .order_by(YouSaid.said_on.desc(), YouSaid.id.desc())
    )
    return list(db.session.scalars(query))


def item(item_id: int) -> YouSaid | None:
    return db.session.get(YouSaid, item_id)


def service_by_id(service_id: int) -> Service | None:
    return db.session.get(Service, service_id)


def _snapshot(record: YouSaid) -> dict:
    return {
        "summary": record.summary,
        "source_type": record.source_type,
        "said_on": record.said_on.isoformat() if record.said_on else None,
        "service_id": record.service_id,
        "page_path": record.page_path,
        "themes": [t.slug for t in record.themes],
        "reviews": [r.id for r in record.reviews],
        "feedback": [f.id for f in record.feedback],
    }


def _changes(before: dict, after: dict) -> dict:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def save_item(record: YouSaid | None, values: dict, actor: User) -> YouSaid:
    """Create or update an item from the form's cleaned ``values``."""
    creating = record is None
    if creating:
        record = YouSaid(created_by=actor)
        db.session.add(record)
        before: dict = {}
    else:
        before = _snapshot(record)
    for name in ("summary", "source_type", "said_on", "service_id", "page_path"):
        setattr(record, name, values[name])
    record.themes = values["themes"]
    record.reviews = values["reviews"]
    record.feedback = values["feedback"]
    db.session.flush()
    audit.record(
        "you_said.created" if creating else "you_said.edited",
        actor,
        record,
        _changes(before, _snapshot(record)),
    )
    return record


def save_we_did(record: YouSaid, values: dict, actor: User) -> WeDid:
    """Write the response; a published item's page shows the change at once."""
    response = record.we_did
    if response is None:
        response = WeDid(you_said=record)
        db.session.add(response)
    before = {name: _plain(getattr(response, name, None)) for name in values}
    for name, value in values.items():
        setattr(response, name, value)
    # The item changed: its "updated" date moves, so the feed shows it again.
    record.updated_at = datetime.now(UTC)
    db.session.flush()
    after = {name: _plain(value) for name, value in values.items()}
    audit.record("we_did.saved", actor, record, _changes(before, after))
    return response


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def publish(record: YouSaid, actor: User) -> bool:
    """Publish an item that has a response; False when there is nothing to say yet."""
    if record.we_did is None:
        return False
    record.we_did.published_at = datetime.now(UTC)
    record.updated_at = datetime.now(UTC)
    audit.record("you_said.published", actor, record)
    return True


def unpublish(record: YouSaid, actor: User) -> None:
    if record.we_did is not None:
        record.we_did.published_at = None
    audit.record("you_said.unpublished", actor, record)


@dataclass
class PublicFilters:
    year: int | None = None
    theme: Theme | None = None
    status: str | None = None


def _published():
    return (
        select(YouSaid)
        .join(WeDid, WeDid.you_said_id == YouSaid.id)
        .where(WeDid.published_at.is_not(None))
        .options(selectinload(YouSaid.we_did), selectinload(YouSaid.themes))
    )


def published_items(filters: PublicFilters) -> list[YouSaid]:
    """Published items, newest first, narrowed by year said, theme and status."""
    query = _published()
    if filters.year is not None:
        query = query.where(
            YouSaid.said_on >= date(filters.year, 1, 1),
            YouSaid.said_on < date(filters.year + 1, 1, 1),
        )
    if filters.theme is not None:
        query = query.where(YouSaid.themes.any(Theme.id == filters.theme.id))
    if filters.status is not None:
        query = query.where(WeDid.status == filters.status)
    return list(db.session.scalars(query.order_by(YouSaid.said_on.desc(), YouSaid.id.desc())))


def published_years() -> list[int]:
    """The years with published items, newest first."""
    dates = db.session.scalars(
        select(YouSaid.said_on)
        .join(WeDid, WeDid.you_said_id == YouSaid.id)
        .where(WeDid.published_at.is_not(None))
    )
    return sorted({d.year for d in dates}, reverse=True)


def feed_items(limit: int = 50) -> list[YouSaid]:
    """Published items, most recently added or changed first."""
    changed = func.coalesce(YouSaid.updated_at, YouSaid.created_at)
    return list(
        db.session.scalars(_published().order_by(changed.desc(), YouSaid.id.desc()).limit(limit))
    )


def publicly_listed(service: Service | None) -> bool:
    """Whether a service may be named on a public page (published and not archived)."""
    return (
        service is not None
        and service.published_at is not None
        and service.status != ServiceStatus.CLOSED
    )
