"""The one interface every search backend implements: documents in, ranked ids and counts out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from localoffer.search.documents import ServiceDocument
from localoffer.search.query import ParsedQuery
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry
from localoffer.search.understanding import Understanding

MAX_AGE = 25
SORTS = ("relevance", "name", "distance")


class SearchUnavailable(RuntimeError):
    """The index is missing or cannot be read; ``rebuild`` makes a fresh one."""


class SearchWriteTimeout(RuntimeError):
    """Another process held the index's write lock for longer than the bounded wait."""


@dataclass(frozen=True)
class SearchRequest:
    """A family's search: words, selected facet values, age, place and page."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    age: tuple[int, int] | None = None
    near: tuple[float, float] | None = None
    within_miles: float | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facet_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The words as the engine read them (``understanding``): groups with their weights. When
    # None, the backend groups ``text`` with its thesaurus itself.
    query: ParsedQuery | None = None
    # Close matches with a location in one of these towns come first ...
    prefer_towns: tuple[str, ...] = ()
    # ... or, here, are the only ones found.
    towns: tuple[str, ...] = ()
    # A service matching at least this share of the words' weight is a close match: counted
    # in ``close_total``, and first when sorting by distance.
    close_coverage: float = 0.0
    # Search the words exactly as typed: no spelling correction ("Search instead for ...").
    exact: bool = False


@dataclass
class SearchResponse:
    """One page of results with everything the results page shows around them."""

    ids: list[int]
    total: int
    page: int
    pages: int
    snippets: dict[int, str] = field(default_factory=dict)
    distances: dict[int, float] = field(default_factory=dict)
    # Each result's ServiceDocument.summary, for the ids whose document has one.
    summaries: dict[int, str] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    age_counts: dict[int, int] = field(default_factory=dict)
    interpreted_as: str = ""
    expansions: list[ThesaurusEntry] = field(default_factory=list)
    # The share of the words' weight each result on the page matched (1.0 with no words).
    coverage: dict[int, float] = field(default_factory=dict)
    # How many results match at least ``close_coverage`` of the words' weight.
    close_total: int = 0
    # Set by the engine: how it read the words, and whether any result matches them well.
    understanding: Understanding | None = None
    close_match: bool = True


class SearchBackend(Protocol):
    """What an index needs of a backend. It stores documents with their fingerprints and, with
    them, the index's progress through the outbox (written only once the documents are)."""

    thesaurus: Thesaurus

    def rebuild(self, documents: Iterable[ServiceDocument], progress: dict | None = None) -> int:
        """Replace every document; returns how many were written."""
        ...

    def apply(
        self,
        upserts: Iterable[ServiceDocument],
        deletes: Iterable[int],
        progress: dict | None,
        wait: float | None = None,
    ) -> None:
        """Write and delete documents, then store ``progress``, under one hold of the write
        lock (waiting at most ``wait`` seconds for it: ``SearchWriteTimeout``)."""
        ...

    def upsert(self, documents: Iterable[ServiceDocument]) -> None: ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def read_progress(self) -> dict:
        """The progress last stored with the documents (empty when none)."""
        ...

    def fingerprints(self) -> dict[int, str]:
        """Every document's id and fingerprint."""
        ...

    def word_frequencies(self) -> Mapping[str, int]:
        """Every word the documents use (lower case, as written) and how many documents use
        it: the spelling corrector's known words. The same object until the index changes."""
        ...

    def doc_count(self) -> int: ...

    def ids(self) -> set[int]: ...

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def is_healthy(self) -> bool: ...
