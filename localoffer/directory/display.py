"""Short plain-English summaries of a listing, used by several templates."""

from __future__ import annotations

import re
from decimal import Decimal

import bleach
import markdown

from localoffer.models import Service

SUMMARY_LENGTH = 220


def summary_text(description: str | None, length: int = SUMMARY_LENGTH) -> str:
    """The first paragraph of a description as plain text, cut at a word boundary."""
    if not description:
        return ""
    first = description.strip().split("\n\n", 1)[0]
    text = bleach.clean(markdown.markdown(first), tags=[], strip=True)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def format_money(amount: Decimal) -> str:
    """£12 or £12.50."""
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def cost_summary(service: Service) -> str:
    """Free, Free or £12.50 per session, From £5 per hour, or Ask the service."""
    options = service.cost_options
    if not options:
        return "Ask the service"
    free = any(option.is_free for option in options)
    paid = sorted(
        (option for option in options if not option.is_free and option.amount is not None),
        key=lambda option: option.amount,
    )
    if not paid:
        return "Free" if free else "There is a charge: ask the service"
    cheapest = paid[0]
    price = format_money(cheapest.amount)
    unit = f" {cheapest.option}" if cheapest.option else ""
    if free:
        return f"Free, or {price}{unit}"
    if len(paid) > 1:
        return f"From {price}{unit}"
    return f"{price}{unit}"
