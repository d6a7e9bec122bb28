"""Short plain-English summaries of a listing, used by several templates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from localoffer.models import Service, ServiceStatus
from localoffer.text import plain_text

SUMMARY_LENGTH = 220


def summary_text(description: str | None, length: int = SUMMARY_LENGTH) -> str:
    """The first paragraph of a description as plain text, cut at a word boundary."""
    if not description:
        return ""
    text = plain_text(description.strip().split("\n\n", 1)[0])
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def format_money(amount: Decimal) -> str:
    """£12 or £12.50."""
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


class CostLike(Protocol):
    """A cost option's figures: a ``CostOption`` or a row with the same columns."""

    is_free: bool
    amount: Decimal | None
    option: str | None


def cost_summary(service: Service) -> str:
    """Free, Free or £12.50 per session, From £5 per hour, or Ask the service."""
    return cost_text(service.cost_options)


def cost_text(options: Sequence[CostLike]) -> str:
    """``cost_summary`` for a service's cost options, in their order."""
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


@dataclass(frozen=True)
class ResultService:
    """A service as a results item shows it, read as one row: what ``service_summary``
    needs of a ``Service`` (``templates/includes/service_summary.html``) and no more."""

    id: int
    name: str
    description: str | None
    status: ServiceStatus
    information_incomplete: bool
    organization_name: str


@dataclass(frozen=True)
class SummaryFacts:
    """The facts a list of services shows under each one's description
    (``templates/includes/service_summary.html``)."""

    # The first eligibility's minimum and maximum age; None when the listing gives none.
    age_range: tuple[int | None, int | None] | None
    # Every location's town in order, repeats included: the template removes them.
    towns: tuple[str, ...]
    cost: str
    categories: tuple[str, ...]


def summary_to_json(facts: SummaryFacts) -> str:
    """``facts`` as JSON text, as the search index keeps them for each listed service."""
    return json.dumps(
        [
            list(facts.age_range) if facts.age_range is not None else None,
            list(facts.towns),
            facts.cost,
            list(facts.categories),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def summary_from_json(text: str) -> SummaryFacts:
    """The SummaryFacts that ``summary_to_json`` wrote."""
    age_range, towns, cost, categories = json.loads(text)
    return SummaryFacts(
        age_range=tuple(age_range) if age_range is not None else None,
        towns=tuple(towns),
        cost=cost,
        categories=tuple(categories),
    )


def summary_facts(service: Service) -> SummaryFacts:
    """The summary facts of a service loaded with its eligibilities, locations, cost options
    and terms (see ``summary_facts_by_id`` in ``directory/service.py`` for a page of ids)."""
    eligibility = service.eligibilities[0] if service.eligibilities else None
    return SummaryFacts(
        age_range=(eligibility.minimum_age, eligibility.maximum_age) if eligibility else None,
        towns=tuple(location.city for location in service.locations),
        cost=cost_summary(service),
        categories=tuple(term.name for term in service.terms_in("category")),
    )
