"""Sending account emails; without a mail server (development, tests) they go to the log."""

from __future__ import annotations

import logging

from flask import current_app
from flask_mail import Message

from localoffer.extensions import mail

logger = logging.getLogger(__name__)


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text email, or log it outside production when MAIL_SERVER is not set."""
    if not current_app.config.get("MAIL_SERVER"):
        if current_app.config["APP_ENV"] != "production":
            logger.warning("Email to %s: %s\n\n%s", to, subject, body)
            return
        raise RuntimeError("MAIL_SERVER is not set, so account emails cannot be sent")
    mail.send(Message(subject=subject, recipients=[to], body=body))
