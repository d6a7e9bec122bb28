"""``flask users create-admin`` and ``flask users list``."""

from __future__ import annotations

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, Role, User


def test_create_admin_from_options_and_prompted_password(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin", "--email", "First@Example.org", "--name", "Ada Admin"],
        input="a long admin passphrase\na long admin passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "first@example.org"))
    assert user.role == Role.ADMIN
    assert user.password_hash.startswith("scrypt:")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == user.id))
    listed = runner.invoke(args=["users", "list"])
    assert "first@example.org\tAda Admin\tadmin\tactive" in listed.output


def test_create_admin_takes_the_password_from_the_environment(empty_app, monkeypatch):
    monkeypatch.setenv("LOCALOFFER_ADMIN_PASSWORD", "an environment passphrase")
    result = empty_app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "env@example.org", "--name", "Env Admin"]
    )
    assert result.exit_code == 0, result.output


def test_create_admin_refuses_a_weak_password_and_a_duplicate(empty_app, monkeypatch):
    runner = empty_app.test_cli_runner()
    monkeypatch.setenv("LOCALOFFER_ADMIN_PASSWORD", "password1234")
    args = ["users", "create-admin", "--email", "a@example.org", "--name", "A"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "too common" in result.output
    monkeypatch.setenv("LOCALOFFER_ADMIN_PASSWORD", "a perfectly fine passphrase")
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already an account" in again.output


def test_create_admin_refuses_hidden_control_characters(empty_app, monkeypatch):
    monkeypatch.setenv("LOCALOFFER_ADMIN_PASSWORD", "a perfectly fine passphrase")
    runner = empty_app.test_cli_runner()
    for email, name in (("a\x00@example.org", "A"), ("b@example.org", "B\x1b[2J")):
        result = runner.invoke(args=["users", "create-admin", "--email", email, "--name", name])
        assert result.exit_code == 1, result.output
        assert "must not contain hidden control characters" in result.output
    assert db.session.scalars(select(User)).all() == []
