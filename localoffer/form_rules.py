"""Validators shared by every form, so limits are worded the GOV.UK way everywhere."""

from __future__ import annotations

from wtforms.validators import Length


def at_most(limit: int, what: str) -> Length:
    """A length limit whose message reads "Summary must be 2,000 characters or fewer"."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")
