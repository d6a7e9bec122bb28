"""Helpers for addresses shared by several areas: ids in addresses and safe ``next`` paths."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter

# Every id column is an SQL Integer: 32 bits on PostgreSQL, so nothing larger can be a row.
# SQLite's columns are wider, but an id it stores beyond this could not move to PostgreSQL.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:name>``: a whole number that can be a row's id or version (1 to ``MAX_ID``).

    Anything else does not match the rule, so the address is a 404 before the view or its
    sign-in check runs, and a number too large for the column never reaches the database
    (SQLite's driver overflows from 2**63, PostgreSQL refuses an integer from 2**31). Only ASCII
    digits without a leading zero: ``\\d`` would take other scripts' digits, and ``/services/012``
    would be a second address for the same page.
    """

    regex = r"[1-9][0-9]{0,9}"

    def __init__(self, map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


def parse_id(value: object) -> int | None:
    """``value`` as an id (ASCII digits, 1 to ``MAX_ID``), or None when it cannot be one."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value) if len(value) <= 10 else 0
    return number if 1 <= number <= MAX_ID else None


def init_app(app: Flask) -> None:
    """Register the ``id`` converter; it must come before the blueprints' rules are added."""
    app.url_map.converters["id"] = IdConverter


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths, so a form or link cannot be used to send people elsewhere."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return default
