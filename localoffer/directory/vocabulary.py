"""The SEND vocabularies as the pages use them: terms by slug, with their narrower terms."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from flask import g
from sqlalchemy import Connection, select

from localoffer.content_versions import read_versions, version_of
from localoffer.extensions import db
from localoffer.models import Taxonomy, TaxonomyTerm

# The vocabularies a family can filter the directory by, in the order the filters appear.
FILTER_TAXONOMIES = ("category", "need", "level", "access")


@dataclass(frozen=True)
class Term:
    id: int
    slug: str
    name: str
    description: str
    parent_slug: str | None
    children: tuple[str, ...] = ()


@dataclass
class Vocabulary:
    slug: str
    name: str
    description: str
    terms: dict[str, Term] = field(default_factory=dict)

    @property
    def top_level(self) -> list[Term]:
        return [t for t in self.terms.values() if t.parent_slug is None]

    def expand(self, slugs: list[str]) -> set[int]:
        """Term ids for ``slugs`` and everything narrower, so "Cognition and learning"
        also finds services tagged with "Dyslexia"."""
        ids: set[int] = set()
        pending = list(slugs)
        while pending:
            term = self.terms.get(pending.pop())
            if term is None:
                continue
            ids.add(term.id)
            pending.extend(term.children)
        return ids

    def ancestors(self, slug: str) -> list[str]:
        chain = []
        term = self.terms.get(slug)
        while term is not None and term.parent_slug is not None:
            chain.append(term.parent_slug)
            term = self.terms.get(term.parent_slug)
        return chain

    def ordered(self) -> list[Term]:
        """Terms depth first: each broad term followed by its narrower terms."""
        out: list[Term] = []

        def walk(term: Term) -> None:
            out.append(term)
            for child in term.children:
                walk(self.terms[child])

        for term in self.top_level:
            walk(term)
        return out

    @cached_property
    def outline(self) -> tuple[tuple[Term, int], ...]:
        """``ordered()`` with each term's depth (0 for a broad term), worked out once: every
        results page lists the filters this way, and a vocabulary is not changed once built."""
        return tuple((term, len(self.ancestors(term.slug))) for term in self.ordered())


# The vocabularies last built in this process, with the label they were built at: the
# database and its ``vocabulary`` version, or (on a database without the counter) the rows.
_cached: tuple[object, dict[str, Vocabulary]] | None = None
_cache_lock = threading.Lock()


# Built once: read whenever the vocabularies change, they cost less without building a statement.
_TAXONOMY_ROWS = select(Taxonomy.id, Taxonomy.slug, Taxonomy.name, Taxonomy.description).order_by(
    Taxonomy.id
)
_TERM_ROWS = select(
    TaxonomyTerm.id,
    TaxonomyTerm.taxonomy_id,
    TaxonomyTerm.parent_id,
    TaxonomyTerm.slug,
    TaxonomyTerm.name,
    TaxonomyTerm.description,
    TaxonomyTerm.position,
).order_by(TaxonomyTerm.taxonomy_id, TaxonomyTerm.position, TaxonomyTerm.id)


def _rows(connection: Connection) -> tuple:
    """Every vocabulary's and term's row as plain tuples: cheap to read and to compare."""
    # Plain rows need none of the ORM's work, so they go straight to the connection.
    taxonomies = connection.execute(_TAXONOMY_ROWS).all()
    terms = connection.execute(_TERM_ROWS).all()
    return tuple(map(tuple, taxonomies)), tuple(map(tuple, terms))


def _build(rows: tuple) -> dict[str, Vocabulary]:
    taxonomies, terms = rows
    slugs = {term_id: slug for term_id, _, _, slug, *_ in terms}
    by_taxonomy: dict[int, list[tuple]] = {}
    for row in terms:
        by_taxonomy.setdefault(row[1], []).append(row)
    vocabularies: dict[str, Vocabulary] = {}
    for taxonomy_id, taxonomy_slug, name, description in taxonomies:
        vocabulary = Vocabulary(taxonomy_slug, name, description)
        own = by_taxonomy.get(taxonomy_id, [])
        children: dict[str, list[str]] = {}
        for _, _, parent_id, slug, *_ in own:
            if parent_id is not None:
                children.setdefault(slugs[parent_id], []).append(slug)
        for term_id, _, parent_id, slug, term_name, term_description, _ in own:
            vocabulary.terms[slug] = Term(
                id=term_id,
                slug=slug,
                name=term_name,
                description=term_description,
                parent_slug=slugs[parent_id] if parent_id is not None else None,
                children=tuple(children.get(slug, ())),
            )
        vocabularies[taxonomy_slug] = vocabulary
    return vocabularies


def load_vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary with its terms, read once per request.

    Each request reads the ``vocabulary`` change counter (``content_versions``, one tiny query
    shared with the glossary's check); the vocabularies are rebuilt only when it differs from
    the version this process built them at, so an officer's change shows at once in every
    worker. On a database without the counter (not yet migrated) the rows themselves are read
    and compared instead. Callers must not change what is returned: it is shared between
    requests.
    """
    if "vocabularies" in g:
        return g.vocabularies
    version = version_of("vocabulary")
    if version is None:
        vocabularies = _built_from_rows()
    else:
        vocabularies = _built_at(version)
    g.vocabularies = vocabularies
    return vocabularies


def _built_at(version: int) -> dict[str, Vocabulary]:
    """The vocabularies at ``version`` of the counter, as this request's transaction sees it."""
    global _cached
    with _cache_lock:
        if _cached is not None and _cached[0] == (db.engine.url, version):
            return _cached[1]
        # Only committed rows go into the shared cache, read on a connection of their own: this
        # request's transaction may hold writes of its own that are later rolled back, and a
        # version number they bumped would be used again by the next committed change.
        # The version is read before the rows: rows newer than their label are only rebuilt
        # once more, while older rows under a newer label would be served stale.
        with db.engine.connect() as connection:
            committed = read_versions(connection).get("vocabulary")
            if _cached is None or _cached[0] != (db.engine.url, committed):
                _cached = ((db.engine.url, committed), _build(_rows(connection)))
        vocabularies = _cached[1]
    if committed == version:
        return vocabularies
    # This transaction sees other rows (its own writes, or a commit since it read the
    # counter): build them for this request only.
    return _build(_rows(db.session.connection()))


def _built_from_rows() -> dict[str, Vocabulary]:
    """The vocabularies on a database without the change counter: the rows are compared."""
    global _cached
    rows = _rows(db.session.connection())
    with _cache_lock:
        if _cached is None or _cached[0] != rows:
            _cached = (rows, _build(rows))
        return _cached[1]
