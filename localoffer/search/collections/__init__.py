"""The collections search holds: what notes a change, which documents it touches, how to build
them and their fingerprints. Services and guides are the two; an index holds one collection.

A collection knows only models and the layer below search (``localoffer.listings``,
``localoffer.text``): it never imports the parts of the site that use search.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from localoffer.search.collections.guides import GUIDES
from localoffer.search.collections.services import SERVICES
from localoffer.search.documents import ServiceDocument


class Collection(Protocol):
    """One kind of document in the index, and how it follows the database."""

    name: str

    def notes(self, row: object) -> Iterable[tuple[str, int | None]]:
        """``(kind, key)`` for each change a flushed, changed ``row`` means to this collection."""
        ...

    def affected(self, session: Session, changes: Mapping[str, set[int]]) -> set[int]:
        """The documents (by id) that noted changes ``{kind: keys}`` touch."""
        ...

    def documents(self, session: Session, ids: Iterable[int] | None = None) -> Iterator:
        """The public documents (all, or those among ``ids``), each with its fingerprint."""
        ...

    def fingerprints(self, session: Session) -> dict[int, str]:
        """The fingerprint of every public document as the database stands."""
        ...


COLLECTIONS: tuple[Collection, ...] = (SERVICES, GUIDES)
NAMES = tuple(collection.name for collection in COLLECTIONS)

__all__ = ["COLLECTIONS", "NAMES", "Collection", "ServiceDocument"]
