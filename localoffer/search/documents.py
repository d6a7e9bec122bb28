"""What the index holds for one service: flat text, facet slugs, ages and map points."""

from __future__ import annotations

from dataclasses import dataclass, field

FACET_NAMES = ("category", "need", "level", "access", "cost")


@dataclass(frozen=True)
class ServiceDocument:
    """One listed service as the search engine sees it; the app builds these from the database."""

    id: int
    name: str
    alternate_name: str = ""
    description: str = ""
    organization: str = ""
    need_text: str = ""
    category_text: str = ""
    eligibility_text: str = ""
    towns: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    age_ranges: tuple[tuple[int, int], ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    # What the service's results item shows (ages, towns, cost, types of help) as text the app
    # wrote and reads back: the index keeps it so a results page needs no query for it.
    summary: str = ""
    # A hash of what the document was built from, computed by the caller: the index keeps it
    # (never searched, never scored) so that a changed service can be told from an unchanged
    # one without building its document again (WhooshBackend.fingerprints).
    fingerprint: str = ""
