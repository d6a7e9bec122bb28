"""Full-text search over the directory: documents, the backend interface, thesaurus, geocoding.

The Whoosh backend lives in ``localoffer.search.whoosh`` (a package); import it where it is chosen
so that other backends (PostgreSQL full-text) can stand behind the same interface.
"""

from localoffer.search.backend import (
    SearchBackend,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    SearchWriteTimeout,
)
from localoffer.search.documents import ServiceDocument
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry, load_thesaurus

__all__ = [
    "SearchBackend",
    "SearchRequest",
    "SearchResponse",
    "SearchUnavailable",
    "SearchWriteTimeout",
    "ServiceDocument",
    "Thesaurus",
    "ThesaurusEntry",
    "load_thesaurus",
]
