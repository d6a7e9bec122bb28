"""Vocabulary terms as both collections use them: a term's broader terms, and the terms under it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from localoffer.models import Taxonomy, TaxonomyTerm
from localoffer.search.fingerprint import column_position, rows_by_id, text_of

_TERMS = TaxonomyTerm.__table__
# rows_by_id's rows start with the table's name.
_PARENT = 1 + column_position(_TERMS, "parent_id")
_TAXONOMY = 1 + column_position(_TERMS, "taxonomy_id")


class TermRows:
    """Every term's and vocabulary's row, read once: vocabularies are small."""

    def __init__(self, connection: Connection) -> None:
        self.terms = rows_by_id(connection, _TERMS)
        self.taxonomies = rows_by_id(connection, Taxonomy.__table__)
        self._texts: dict[int, str] = {}

    def chain_text(self, term_id: int) -> str:
        """A term's row, its broader terms' rows and their vocabularies' rows, as text."""
        text = self._texts.get(term_id)
        if text is None:
            text = self._texts[term_id] = text_of(self._chain(term_id))
        return text

    def _chain(self, term_id: int | None) -> Iterator[tuple]:
        seen: set[int] = set()
        while term_id is not None and term_id not in seen:
            seen.add(term_id)
            row = self.terms.get(term_id)
            if row is None:
                return
            yield row
            taxonomy = row[_TAXONOMY]
            yield self.taxonomies.get(taxonomy, ("taxonomy", taxonomy))
            term_id = row[_PARENT]


def term_and_descendants(
    session: Session, term_ids: Iterable[int], taxonomy_ids: Iterable[int] = ()
) -> set[int]:
    """``term_ids``, every term under them at any depth, and every term of ``taxonomy_ids``:
    a document shows a term's name and its broader terms' names."""
    found = set(term_ids)
    taxonomies = sorted(set(taxonomy_ids))
    if taxonomies:
        found.update(
            session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.taxonomy_id.in_(taxonomies)))
        )
    frontier = set(found)
    while frontier:
        children = set(
            session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.parent_id.in_(frontier)))
        )
        frontier = children - found
        found |= frontier
    found.discard(None)
    return found
