"""What officers do to a listing: create, edit, publish, close, archive, confirm; and its history.

Each function changes the session and writes its audit event; the caller commits, so the change
and its record land together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from localoffer import audit
from localoffer.extensions import db
from localoffer.manage.listings import apply_values, unique_slug
from localoffer.models import AuditEvent, Service, ServiceStatus, User


class VersionConflict(Exception):
    """The record changed after the form was opened."""


def check_version(record: Any, submitted: str | None) -> None:
    """Raise ``VersionConflict`` unless the form was built from the record's current version."""
    if str(record.version) != (submitted or "").strip():
        raise VersionConflict


def create_service(values: dict[str, Any], actor: User | None, action: str = "service.created"):
    """A new listing, as a draft: families see nothing until it is published."""
    service = Service(slug=unique_slug(Service, values["name"]), description="", how_to_access="")
    db.session.add(service)
    with db.session.no_autoflush:
        changes = apply_values(service, values)
    db.session.flush()
    audit.record(action, actor, service, changes)
    return service


def edit_service(service: Service, values: dict[str, Any], actor: User | None) -> dict:
    """Apply the form's values; record which fields changed. An edit is not a check."""
    changes = apply_values(service, values)
    if changes:
        # Terms, ages, costs, contacts, places and times live in rows of their own, and changing
        # only those would leave the service row (and so its version) as it was: a form opened
        # before this edit would then save over it without a conflict. Touch the row.
        service.updated_at = datetime.now(UTC)
        db.session.flush()
        audit.record("service.edited", actor, service, changes)
    return changes


def publish(service: Service, actor: User) -> None:
    service.published_at = datetime.now(UTC)
    audit.record("service.published", actor, service)


def unpublish(service: Service, actor: User) -> None:
    service.published_at = None
    audit.record("service.unpublished", actor, service)


def set_status(service: Service, status: ServiceStatus, actor: User) -> None:
    """Temporarily close, reopen or archive (closed services are kept but not listed)."""
    before = service.status
    service.status = status
    audit.record(
        "service.archived" if status == ServiceStatus.CLOSED else "service.status_changed",
        actor,
        service,
        {"status": [before.value, status.value]},
    )


def confirm_correct(service: Service, actor: User, months: int, today: date | None = None) -> None:
    """A person has checked the listing: the only thing that sets ``last_reviewed_on``."""
    today = today or date.today()
    before = [
        service.last_reviewed_on.isoformat() if service.last_reviewed_on else None,
        service.review_due_on.isoformat() if service.review_due_on else None,
    ]
    service.last_reviewed_on = today
    service.review_due_on = add_months(today, months)
    service.review_reminder_sent_on = None
    audit.record(
        "service.confirmed",
        actor,
        service,
        {
            "last_reviewed_on": [before[0], today.isoformat()],
            "review_due_on": [before[1], service.review_due_on.isoformat()],
        },
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 January + 1 month: 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class LastChange:
    who: str
    when: datetime | None


def last_change(record: Any) -> LastChange:
    """Who changed the record last, and when, from the audit trail."""
    event = db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == record.__tablename__,
            AuditEvent.subject_id == record.id,
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return LastChange("someone", getattr(record, "updated_at", None))
    return LastChange(event.actor.name if event.actor else "someone", event.created_at)


def history(record: Any) -> list[AuditEvent]:
    """Every audit event about the record, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.subject_type == record.__tablename__,
                AuditEvent.subject_id == record.id,
            )
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
    )
