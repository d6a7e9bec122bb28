"""The guides collection: every published guide page, for the guides' and the site's search.

A published guide becomes a document: its title in the ``name`` field (boosted most), summary in
``alternate_name``, summary and body in ``description`` (which snippets come from), its need and
category terms and its section in the term fields, its audience and section as facets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, selectinload

from localoffer.models import (
    GuidePage,
    GuideSection,
    GuideStatus,
    GuideVersion,
    Taxonomy,
    TaxonomyTerm,
    guide_taxonomy_term,
)
from localoffer.search.collections.terms import TermRows, term_and_descendants
from localoffer.search.documents import ServiceDocument
from localoffer.search.fingerprint import (
    SharedTexts,
    chunks,
    column_position,
    digest,
    public_rows,
    rows_by,
    text_of,
)
from localoffer.text import plain_text


def published_guide_conditions() -> list:
    """Conditions for a guide families can see."""
    return [GuidePage.status == GuideStatus.PUBLISHED, GuidePage.published_number.is_not(None)]


def _names_with_ancestors(terms: Iterable[TaxonomyTerm], taxonomy: str) -> str:
    names: dict[str, None] = {}
    for term in terms:
        if term.taxonomy.slug != taxonomy:
            continue
        while term is not None:
            names[term.name] = None
            term = term.parent
    return ", ".join(names)


def guide_document(guide: GuidePage) -> ServiceDocument:
    """What search matches for one published guide."""
    version = guide.published_version
    return ServiceDocument(
        id=guide.id,
        name=version.title,
        alternate_name=version.summary,
        description=version.summary + " " + plain_text(version.body),
        need_text=_names_with_ancestors(guide.taxonomy_terms, "need"),
        category_text=", ".join(
            part
            for part in (
                guide.section.name,
                _names_with_ancestors(guide.taxonomy_terms, "category"),
            )
            if part
        ),
        facets={"audience": (guide.audience.value,), "section": (guide.section.slug,)},
    )


class GuideCollection:
    """Published guide pages."""

    name = "guides"

    def notes(self, row: object) -> Iterable[tuple[str, int | None]]:
        if isinstance(row, GuidePage):
            yield "guide", row.id
        elif isinstance(row, GuideVersion):
            yield "guide", row.guide_id
        elif isinstance(row, GuideSection):
            yield "section", row.id
        elif isinstance(row, TaxonomyTerm):
            yield "term", row.id
        elif isinstance(row, Taxonomy):
            yield "taxonomy", row.id

    def affected(self, session: Session, changes: Mapping[str, set[int]]) -> set[int]:
        ids = set(changes.get("guide", ()))
        if sections := changes.get("section"):
            ids.update(
                session.scalars(
                    select(GuidePage.id).where(GuidePage.section_id.in_(sorted(sections)))
                )
            )
        terms = term_and_descendants(session, changes.get("term", ()), changes.get("taxonomy", ()))
        if terms:
            link = guide_taxonomy_term.c
            ids.update(
                session.scalars(
                    select(link.guide_id).where(link.taxonomy_term_id.in_(sorted(terms)))
                )
            )
        ids.discard(None)
        return ids

    def documents(self, session: Session, ids: Iterable[int] | None = None) -> Iterator:
        statement = (
            select(GuidePage)
            .where(*published_guide_conditions())
            .options(
                selectinload(GuidePage.published_version),
                selectinload(GuidePage.section),
                selectinload(GuidePage.taxonomy_terms).selectinload(TaxonomyTerm.parent),
                selectinload(GuidePage.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
            )
            .order_by(GuidePage.id)
        )
        wanted = None if ids is None else sorted(set(ids))
        for chunk in chunks(wanted):
            query = statement if chunk is None else statement.where(GuidePage.id.in_(chunk))
            guides = [guide for guide in session.scalars(query) if guide.published_version]
            prints = guide_fingerprints(session.connection(), [guide.id for guide in guides])
            for guide in guides:
                yield replace(guide_document(guide), fingerprint=prints.get(guide.id, ""))

    def fingerprints(self, session: Session) -> dict[int, str]:
        return guide_fingerprints(session.connection())


_VERSION_NUMBER = column_position(GuideVersion.__table__, "number")
_TERM_COLUMN = column_position(guide_taxonomy_term, "taxonomy_term_id")


def guide_fingerprints(connection: Connection, ids: Sequence[int] | None = None) -> dict:
    """The fingerprint of each published guide (all, or those among ``ids``): its page row, its
    published version's row, its section's, and its terms with their broader terms."""
    pages = public_rows(connection, GuidePage.__table__, published_guide_conditions(), ids)
    if not pages:
        return {}
    keys = [row.id for row in pages]
    versions = rows_by(connection, GuideVersion.__table__, "guide_id", keys)
    sections = rows_by(connection, GuideSection.__table__, "id", [row.section_id for row in pages])
    links = rows_by(
        connection, guide_taxonomy_term, "guide_id", keys, order_by=("guide_id", "taxonomy_term_id")
    )
    terms = TermRows(connection)
    section_texts = SharedTexts(sections)
    prints = {}
    for row in pages:
        published = [
            version
            for version in versions.get(row.id, ())
            if version[_VERSION_NUMBER] == row.published_number
        ]
        own_links = links.get(row.id, ())
        prints[row.id] = digest(
            (
                repr(("guide_page", *row)),
                text_of(published),
                section_texts[row.section_id],
                text_of(own_links),
                *(terms.chain_text(link[_TERM_COLUMN]) for link in own_links),
            )
        )
    return prints


GUIDES = GuideCollection()
