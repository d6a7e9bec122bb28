"""The SEND vocabularies as the pages use them: terms by slug, with their narrower terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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


def load_vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary with its terms, read once per request."""
    if "vocabularies" in g:
        return g.vocabularies
    taxonomies = db.session.scalars(
        select(Taxonomy).options(
            selectinload(Taxonomy.terms).selectinload(TaxonomyTerm.parent),
        )
    ).all()
    vocabularies: dict[str, Vocabulary] = {}
    for taxonomy in taxonomies:
        vocabulary = Vocabulary(taxonomy.slug, taxonomy.name, taxonomy.description)
        children: dict[str, list[str]] = {}
        for term in taxonomy.terms:
            if term.parent is not None:
                children.setdefault(term.parent.slug, []).append(term.slug)
        for term in taxonomy.terms:
            vocabulary.terms[term.slug] = Term(
                id=term.id,
                slug=term.slug,
                name=term.name,
                description=term.description,
                parent_slug=term.parent.slug if term.parent else None,
                children=tuple(children.get(term.slug, ())),
            )
        vocabularies[taxonomy.slug] = vocabulary
    g.vocabularies = vocabularies
    return vocabularies
