"""``flask report build <period>``: publish a new version of a period's report."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from localoffer.extensions import db
from localoffer.reports import service as reports
from localoffer.reports.periods import parse_period

report_cli = AppGroup("report", help="The annual Local Offer report.")


@report_cli.command("build")
@click.argument("period")
def build(period: str) -> None:
    """Compute the figures for PERIOD (2025-26, or 2025-04-01_2026-03-31) and publish them,
    with the narrative saved so far, as a new version."""
    found = parse_period(period)
    if found is None:
        raise click.BadParameter(
            "use an academic year like 2025-26, or dates like 2025-04-01_2026-03-31",
            param_hint="PERIOD",
        )
    report = reports.publish(found, None)
    db.session.commit()
    click.echo(f"Published version {report.version} of the {found.label} report.")
