"""Report periods: an academic year (September to August, ``2025-26``) or any dates
(``2025-04-01_2026-03-31``). The label is the period's address: ``/reports/<label>``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ACADEMIC = re.compile(r"^(\d{4})-(\d{2})$")
DATES = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$")
LONGEST_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: date
    ends_on: date  # inclusive

    @property
    def start(self) -> datetime:
        """The first instant of the period (UTC)."""
        return datetime.combine(self.starts_on, time(), UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period (UTC)."""
        return datetime.combine(self.ends_on + timedelta(days=1), time(), UTC)

    @property
    def title(self) -> str:
        if ACADEMIC.match(self.label):
            return f"{self.starts_on.year} to {self.ends_on.year}"
        return f"{self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"


def academic_year(first_year: int) -> Period:
    """September ``first_year`` to August of the next year."""
    return Period(
        f"{first_year}-{(first_year + 1) % 100:02d}",
        date(first_year, 9, 1),
        date(first_year + 1, 8, 31),
    )


def academic_year_of(day: date) -> Period:
    return academic_year(day.year if day.month >= 9 else day.year - 1)


def dates_period(starts_on: date, ends_on: date) -> Period:
    """Any dates; an exact academic year keeps its short label."""
    if starts_on.month == 9 and starts_on.day == 1 and ends_on == date(starts_on.year + 1, 8, 31):
        return academic_year(starts_on.year)
    return Period(f"{starts_on.isoformat()}_{ends_on.isoformat()}", starts_on, ends_on)


def parse_period(text: str) -> Period | None:
    """A period from its label; None for anything else (a wrong year pair, dates out of order,
    more than three years)."""
    text = (text or "").strip()
    if match := ACADEMIC.match(text):
        first = int(match.group(1))
        if 2000 <= first <= 2100 and int(match.group(2)) == (first + 1) % 100:
            return academic_year(first)
        return None
    if match := DATES.match(text):
        try:
            starts_on = date.fromisoformat(match.group(1))
            ends_on = date.fromisoformat(match.group(2))
        except ValueError:
            return None
        if starts_on <= ends_on and (ends_on - starts_on).days <= LONGEST_DAYS:
            return dates_period(starts_on, ends_on)
    return None
