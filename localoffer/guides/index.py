"""The guides' search index: a second index of the same Whoosh backend as services, kept apart
so the directory's index, its tests and its relevance tuning are untouched.

A published guide becomes a document: its title in the ``name`` field (boosted most), summary in
``alternate_name``, summary and body in ``description`` (which snippets come from), its need and
category terms and its section in the term fields. The index is kept in step after each commit,
checked at start-up and rebuilt with ``flask search reindex-guides``, exactly as services are.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator

import click
from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from localoffer.extensions import db
from localoffer.models import GuidePage, GuideStatus, GuideVersion, TaxonomyTerm
from localoffer.search.backend import SearchRequest, SearchResponse, SearchUnavailable
from localoffer.search.documents import ServiceDocument
from localoffer.search.engine import engine as search_engine
from localoffer.search.engine import search_cli
from localoffer.search.whoosh_backend import WhooshBackend
from localoffer.text import plain_text

logger = logging.getLogger(__name__)

EXTENSION = "guide_index"
PENDING = "guide_index_pending"


def index_dir(app: Flask) -> str:
    """``GUIDE_INDEX_DIR``, or a folder beside the services' index."""
    configured = app.config.get("GUIDE_INDEX_DIR")
    if configured:
        return str(configured)
    return os.path.normpath(str(app.config["SEARCH_INDEX_DIR"])) + "-guides"


def public_conditions() -> list:
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


def public_documents(session: Session, ids: Iterable[int] | None = None) -> Iterator:
    """Documents for the published guides (all of them, or those among ``ids``)."""
    statement = (
        select(GuidePage)
        .where(*public_conditions())
        .options(
            selectinload(GuidePage.published_version),
            selectinload(GuidePage.section),
            selectinload(GuidePage.taxonomy_terms).selectinload(TaxonomyTerm.parent),
            selectinload(GuidePage.taxonomy_terms).selectinload(TaxonomyTerm.taxonomy),
        )
        .order_by(GuidePage.id)
    )
    if ids is not None:
        statement = statement.where(GuidePage.id.in_(sorted(set(ids))))
    for guide in session.scalars(statement):
        if guide.published_version is not None:
            yield guide_document(guide)


class GuideIndex:
    """The guides' backend, sharing the services' thesaurus."""

    def __init__(self, backend: WhooshBackend) -> None:
        self.backend = backend

    def rebuild(self) -> int:
        with Session(db.engine) as session:
            return self.backend.rebuild(public_documents(session))

    def is_in_step(self) -> bool:
        if not self.backend.is_healthy():
            return False
        public = set(db.session.scalars(select(GuidePage.id).where(*public_conditions())))
        return self.backend.ids() == public

    def search(self, text: str, per_page: int = 10) -> SearchResponse:
        """Published guides matching ``text``, most relevant first, with the thesaurus applied."""
        self.backend.thesaurus = search_engine().refresh_thesaurus()
        request = SearchRequest(text=text, per_page=per_page, facet_values={})
        try:
            return self.backend.search(request)
        except SearchUnavailable:
            self.rebuild()
            return self.backend.search(request)

    def apply_changes(self, ids: set[int]) -> None:
        """Re-read the guides in ``ids`` and update or drop their documents."""
        with Session(db.engine) as session:
            documents = list(public_documents(session, ids))
        self.backend.upsert(documents)
        gone = ids - {document.id for document in documents}
        if gone:
            self.backend.delete(gone)


def guide_index() -> GuideIndex:
    return current_app.extensions[EXTENSION]


# Keeping the index in step: note guides in after_flush, apply after commit, forget on rollback.


def _after_flush(session: Session, flush_context) -> None:
    touched = session.info.setdefault(PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, GuidePage):
            touched.add(obj.id)
        elif isinstance(obj, GuideVersion):
            touched.add(obj.guide_id)
        elif isinstance(obj, TaxonomyTerm):
            # A renamed term changes what the guides tagged with it match.
            touched.add(("term", obj.id))


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _after_commit(session: Session) -> None:
    touched = session.info.pop(PENDING, None)
    if not touched:
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return
    index = app.extensions.get(EXTENSION)
    if index is None:
        return
    try:
        ids = {item for item in touched if isinstance(item, int)}
        terms = {item[1] for item in touched if isinstance(item, tuple)}
        if terms:
            ids |= _guides_with_terms(terms)
        if ids:
            index.apply_changes(ids)
    except Exception:
        # The database change stands; the index catches up at the next start-up check or reindex.
        logger.exception("Guide index update failed after commit; run flask search reindex-guides")


def _guides_with_terms(term_ids: set[int]) -> set[int]:
    from localoffer.models import guide_taxonomy_term

    with Session(db.engine) as session:
        return set(
            session.scalars(
                select(guide_taxonomy_term.c.guide_id).where(
                    guide_taxonomy_term.c.taxonomy_term_id.in_(term_ids)
                )
            )
        )


def _check_at_start_up(app: Flask) -> None:
    with app.app_context():
        try:
            index = app.extensions[EXTENSION]
            if not index.is_in_step():
                count = index.rebuild()
                logger.warning("Guide index was missing or out of step; rebuilt %d", count)
        except SQLAlchemyError:
            # No tables yet (before `db upgrade`).
            db.session.rollback()
        finally:
            db.session.remove()


@search_cli.command("reindex-guides")
def reindex_guides_command() -> None:
    """Rebuild the guides' search index from the database."""
    count = guide_index().rebuild()
    click.echo(f"Indexed {count} published guides.")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = GuideIndex(WhooshBackend(index_dir(app)))
    for name, handler in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
    if app.config.get("SEARCH_CHECK_ON_START", True):
        _check_at_start_up(app)
