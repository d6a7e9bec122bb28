"""Dates in the Atom feed: RFC 3339, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def atom_date(value: datetime | None) -> str:
    """``value`` as 2026-11-23T13:10:45Z; a naive time is taken to be UTC; None is now."""
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
