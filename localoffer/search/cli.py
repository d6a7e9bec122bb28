"""``flask search reindex|status|repair [--collection NAME]``, written once for every collection."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from localoffer.search.collections import NAMES

search_cli = AppGroup("search", help="The search indexes (services and guides).")

_collection = click.option(
    "--collection",
    type=click.Choice(NAMES),
    default=None,
    help="One collection only (default: all).",
)


def _engine():
    return current_app.extensions["search"]


@search_cli.command("reindex")
@_collection
def reindex_command(collection: str | None) -> None:
    """Rebuild the index (or every index) whole from the database."""
    search = _engine()
    for index in search.selected(collection):
        click.echo(f"{index.name}: indexed {index.rebuild()} documents.")


@search_cli.command("status")
@_collection
def status_command(collection: str | None) -> None:
    """Compare each document with the database; exit 1 when any is stale, missing or extra,
    or changes are waiting to be applied."""
    reports = _engine().status(collection)
    for report in reports.values():
        click.echo(report.line())
    if all(report.in_step for report in reports.values()):
        click.echo("In step with the database.")
        return
    click.echo("Out of step: run flask search repair.")
    click.get_current_context().exit(1)


@search_cli.command("repair")
@_collection
def repair_command(collection: str | None) -> None:
    """Apply waiting changes, rebuild exactly the stale and missing documents, remove extras."""
    for repair in _engine().repair(collection):
        click.echo(
            f"{repair.collection}: applied {repair.applied} changes, rebuilt {repair.rebuilt} "
            f"documents, removed {repair.removed}."
        )
