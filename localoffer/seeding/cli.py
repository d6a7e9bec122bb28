"""``flask --app wsgi seed``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from localoffer.seeding.loader import SeedError, seed_all


@click.command("seed")
@click.option(
    "--seed-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder holding vocabularies.yaml and area/ (default: the project's seed/).",
)
@with_appcontext
def seed_command(seed_dir: Path | None) -> None:
    """Load the SEND vocabularies and the demo local area. Safe to run again."""
    folder = seed_dir or Path(current_app.config["SEED_DIR"])
    try:
        report = seed_all(folder)
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    if not report.changed:
        click.echo("Seed data already loaded: nothing changed.")
        return
    for verb, counts in (("Created", report.created), ("Updated", report.updated)):
        if counts:
            click.echo(f"{verb}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
