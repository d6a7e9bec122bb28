"""Password rules and hashing, in one place so the hashing method can change."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Checked against when the email is unknown, so both paths take about as long.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing", method="scrypt")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, in GOV.UK wording; None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Password must be {minimum} characters or more"
    if password.strip().lower() in common_passwords():
        return "Password is too common. Choose a password that is harder to guess"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; takes as long when there is no hash to check."""
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
