"""Query-string validation for the API: every argument checked, every problem named.

A bad value never reaches a query: the route answers 400 with a JSON list of the problems.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import time

from werkzeug.datastructures import MultiDict

from localoffer.api.identifiers import is_uuid
from localoffer.api.service import ApiFilters, Near
from localoffer.control_characters import REFUSAL
from localoffer.search.geocoding import is_valid_postcode, normalise_postcode, outward_code

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 100_000
MAX_AGE = 120
MAX_TEXT = 200
MAX_PROXIMITY_METRES = 1_000_000
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_INTEGER = re.compile(r"^[0-9]{1,9}$")
# A postcode or its first half, as the OpenAPI document describes it (any case, one space).
POSTCODE_PATTERN = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?([0-9][A-Za-z]{2})?$"


@dataclass
class ApiArguments:
    """What a list request asked for, once checked."""

    filters: ApiFilters = field(default_factory=ApiFilters)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    postcode: str | None = None
    proximity_metres: float | None = None
    taxonomy_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Reads query arguments one by one, noting each bad one in ``errors``.

    ``refused`` names the arguments the request left out for holding hidden control
    characters (``localoffer.request_text``): reading one is an error, like any bad value.
    """

    def __init__(self, args: MultiDict, refused: Collection[str] = ()) -> None:
        self.args = args
        self.refused = refused
        self.errors: dict[str, str] = {}

    def _get(self, name: str) -> str | None:
        if name in self.refused:
            self.errors[name] = REFUSAL
            return None
        return self.args.get(name)

    def text(self, name: str, limit: int = MAX_TEXT) -> str | None:
        """Free text: absent or blank is None."""
        value = self._get(name)
        if value is None:
            return None
        if len(value) > limit:
            self.errors[name] = f"must be at most {limit} characters of text"
            return None
        # Other characters that print nothing (line separators, zero-width spaces) mean nothing
        # in a search: they are dropped, not refused.
        return "".join(c for c in value if c.isprintable() or c == " ").strip() or None

    def given(self, name: str, problem: str) -> str | None:
        """A typed value, exactly as sent: absent is None; empty, padded or odd is a mistake."""
        value = self._get(name)
        if value is None:
            return None
        if not value or value != value.strip() or len(value) > 100 or not value.isprintable():
            self.errors[name] = problem
            return None
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        problem = f"must be a whole number from {low} to {high}"
        value = self.given(name, problem)
        if value is None:
            return None
        if not _INTEGER.fullmatch(value) or not low <= int(value) <= high:
            self.errors[name] = problem
            return None
        return int(value)

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.given(name, f"must be a number from {low:g} to {high:g}")
        if value is None:
            return None
        try:
            number = float(value) if value.isascii() else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high or "_" in value:
            self.errors[name] = f"must be a number from {low:g} to {high:g}"
            return None
        return number

    def uuid(self, name: str) -> str | None:
        problem = "must be an id: a UUID such as 3f7b145d-84af-42d7-8fae-eaca714b02b2"
        value = self.given(name, problem)
        if value is None:
            return None
        if not is_uuid(value):
            self.errors[name] = problem
            return None
        return value.lower()

    def time(self, name: str) -> time | None:
        value = self.given(name, "must be a time such as 09:30")
        if value is None:
            return None
        found = _TIME.fullmatch(value)
        if not found:
            self.errors[name] = "must be a time such as 09:30"
            return None
        return time(int(found[1]), int(found[2]))

    def day(self, name: str) -> str | None:
        value = self.given(name, "must be a day: MO, TU, WE, TH, FR, SA or SU")
        if value is None:
            return None
        if value not in DAYS:
            self.errors[name] = "must be a day: MO, TU, WE, TH, FR, SA or SU"
            return None
        return value


def _age(reader: _Reader) -> tuple[int, int] | None:
    low = reader.number("minimum_age", 0, MAX_AGE)
    high = reader.number("maximum_age", 0, MAX_AGE)
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        # No age is in an upside-down range: a mistake to report, not an empty page.
        reader.errors["minimum_age"] = "must not be more than maximum_age"
        return None
    low_int = math.floor(low) if low is not None else 0
    high_int = math.ceil(high) if high is not None else MAX_AGE
    return low_int, high_int


def read_list_arguments(
    args: MultiDict,
    place: bool = False,
    filters: bool = True,
    refused: Collection[str] = (),
) -> ApiArguments:
    """Check a list request's query string; ``errors`` names each bad argument, including
    each of ``refused`` it reads."""
    reader = _Reader(args, refused)
    out = ApiArguments()
    out.page = reader.integer("page", 1, MAX_PAGE) or 1
    out.per_page = reader.integer("per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    out.taxonomy_id = reader.uuid("taxonomy_id")
    if filters:
        search, text = reader.text("search"), reader.text("text")
        text = search or text or ""
        start, end = reader.time("start_time"), reader.time("end_time")
        out.filters = ApiFilters(
            text=text,
            taxonomy_term_id=reader.uuid("taxonomy_term_id"),
            taxonomy_id=out.taxonomy_id,
            age=_age(reader),
            day=reader.day("day"),
            start_time=start,
            end_time=end,
        )
    if place:
        postcode = reader.given("postcode", "must be a UK postcode such as PO4 8LD, or PO4")
        if postcode is not None:
            shaped = re.fullmatch(POSTCODE_PATTERN, postcode) is not None
            if shaped and (
                is_valid_postcode(postcode)
                or outward_code(postcode) == normalise_postcode(postcode)
            ):
                out.postcode = normalise_postcode(postcode)
            else:
                reader.errors["postcode"] = "must be a UK postcode such as PO4 8LD, or PO4"
        out.proximity_metres = reader.number("proximity", 1, MAX_PROXIMITY_METRES)
        if out.proximity_metres is not None and out.postcode is None:
            reader.errors.setdefault("proximity", "needs a postcode")
    out.errors = reader.errors
    return out


def near(arguments: ApiArguments, found) -> Near | None:
    """The place to measure from, once the postcode has been located."""
    if found is None:
        return None
    return Near(found.lat, found.lon, arguments.proximity_metres)
