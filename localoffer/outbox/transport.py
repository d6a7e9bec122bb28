"""Handing one email to the mail server, or to the log when there is none."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from flask_mail import Message

from localoffer.extensions import mail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    """A plain-text email to one person."""

    to: str
    subject: str
    body: str


def logs_only() -> bool:
    """True when emails go to the log: ``MAIL_LOG_ONLY``, or no ``MAIL_SERVER``.

    Production refuses to start with neither setting, so there it is always a choice.
    """
    config = current_app.config
    return bool(config["MAIL_LOG_ONLY"] or not config["MAIL_SERVER"])


def deliver(email: Email) -> None:
    """Send ``email`` now, or write it to the log; raises ``OSError`` or ``SMTPException``."""
    if logs_only():
        logger.warning("Email to %s: %s\n\n%s", email.to, email.subject, email.body)
        return
    mail.send(Message(subject=email.subject, recipients=[email.to], body=email.body))
