"""``flask listings``: jobs to run on a schedule, such as the providers' review reminders."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from localoffer.extensions import db
from localoffer.manage.proposals import send_reminders
from localoffer.outbox.sender import send_committed

listings_cli = AppGroup("listings", help="Jobs for listings.")


@listings_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Email providers whose listings are due for a check soon (once per due date). Run daily."""
    # Links in the emails are built as if for a request to the site's own address.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        send_reminders()
        db.session.commit()
        outcome = send_committed()
    sent = outcome.sent
    click.echo(f"Sent {sent} reminder {'email' if sent == 1 else 'emails'}.")
    if outcome.waiting:
        click.echo(
            f"{outcome.waiting} could not be sent yet: `flask mail send-pending` will retry them."
        )
