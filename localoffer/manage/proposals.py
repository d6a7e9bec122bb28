"""Providers' proposals: held apart from the listing until an officer approves or rejects them.

Also the review reminders providers get when a listing's check is due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app, render_template, url_for
from sqlalchemy import select, update

from localoffer import audit
from localoffer.extensions import db
from localoffer.manage import lifecycle
from localoffer.manage.listings import listing_values
from localoffer.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Role,
    Service,
    ServiceStatus,
    User,
)
from localoffer.outbox.queue import send_email


def propose(
    kind: ChangeKind,
    provider: User,
    service: Service | None,
    values: dict[str, Any] | None = None,
    note: str = "",
) -> ChangeRequest:
    """Store a provider's proposal; the public listing does not change."""
    proposal = ChangeRequest(
        kind=kind,
        organization_id=provider.organization_id,
        service=service,
        proposed=values or {},
        base_version=service.version if service is not None else None,
        note=note.strip(),
        created_by=provider,
    )
    db.session.add(proposal)
    db.session.flush()
    audit.record(f"proposal.{kind.value}", provider, proposal)
    return proposal


def pending(organization_id: int | None = None) -> list[ChangeRequest]:
    query = select(ChangeRequest).where(ChangeRequest.status == ChangeStatus.PENDING)
    if organization_id is not None:
        query = query.where(ChangeRequest.organization_id == organization_id)
    return list(db.session.scalars(query.order_by(ChangeRequest.created_at, ChangeRequest.id)))


def proposed_changes(proposal: ChangeRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the listing now, the listing as proposed) for a field-by-field difference."""
    if proposal.kind == ChangeKind.NEW:
        return {}, proposal.proposed
    current = listing_values(proposal.service)
    if proposal.kind == ChangeKind.CLOSURE:
        return {"status": proposal.service.status.value}, {"status": ServiceStatus.CLOSED.value}
    return current, {**current, **proposal.proposed}


def approve(proposal: ChangeRequest, officer: User) -> Service:
    """Apply the proposal (a new listing arrives as a draft) and tell the provider."""
    if proposal.kind == ChangeKind.NEW:
        service = lifecycle.create_service(proposal.proposed, officer)
        proposal.service = service
    elif proposal.kind == ChangeKind.CLOSURE:
        service = proposal.service
        lifecycle.set_status(service, ServiceStatus.CLOSED, officer)
    else:
        service = proposal.service
        lifecycle.edit_service(service, proposal.proposed, officer)
    _decide(proposal, officer, ChangeStatus.APPROVED, "")
    return service


def reject(proposal: ChangeRequest, officer: User, reason: str) -> None:
    _decide(proposal, officer, ChangeStatus.REJECTED, reason.strip())


def _decide(proposal: ChangeRequest, officer: User, status: ChangeStatus, reason: str) -> None:
    proposal.status = status
    proposal.decision_reason = reason
    proposal.decided_by = officer
    proposal.decided_at = datetime.now(UTC)
    audit.record(
        f"proposal.{status.value}", officer, proposal, {"reason": [None, reason]} if reason else {}
    )
    if proposal.created_by is not None and proposal.created_by.is_active:
        send_email(
            proposal.created_by.email,
            f"Your {'change' if proposal.kind == ChangeKind.EDIT else 'request'} has been "
            f"{status.value}",
            render_template("provider/email/decision.txt", proposal=proposal),
        )


def due_for_reminder(today: date, within_days: int) -> list[Service]:
    """Published listings due for a check soon whose providers have not been reminded yet."""
    return list(
        db.session.scalars(
            select(Service)
            .where(
                Service.published_at.is_not(None),
                Service.status != ServiceStatus.CLOSED,
                Service.review_due_on.is_not(None),
                Service.review_due_on <= today + timedelta(days=within_days),
                Service.review_reminder_sent_on.is_(None),
            )
            .order_by(Service.review_due_on, Service.id)
        )
    )


def send_reminders(today: date | None = None) -> int:
    """Queue an email to each listing's providers once per due date; return how many."""
    today = today or date.today()
    sent = 0
    for service in due_for_reminder(today, current_app.config["REVIEW_DUE_SOON_DAYS"]):
        providers = db.session.scalars(
            select(User).where(
                User.organization_id == service.organization_id,
                User.role == Role.PROVIDER,
                User.is_active.is_(True),
            )
        ).all()
        for provider in providers:
            send_email(
                provider.email,
                f"Is your listing still right? {service.name}",
                render_template(
                    "provider/email/reminder.txt",
                    service=service,
                    provider=provider,
                    link=url_for("provider.still_correct", service_id=service.id, _external=True),
                    change_link=url_for(
                        "provider.propose_change", service_id=service.id, _external=True
                    ),
                ),
            )
            sent += 1
        # A plain UPDATE: a reminder is not an edit, so open edit forms must not see a conflict.
        db.session.execute(
            update(Service)
            .where(Service.id == service.id)
            .values(review_reminder_sent_on=today)
            .execution_options(synchronize_session=False)
        )
    return sent
