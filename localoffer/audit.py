"""Writing the audit trail: one call per event, in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from localoffer.extensions import db
from localoffer.models import AuditEvent, User


def record(
    action: str,
    actor: User | None = None,
    subject: Any | None = None,
    changes: dict[str, list] | None = None,
) -> AuditEvent:
    """Add an event; ``changes`` maps a field to [before, after] and never holds a password."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        changes=changes or {},
    )
    db.session.add(event)
    return event
