"""``flask import oruk <file-or-folder>`` and ``flask export oruk <folder>`` (Open Referral UK)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from localoffer.api.export import export_directory
from localoffer.api.importer import ImportFailed, import_oruk
from localoffer.control_characters import shown_safely

import_cli = AppGroup("import", help="Bring listings in from other directories.")
export_cli = AppGroup("export", help="Write the published directory out for other directories.")


@export_cli.command("oruk")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    default="http://localhost",
    show_default=True,
    help="This site's address, for the page links of services without a website.",
)
def export_oruk(folder: Path, base_url: str) -> None:
    """Write every published service and taxonomy term as Open Referral UK JSON."""
    with current_app.test_request_context("/", base_url=base_url):
        report = export_directory(folder)
    click.echo(
        f"Wrote {report.services} services and {report.taxonomy_terms} taxonomy terms "
        f"to {report.folder}."
    )


@import_cli.command("oruk")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--publish",
    is_flag=True,
    help="Keep each service's status from the file. Without it, new services are drafts.",
)
@click.option("--dry-run", is_flag=True, help="Check and report, but write nothing.")
def import_oruk_command(path: Path, publish: bool, dry_run: bool) -> None:
    """Read Open Referral UK JSON (a file, or every .json in a folder) into the directory."""
    try:
        with current_app.test_request_context("/"):
            report = import_oruk(path, publish=publish, dry_run=dry_run)
    except ImportFailed as error:
        raise click.ClickException(shown_safely(str(error))) from error
    created, updated, refused = (report.having(a) for a in ("created", "updated", "refused"))
    prefix = "Dry run, nothing written. " if dry_run else ""
    click.echo(
        f"{prefix}Created {len(created)}, updated {len(updated)}, refused {len(refused)} "
        f"services; {report.terms_created} taxonomy terms created, "
        f"{report.terms_updated} updated."
    )
    if created and not publish:
        click.echo("New services are drafts: an officer must check them before they are listed.")
    # Names, ids and reasons come from the files: control characters in them are written out.
    for outcome in report.outcomes:
        click.echo(shown_safely(f"{outcome.action}: {outcome.name or '(no name)'} [{outcome.id}]"))
        for reason in outcome.reasons:
            click.echo(shown_safely(f"    refused because {reason}"))
        for warning in outcome.warnings:
            click.echo(shown_safely(f"    note: {warning}"))
