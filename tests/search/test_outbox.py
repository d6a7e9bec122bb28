"""The search outbox: rows written with the change, and each index's progress through them."""

from __future__ import annotations

from sqlalchemy import insert, select

from localoffer.extensions import db
from localoffer.models import SearchChange, Taxonomy, TaxonomyTerm
from localoffer.search import outbox
from localoffer.search.outbox import GAP_SECONDS, Progress
from tests import factories


def _rows() -> set[tuple[str, str, int]]:
    return set(
        db.session.execute(select(SearchChange.collection, SearchChange.kind, SearchChange.key))
    )


def test_a_committed_change_writes_its_row_in_the_same_transaction(empty_app):
    service = factories.service()
    db.session.commit()
    assert ("services", "service", service.id) in _rows()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()

    service.name = "Renamed"
    db.session.flush()
    db.session.flush()  # flushed twice, noted once
    db.session.commit()
    assert db.session.scalars(select(SearchChange.key)).all() == [service.id]


def test_a_rolled_back_change_writes_no_row(empty_app):
    service = factories.service()
    db.session.commit()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    service.name = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert _rows() == set()


def test_a_renamed_term_is_noted_for_services_and_guides(empty_app):
    term = TaxonomyTerm(taxonomy=Taxonomy(slug="need", name="Needs"), slug="a", name="A")
    db.session.add(term)
    db.session.commit()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    term.name = "B"
    db.session.commit()
    assert _rows() == {("services", "term", term.id), ("guides", "term", term.id)}


def test_a_guide_version_is_noted_as_its_guide(empty_app):
    guide = factories.guide()
    db.session.commit()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    guide.published_version.title = "New"
    db.session.commit()
    assert _rows() == {("guides", "guide", guide.id)}


def _write(ids: list[int], collection: str = "services") -> None:
    db.session.execute(
        insert(SearchChange),
        [{"id": i, "collection": collection, "kind": "service", "key": i * 10} for i in ids],
    )


def test_pending_rows_follow_progress_and_skipped_ids_are_looked_for_again(empty_app):
    db.session.execute(db.delete(SearchChange))
    _write([1, 2, 4])
    _write([5, 7], collection="guides")
    connection = db.session.connection()
    first = outbox.pending(connection, "services", Progress(), now=1000.0)
    assert first.changes == {"service": {10, 20, 40}} and first.rows == 3
    # A guide's row is no gap in the services' rows: ids are followed across collections.
    assert first.progress.through == 7
    assert first.progress.gaps == {3: 1000.0, 6: 1000.0}  # may yet commit (PostgreSQL)

    _write([3])
    assert outbox.has_pending(connection, "services", first.progress)
    second = outbox.pending(connection, "services", first.progress, now=1001.0)
    assert second.changes == {"service": {30}}
    assert second.progress.through == 7 and second.progress.gaps == {6: 1000.0}
    _write([6], collection="guides")
    third = outbox.pending(connection, "services", second.progress, now=1002.0)
    assert third.changes == {} and third.rows == 0
    assert third.progress.gaps == {}
    assert not outbox.has_pending(connection, "services", third.progress)
    assert outbox.count_pending(connection, "services", third.progress) == 0


def test_a_gap_that_never_fills_is_given_up_after_a_while(empty_app):
    db.session.execute(db.delete(SearchChange))
    _write([1, 3])
    connection = db.session.connection()
    first = outbox.pending(connection, "services", Progress(), now=0.0)
    assert first.progress.gaps == {2: 0.0}
    still = outbox.pending(connection, "services", first.progress, now=GAP_SECONDS - 1)
    assert still.progress.gaps == {2: 0.0}
    given_up = outbox.pending(connection, "services", first.progress, now=GAP_SECONDS + 1)
    assert given_up.progress.gaps == {}


def test_progress_survives_being_stored_and_a_damaged_one_starts_again():
    progress = Progress(through=7, gaps={5: 12.5}, at=99.0)
    assert Progress.read(progress.stored()) == progress
    assert Progress.read({"through": "x"}) == Progress()
    assert Progress.read(None) == Progress()


def test_the_progress_of_a_fresh_build_starts_at_the_newest_row(empty_app):
    db.session.execute(db.delete(SearchChange))
    _write([3, 4, 7])
    _write([5], collection="guides")
    progress = outbox.progress_now(db.session.connection(), now=5.0)
    assert progress.through == 7
    assert progress.gaps == {6: 5.0}


def test_a_change_flushed_again_after_a_savepoint_rolled_back_is_noted_again(empty_app):
    service = factories.service()
    db.session.commit()
    db.session.execute(db.delete(SearchChange))
    db.session.commit()
    with db.session.begin_nested() as savepoint:
        service.name = "Inside the savepoint"
        db.session.flush()
        savepoint.rollback()
    service.name = "After the savepoint"
    db.session.commit()
    assert _rows() == {("services", "service", service.id)}


def test_a_database_before_the_outbox_still_saves_and_searches(empty_app):
    from flask_migrate import downgrade

    from localoffer.search.engine import engine
    from tests.conftest import PROJECT_ROOT

    downgrade(directory=str(PROJECT_ROOT / "migrations"), revision="0011")
    service = factories.service(name="Quillwort club")
    db.session.commit()  # no outbox to write to: saved all the same
    with empty_app.test_request_context("/services?q=quillwort"):
        from localoffer.search.backend import SearchRequest

        # The index is built from the database (a rebuild needs no outbox either).
        assert engine().search(SearchRequest(text="quillwort")).ids == [service.id]
        assert engine().status()["services"].stale == 0
