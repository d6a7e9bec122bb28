"""Sending queued email: at once, after the response, or later with backoff.

Each try is claimed first: one UPDATE counts the attempt and schedules the next one, on
condition that the count is still the one this sender read. So two senders (a request and
``flask mail send-pending``, or two cron runs) never both try the same email, no transaction
stays open while the mail server is slow, and a sender that dies mid-try leaves the email to be
retried at its next time. A sent email's row is deleted; one past its life (``expires_at``) is
dropped unsent and logged.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, timedelta

from flask import Flask, current_app, g
from sqlalchemy import delete, func, select, update

from localoffer.extensions import db
from localoffer.models import EmailKind, OutgoingEmail
from localoffer.outbox.queue import COMMITTED, now
from localoffer.outbox.transport import Email, deliver

logger = logging.getLogger(__name__)

LONGEST_WAIT = timedelta(hours=1)
# Waiting emails sent after a response whose own emails went: the server is evidently back.
AFTER_RESPONSE_BATCH = 10


@dataclass
class Outcome:
    """What a run of sending did."""

    sent: int = 0
    waiting: int = 0  # tried, failed, kept for a retry
    dropped: int = 0  # no longer wanted (an invitation accepted, an account deactivated)
    expired: int = 0  # past their life, never sent


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th try: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def send_committed() -> Outcome:
    """Send now what this app context has committed to the queue, and say how it went."""
    return _send_composed(g.pop(COMMITTED, []))


def send_pending(limit: int = 500, ignore_schedule: bool = False) -> Outcome:
    """Drop emails past their life, then try those due (every one, ``ignore_schedule``)."""
    outcome = Outcome(expired=_drop_expired())
    moment = now()
    query = select(OutgoingEmail.id, OutgoingEmail.attempts).where(
        OutgoingEmail.expires_at > moment
    )
    if not ignore_schedule:
        query = query.where(OutgoingEmail.next_attempt_at <= moment)
    due = db.session.execute(
        query.order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id).limit(limit)
    ).all()
    # Links in emails composed again are built for the site's own address, as from the CLI.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        for row_id, attempts in due:
            row = _claim(row_id, attempts)
            if row is None:
                continue
            email = _compose(row)
            if email is None:
                logger.info("Email %s (%s) is no longer needed: dropped", row.id, row.kind)
                db.session.delete(row)
                db.session.commit()
                outcome.dropped += 1
            else:
                _attempt(row, email, outcome)
    return outcome


def waiting_count() -> int:
    """How many emails are queued, sent or not yet tried."""
    return db.session.scalar(select(func.count()).select_from(OutgoingEmail))


def _send_composed(committed: list[tuple[int, Email]]) -> Outcome:
    outcome = Outcome()
    for row_id, email in committed:
        row = _claim(row_id, 0)
        if row is not None and row.recipient == email.to:
            _attempt(row, email, outcome)
    return outcome


def _claim(row_id: int, attempts: int) -> OutgoingEmail | None:
    """Count a try and schedule the next, unless another sender has claimed it since."""
    moment = now()
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == row_id, OutgoingEmail.attempts == attempts)
        .values(attempts=attempts + 1, next_attempt_at=moment + backoff(attempts + 1))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutgoingEmail, row_id) if claimed else None


def _attempt(row: OutgoingEmail, email: Email, outcome: Outcome) -> None:
    try:
        deliver(email)
    except (OSError, smtplib.SMTPException) as error:
        row.last_error = f"{type(error).__name__}: {error}"[:200]
        db.session.commit()
        # Never the address or the body: a reset's body holds a working link.
        logger.warning(
            "Email %s (%s) could not be sent, attempt %s; next try after %s: %s",
            row.id,
            row.kind,
            row.attempts,
            _utc(row.next_attempt_at).isoformat(timespec="seconds"),
            row.last_error,
        )
        outcome.waiting += 1
        return
    db.session.delete(row)
    db.session.commit()
    outcome.sent += 1


def _compose(row: OutgoingEmail) -> Email | None:
    """The email a waiting row stands for, with a new link where it carries one."""
    from localoffer.auth import email as account_emails

    if row.kind == EmailKind.MESSAGE:
        return Email(row.recipient, row.subject, row.body)
    if row.kind == EmailKind.PASSWORD_RESET:
        return account_emails.password_reset_again(row.user)
    return account_emails.invitation_again(row.invitation)


def _drop_expired() -> int:
    expired = db.session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.expires_at <= now())
    ).all()
    for row in expired:
        logger.warning(
            "Email %s (%s) was never sent: gave up after %s attempts, past its life. Last "
            "error: %s",
            row.id,
            row.kind,
            row.attempts,
            row.last_error or "none",
        )
    if expired:
        db.session.execute(
            delete(OutgoingEmail)
            .where(OutgoingEmail.id.in_([row.id for row in expired]))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return len(expired)


def _utc(value):
    # SQLite hands back naive datetimes; everything stored here is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _send_after_response(app: Flask, committed: list[tuple[int, Email]]) -> None:
    with app.app_context():
        try:
            outcome = _send_composed(committed)
            if outcome.sent and not outcome.waiting:
                send_pending(limit=AFTER_RESPONSE_BATCH)
        except Exception:
            # The response has gone; whatever was not sent stays queued for a retry.
            logger.exception("Sending email after the response failed")


def init_app(app: Flask) -> None:
    """After each response, send the emails its request committed and did not send itself."""

    @app.after_request
    def send_after_response(response):
        committed = g.pop(COMMITTED, None)
        if committed:
            target = current_app._get_current_object()
            response.call_on_close(lambda: _send_after_response(target, committed))
        return response
