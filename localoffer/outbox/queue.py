"""Queueing an email in the current transaction, to be sent once (and only if) it commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from localoffer.extensions import db
from localoffer.models import EmailKind, Invitation, OutgoingEmail, User
from localoffer.outbox.transport import Email

# session.info: (row id, email) queued in the open transaction; g: those committed, not yet sent.
PENDING = "outbox_pending"
COMMITTED = "outbox_committed"
# The request that queued an email tries it first; the retry queue leaves it alone till then.
FIRST_TRY_WINDOW = timedelta(minutes=1)


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def send_email(to: str, subject: str, body: str) -> None:
    """Queue a plain-text email with nothing secret in it, retried for ``MAIL_RETRY_HOURS``."""
    life = timedelta(hours=current_app.config["MAIL_RETRY_HOURS"])
    send_later(Email(to, subject, body), EmailKind.MESSAGE, now() + life)


def send_later(
    email: Email,
    kind: EmailKind,
    expires_at: datetime,
    *,
    user: User | None = None,
    invitation: Invitation | None = None,
) -> OutgoingEmail:
    """Queue ``email`` in the current transaction; it goes only if the transaction commits.

    A message keeps its subject and body. A password reset or an invitation keeps only whom it
    is for (its retries are composed again with a new link), and replaces any earlier one
    still waiting for the same account or invitation, whose link this one supersedes.
    """
    if kind == EmailKind.PASSWORD_RESET:
        _forget_waiting(kind, OutgoingEmail.user_id == user.id)
    elif kind == EmailKind.INVITATION:
        _forget_waiting(kind, OutgoingEmail.invitation_id == invitation.id)
    stored = kind == EmailKind.MESSAGE
    row = OutgoingEmail(
        kind=kind,
        recipient=email.to,
        subject=email.subject if stored else None,
        body=email.body if stored else None,
        user=user,
        invitation=invitation,
        expires_at=expires_at,
        attempts=0,
        next_attempt_at=now() + FIRST_TRY_WINDOW,
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append((row.id, email))
    return row


def _forget_waiting(kind: EmailKind, condition) -> None:
    db.session.execute(
        delete(OutgoingEmail)
        .where(OutgoingEmail.kind == kind, condition)
        .execution_options(synchronize_session=False)
    )


def _after_commit(session: Session) -> None:
    queued = session.info.pop(PENDING, None)
    if queued and has_app_context():
        g.setdefault(COMMITTED, []).extend(queued)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    """Listen to every session once per process."""
    for name, handler in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
