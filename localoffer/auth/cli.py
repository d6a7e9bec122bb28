"""``flask users``: the first admin account, and a list of accounts."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from localoffer.auth import service
from localoffer.auth.passwords import password_problem
from localoffer.control_characters import control_character_message, has_control_characters
from localoffer.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
PASSWORD_ENV = "LOCALOFFER_ADMIN_PASSWORD"


@users_cli.command("create-admin")
@click.option("--email", prompt="Email address", help="The admin's email address.")
@click.option("--name", prompt="Full name", help="The admin's name.")
def create_admin_command(email: str, name: str) -> None:
    """Create an admin account (the first account: there is no public sign-up)."""
    if has_control_characters(email) or has_control_characters(name):
        raise click.ClickException(
            control_character_message("The email address and the name") + "."
        )
    email = service.normalise_email(email)
    if "@" not in email or not name.strip():
        raise click.ClickException("Enter an email address and a name.")
    if service.user_by_email(email):
        raise click.ClickException(f"There is already an account for {email}.")
    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem + ".")
    user = service.create_admin(email, name, password)
    db.session.commit()
    click.echo(f"Created admin account {user.email}.")


@users_cli.command("list")
def list_command() -> None:
    """List every account with its role and status."""
    for user in service.list_users():
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{state}")
