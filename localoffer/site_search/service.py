"""Guides and services for one family's words, and which to show first."""

from __future__ import annotations

from dataclasses import dataclass, field

from localoffer.directory.service import (
    DirectoryFilters,
    DirectoryPage,
    SearchOutcome,
    browse_services,
)
from localoffer.guides.service import public_guides_by_id, search_guides
from localoffer.models import GuidePage
from localoffer.search.engine import engine as search_engine
from localoffer.search.query import ParsedQuery, clean_text, split_words
from localoffer.search.whoosh import ANALYZER

SERVICES_SHOWN = 5
GUIDES_SHOWN = 5


def _tokens(phrase: str) -> frozenset[str]:
    return frozenset(token.text for token in ANALYZER(phrase))


def title_matches(parsed: ParsedQuery, title: str) -> bool:
    """True when every typed word or phrase, or one of the thesaurus's phrases for it, is in
    ``title`` (as the index analyses words, so "tribunals" matches "tribunal")."""
    in_title = _tokens(title)
    matched = False
    for group in parsed.groups:
        phrases = [" ".join(group.words), *group.alternatives]
        wanted = [tokens for tokens in map(_tokens, phrases) if tokens]
        if not wanted:
            continue  # only little words such as "the"
        if not any(tokens <= in_title for tokens in wanted):
            return False
        matched = True
    return matched


@dataclass
class GuideHit:
    guide: GuidePage
    snippet: str
    title_match: bool


@dataclass
class CombinedResults:
    """What /search shows: guides and services, and whether guides come first."""

    query: str
    guides: list[GuideHit] = field(default_factory=list)
    guides_total: int = 0
    services: DirectoryPage | None = None
    outcome: SearchOutcome | None = None

    @property
    def guides_first(self) -> bool:
        """Guides lead when one is named by the words searched for, such as "EHCP"."""
        return any(hit.title_match for hit in self.guides)

    @property
    def total(self) -> int:
        return self.guides_total + (self.services.total if self.services else 0)


def combined_search(text: str, exact: bool = False) -> CombinedResults:
    """Search guides and services with the same words, read the same way (``exact``: the
    words as typed, uncorrected)."""
    query = clean_text(text or "")
    if not split_words(query):
        return CombinedResults(query=query)
    services, outcome = browse_services(DirectoryFilters(q=query, exact=exact), 1, SERVICES_SHOWN)
    understanding = outcome.understanding or search_engine().understand(query, exact)
    parsed = understanding.searched
    response = search_guides(query, per_page=GUIDES_SHOWN * 2, exact=exact)
    hits = [
        GuideHit(
            guide,
            response.snippets.get(guide.id, ""),
            title_matches(parsed, guide.published_version.title),
        )
        for guide in public_guides_by_id(response.ids)
    ]
    # Guides named by the words come first; otherwise the index's order stands.
    hits.sort(key=lambda hit: not hit.title_match)
    return CombinedResults(
        query=query,
        guides=hits[:GUIDES_SHOWN],
        guides_total=response.total,
        services=services,
        outcome=outcome,
    )
