"""A listing's age range in plain English."""

from __future__ import annotations


def format_ages(minimum: int | None, maximum: int | None) -> str:
    """Plain-English age range."""
    if minimum is None and maximum is None:
        return "All ages"
    if minimum is None or minimum == 0:
        return f"Up to {maximum} years" if maximum is not None else "All ages"
    if maximum is None:
        return f"{minimum} years and over"
    if minimum == maximum:
        return f"{minimum} years"
    return f"{minimum} to {maximum} years"
