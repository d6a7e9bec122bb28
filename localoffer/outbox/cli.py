"""``flask mail send-pending``: retry queued emails; run it every few minutes (cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from localoffer.outbox.sender import send_pending, waiting_count

mail_cli = AppGroup("mail", help="Outgoing email.")


@mail_cli.command("send-pending")
@click.option(
    "--all",
    "ignore_schedule",
    is_flag=True,
    help="Try every waiting email now, not only those due (when the mail server is back).",
)
@click.option("--limit", default=500, show_default=True, help="Try at most this many.")
def send_pending_command(ignore_schedule: bool, limit: int) -> None:
    """Send the emails waiting for a retry and drop those past their life.

    Exits with status 1 when an email could not be sent, so a scheduler can raise the alarm.
    """
    outcome = send_pending(limit=limit, ignore_schedule=ignore_schedule)
    click.echo(
        f"Sent {outcome.sent}, could not send {outcome.waiting}, dropped {outcome.dropped} no "
        f"longer needed and {outcome.expired} past their life. {waiting_count()} waiting."
    )
    if outcome.waiting:
        raise SystemExit(1)
