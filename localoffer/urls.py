"""Helpers for addresses shared by several areas: ids, pages the site serves, safe ``next``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.exceptions import HTTPException
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


def served_path(address: object, limit: int = 500) -> str | None:
    """The path of ``address`` if this site serves a page there to GET, else None.

    The query string and fragment are dropped. The path must be local (``safe_next``), at most
    ``limit`` characters, printable, and match a GET rule of the URL map other than static
    files. Only the rule is checked, not whether its row exists: ``/services/999999`` is served
    (as "not found"), while ``/services/1/no/such/page`` or ``/shortlist/add`` (POST only) are
    not. Works outside a request too, since the map does not depend on the host.
    """
    if not isinstance(address, str):
        return None
    path = address.split("#", 1)[0].split("?", 1)[0]
    if not path or len(path) > limit or not path.isprintable() or safe_next(path, "") != path:
        return None
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # NotFound, MethodNotAllowed, or RequestRedirect to another path
        return None
    return None if endpoint == "static" else path


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths, so a form or link cannot be used to send people elsewhere."""
    if target:
        try:
            parts = urlsplit(target)
        except ValueError:  # such as "//[", an unclosed IPv6 address
            return default
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return default
