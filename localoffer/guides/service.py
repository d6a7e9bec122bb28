"""Queries behind the public guide pages: contents, one guide, related and suggested services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localoffer.extensions import db
from localoffer.listings.visibility import listing_options, publicly_listed
from localoffer.models import (
    GuideAudience,
    GuidePage,
    GuideSection,
    GuideStatus,
    Service,
    TaxonomyTerm,
    service_taxonomy_term,
)
from localoffer.search.backend import SearchRequest, SearchResponse
from localoffer.search.collections.guides import published_guide_conditions
from localoffer.search.engine import engine

SUGGESTED_SERVICES = 5


def search_guides(text: str, per_page: int = 10, exact: bool = False) -> SearchResponse:
    """Published guides matching ``text``, most relevant first, read as the services search
    reads the words (``exact``: without correcting them)."""
    return engine().search(
        SearchRequest(text=text, per_page=per_page, facet_values={}, exact=exact),
        collection="guides",
    )


def _public_guides():
    return (
        select(GuidePage)
        .where(*published_guide_conditions())
        .options(selectinload(GuidePage.published_version), selectinload(GuidePage.section))
    )


@dataclass
class ContentsSection:
    section: GuideSection
    guides: list[GuidePage]


def contents() -> tuple[list[ContentsSection], list[GuidePage]]:
    """Published family guides grouped by section in order, and the young people's guides."""
    guides = db.session.scalars(_public_guides()).all()
    ordered = sorted(
        guides,
        key=lambda g: (g.section.position, g.position, g.published_version.title.casefold()),
    )
    sections: dict[int, ContentsSection] = {}
    for guide in ordered:
        if guide.audience is GuideAudience.FAMILIES:
            sections.setdefault(guide.section_id, ContentsSection(guide.section, [])).guides.append(
                guide
            )
    young = [g for g in ordered if g.audience is GuideAudience.YOUNG_PEOPLE]
    return list(sections.values()), young


def young_people_guides() -> list[GuidePage]:
    """Published guides written for young people, in contents order."""
    return contents()[1]


def get_public_guide(slug: str) -> GuidePage | None:
    """A published guide with what its page shows, or None."""
    return db.session.scalar(
        _public_guides()
        .where(GuidePage.slug == slug)
        .options(
            selectinload(GuidePage.related_services).options(*listing_options()),
            selectinload(GuidePage.taxonomy_terms),
            selectinload(GuidePage.young_people_version),
            selectinload(GuidePage.family_version),
        )
    )


def public_guides_by_id(ids: list[int]) -> list[GuidePage]:
    """The published guides among ``ids``, in the order given."""
    if not ids:
        return []
    found = {g.id: g for g in db.session.scalars(_public_guides().where(GuidePage.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def related_services(guide: GuidePage) -> list[Service]:
    """The services the officer chose, leaving out any families cannot see now."""
    listed = set(
        db.session.scalars(
            select(Service.id).where(
                Service.id.in_([s.id for s in guide.related_services]), *publicly_listed()
            )
        )
    )
    return [s for s in guide.related_services if s.id in listed]


def suggested_services(guide: GuidePage, limit: int = SUGGESTED_SERVICES) -> list[Service]:
    """Listed services sharing the most need and category terms with the guide (a broad term
    counts for its narrower ones), leaving out the ones already chosen."""
    term_ids = {t.id for t in guide.taxonomy_terms if t.taxonomy.slug in ("need", "category")}
    if not term_ids:
        return []
    term_ids |= set(
        db.session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.parent_id.in_(term_ids)))
    )
    shared = func.count(service_taxonomy_term.c.taxonomy_term_id)
    chosen = [s.id for s in guide.related_services]
    ranked = (
        select(Service.id)
        .join(service_taxonomy_term, service_taxonomy_term.c.service_id == Service.id)
        .where(
            service_taxonomy_term.c.taxonomy_term_id.in_(term_ids),
            Service.id.not_in(chosen),
            *publicly_listed(),
        )
        .group_by(Service.id, Service.name)
        .order_by(shared.desc(), func.lower(Service.name))
        .limit(limit)
    )
    ids = list(db.session.scalars(ranked))
    found = {
        s.id: s
        for s in db.session.scalars(
            select(Service).where(Service.id.in_(ids)).options(*listing_options())
        )
    }
    return [found[i] for i in ids if i in found]


@dataclass
class GuidesDue:
    overdue: list[GuidePage]
    due_soon: list[GuidePage]


def guides_due_for_review(today: date, within_days: int) -> GuidesDue:
    """Guides not unpublished whose review date has passed or falls within ``within_days``."""
    horizon = today + timedelta(days=within_days)
    guides = db.session.scalars(
        select(GuidePage)
        .where(
            GuidePage.status != GuideStatus.UNPUBLISHED,
            GuidePage.review_due_on.is_not(None),
            GuidePage.review_due_on <= horizon,
        )
        .options(selectinload(GuidePage.versions))
        .order_by(GuidePage.review_due_on, GuidePage.slug)
    ).all()
    return GuidesDue(
        overdue=[g for g in guides if g.review_due_on < today],
        due_soon=[g for g in guides if g.review_due_on >= today],
    )
