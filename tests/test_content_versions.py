"""The content change counters: bumped by the database's triggers on every write, read once per
request, and what the vocabularies' and the thesaurus's caches check instead of their rows."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask_migrate import downgrade
from sqlalchemy import delete, event, insert, inspect, select, text, update

from localoffer.directory import vocabulary
from localoffer.directory.vocabulary import FILTER_TAXONOMIES, load_vocabularies
from localoffer.extensions import db
from localoffer.models import ContentVersion, GlossaryTerm, Taxonomy, TaxonomyTerm
from localoffer.search.engine import engine
from tests import factories
from tests.conftest import PROJECT_ROOT

COUNTERS = ("vocabulary", "glossary")


def versions() -> dict[str, int]:
    """Every counter as the database holds it now (committed), on a connection of its own."""
    with db.engine.connect() as connection:
        return dict(connection.execute(select(ContentVersion.name, ContentVersion.version)).all())


def session_versions() -> dict[str, int]:
    """Every counter as this session's transaction sees it."""
    return dict(db.session.execute(select(ContentVersion.name, ContentVersion.version)).all())


@contextmanager
def a_request(app):
    """A fresh app context: its own g and session, as a request has."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.rollback()


def a_vocabulary() -> tuple[Taxonomy, TaxonomyTerm]:
    taxonomy = Taxonomy(slug="need", name="Area of need", description="")
    term = TaxonomyTerm(taxonomy=taxonomy, slug="hearing", name="Hearing", position=0)
    db.session.add_all([taxonomy, term])
    db.session.commit()
    return taxonomy, term


def a_glossary_term(**values) -> GlossaryTerm:
    fields = {"term": "ASD", "meaning": "Autism spectrum disorder.", "synonyms": ["asc"]}
    fields.update(values)
    term = GlossaryTerm(expands_to=["autism"], **fields)
    db.session.add(term)
    db.session.commit()
    return term


def assert_bumped_only(before: dict[str, int], counter: str) -> None:
    after = versions()
    assert after[counter] > before[counter], f"{counter} not bumped"
    for other in set(COUNTERS) - {counter}:
        assert after[other] == before[other], f"{other} bumped by a write it does not count"


# --- The triggers --------------------------------------------------------------------------


def test_the_migration_starts_every_counter_at_zero(empty_app):
    assert versions() == {"vocabulary": 0, "glossary": 0}


def test_orm_writes_to_vocabularies_bump_the_vocabulary_counter(empty_app):
    before = versions()
    taxonomy, term = a_vocabulary()  # inserts into taxonomy and taxonomy_term
    assert_bumped_only(before, "vocabulary")

    before = versions()
    taxonomy.name = "Areas of need"
    db.session.commit()
    assert_bumped_only(before, "vocabulary")

    before = versions()
    term.name = "Hearing impairment"
    db.session.commit()
    assert_bumped_only(before, "vocabulary")

    before = versions()
    db.session.add(TaxonomyTerm(taxonomy=taxonomy, slug="vision", name="Vision", position=1))
    db.session.commit()
    assert_bumped_only(before, "vocabulary")

    before = versions()
    db.session.delete(term)
    db.session.commit()
    assert_bumped_only(before, "vocabulary")

    before = versions()
    db.session.execute(delete(TaxonomyTerm))
    db.session.commit()
    assert_bumped_only(before, "vocabulary")

    before = versions()
    db.session.delete(taxonomy)
    db.session.commit()
    assert_bumped_only(before, "vocabulary")


def test_orm_writes_to_the_glossary_bump_the_glossary_counter(empty_app):
    before = versions()
    term = a_glossary_term()
    assert_bumped_only(before, "glossary")

    before = versions()
    term.synonyms = ["asc", "autistic spectrum"]
    db.session.commit()
    assert_bumped_only(before, "glossary")

    before = versions()
    db.session.delete(term)
    db.session.commit()
    assert_bumped_only(before, "glossary")


@pytest.mark.parametrize(
    ("statement", "counter"),
    [
        ("UPDATE taxonomy SET name = 'Needs'", "vocabulary"),
        ("UPDATE taxonomy_term SET name = 'Deaf'", "vocabulary"),
        ("DELETE FROM taxonomy_term", "vocabulary"),
        (
            "INSERT INTO taxonomy (slug, name, description) VALUES ('level', 'Level', '')",
            "vocabulary",
        ),
        ("UPDATE glossary_term SET meaning = 'Autism.'", "glossary"),
        ("DELETE FROM glossary_term", "glossary"),
    ],
)
def test_raw_sql_writes_bump_the_counter_too(empty_app, statement, counter):
    a_vocabulary()
    a_glossary_term()
    before = versions()
    db.session.execute(text(statement))
    db.session.commit()
    assert_bumped_only(before, counter)


def test_raw_sql_insert_into_the_glossary_bumps_it(empty_app):
    before = versions()
    with db.engine.begin() as connection:
        connection.execute(
            insert(GlossaryTerm.__table__).values(
                term="SALT", meaning="Speech and language therapy.", synonyms=[], expands_to=[]
            )
        )
    assert_bumped_only(before, "glossary")


def test_truncate_bumps_the_counter_on_postgresql(empty_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    a_glossary_term()
    before = versions()
    db.session.execute(text("TRUNCATE glossary_term"))
    db.session.commit()
    assert_bumped_only(before, "glossary")


def test_a_write_rolled_back_leaves_the_counter_as_it_was(empty_app):
    taxonomy, _ = a_vocabulary()
    before = versions()
    taxonomy.name = "Something else"
    db.session.add(GlossaryTerm(term="OT", meaning="Occupational therapy."))
    db.session.flush()
    assert session_versions() != before  # the transaction sees its own bumps
    db.session.rollback()
    assert versions() == before


# --- The caches ----------------------------------------------------------------------------


def test_a_change_committed_elsewhere_shows_in_the_next_vocabularies(empty_app):
    a_vocabulary()
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Hearing"
    # Another process's write: its own connection, committed there.
    with db.engine.begin() as connection:
        connection.execute(
            update(TaxonomyTerm).where(TaxonomyTerm.slug == "hearing").values(name="Deafness")
        )
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Deafness"
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM taxonomy_term WHERE slug = 'hearing'"))
    with a_request(empty_app):
        assert "hearing" not in load_vocabularies()["need"].terms


def test_a_write_rolled_back_leaves_the_caches_as_they_were(empty_app):
    _, term = a_vocabulary()
    a_glossary_term()
    before = versions()
    with a_request(empty_app):
        cached = load_vocabularies()
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD"]

    with a_request(empty_app):
        db.session.execute(
            update(TaxonomyTerm).where(TaxonomyTerm.id == term.id).values(name="Never kept")
        )
        db.session.add(GlossaryTerm(term="OT", meaning="Occupational therapy."))
        db.session.flush()
        # The transaction that wrote sees its own change ...
        assert load_vocabularies()["need"].terms["hearing"].name == "Never kept"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD", "OT"]
        db.session.rollback()

    assert versions() == before
    with a_request(empty_app):
        # ... but it never reached the process's caches.
        assert load_vocabularies() is cached
        assert cached["need"].terms["hearing"].name == "Hearing"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD"]

    # The next committed change takes the number the rolled-back one had bumped to, and shows.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE taxonomy_term SET name = 'Deaf' WHERE slug = 'hearing'"))
        connection.execute(
            insert(GlossaryTerm.__table__).values(
                term="SALT", meaning="Speech and language therapy.", synonyms=[], expands_to=[]
            )
        )
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Deaf"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD", "SALT"]


def test_a_glossary_entry_added_elsewhere_changes_what_a_search_finds(empty_app):
    # The directory's filters need their vocabularies, even empty ones.
    db.session.add_all(Taxonomy(slug=slug, name=slug.title()) for slug in FILTER_TAXONOMIES)
    factories.service(name="Quokka club", description="Hydrotherapy sessions for children.")
    db.session.commit()
    client = empty_app.test_client()
    assert "Quokka club" not in client.get("/services?q=splashtime").get_data(as_text=True)
    with db.engine.begin() as connection:
        connection.execute(
            insert(GlossaryTerm.__table__).values(
                term="Splash time",
                meaning="Sessions in a warm pool.",
                synonyms=["splashtime"],
                expands_to=["hydrotherapy"],
            )
        )
    assert "Quokka club" in client.get("/services?q=splashtime").get_data(as_text=True)


def test_a_term_renamed_elsewhere_shows_in_the_directory_filters(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    assert "Quokka education" not in client.get("/services").get_data(as_text=True)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE taxonomy_term SET name = 'Quokka education' WHERE slug = 'education'")
        )
    assert "Quokka education" in client.get("/services").get_data(as_text=True)


CONTENT_ROWS = re.compile(r"\bFROM\s+\"?(taxonomy|taxonomy_term|glossary_term)\b", re.IGNORECASE)


@contextmanager
def statements_run():
    """Every SQL statement the app's engine runs inside the block."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@pytest.mark.parametrize("url", ["/services?q=autism", "/services?q=ASD&need=autism"])
def test_a_request_with_nothing_changed_reads_one_counter_row_set_and_no_content(client, url):
    assert client.get(url).status_code == 200  # builds the caches if they are not yet
    with statements_run() as seen:
        assert client.get(url).status_code == 200
    counter_reads = [s for s in seen if "content_version" in s]
    assert len(counter_reads) == 1, counter_reads
    assert [s for s in seen if CONTENT_ROWS.search(s)] == []


def test_each_request_reads_the_counters_afresh(client):
    client.get("/services")
    with statements_run() as seen:
        client.get("/services")
        client.get("/services")
    assert len([s for s in seen if "content_version" in s]) == 2


# --- Without the counters ------------------------------------------------------------------


def test_without_the_counter_rows_the_caches_compare_the_content(empty_app):
    a_vocabulary()
    a_glossary_term()
    db.session.execute(delete(ContentVersion))
    db.session.commit()
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Hearing"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD"]
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE taxonomy_term SET name = 'Deaf' WHERE slug = 'hearing'"))
        # The fallback is the glossary check from before the counters: its rows' count and
        # latest updated_at, which sees an added entry (not a raw UPDATE in the same second).
        connection.execute(
            insert(GlossaryTerm.__table__).values(
                term="OT", meaning="Occupational therapy.", synonyms=[], expands_to=[]
            )
        )
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Deaf"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD", "OT"]


def test_a_database_not_yet_migrated_to_the_counters_still_works(empty_app):
    downgrade(directory=str(PROJECT_ROOT / "migrations"), revision="0008")
    assert not inspect(db.engine).has_table("content_version")
    # The glossary rows below are written through the model, which has migration 0014's
    # columns: put them back, so this database lacks only the counters.
    with db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE glossary_term ADD COLUMN retired_at TIMESTAMP"))
        connection.execute(
            text("ALTER TABLE glossary_term ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
        )
    a_vocabulary()
    a_glossary_term()
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Hearing"
        assert [e.term for e in engine().refresh_thesaurus().entries] == ["ASD"]
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE taxonomy_term SET name = 'Deaf' WHERE slug = 'hearing'"))
    with a_request(empty_app):
        assert load_vocabularies()["need"].terms["hearing"].name == "Deaf"
    assert vocabulary._cached is not None
