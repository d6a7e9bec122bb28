"""A change made on the glossary pages reaches the search at once, without a restart: the
database bumps the ``glossary`` counter in the saving transaction and the next search reloads
the thesaurus. A retired entry leaves the thesaurus and the public glossary."""

from __future__ import annotations

from contextlib import contextmanager

from flask_migrate import downgrade
from sqlalchemy import select, text

from localoffer.directory.vocabulary import FILTER_TAXONOMIES
from localoffer.extensions import db
from localoffer.models import ContentVersion, Taxonomy
from localoffer.search.engine import engine
from tests import factories
from tests.conftest import PROJECT_ROOT
from tests.glossary_admin.test_pages import entry, officer, post


def glossary_version() -> int:
    """The committed counter, read on a connection of its own."""
    with db.engine.connect() as connection:
        return connection.scalar(
            select(ContentVersion.version).where(ContentVersion.name == "glossary")
        )


@contextmanager
def a_request(app):
    """A fresh app context: its own g and session, as a request has."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.rollback()


def thesaurus_terms(app) -> list[str]:
    with a_request(app):
        return [e.term for e in engine().refresh_thesaurus().entries]


def a_directory():
    # The directory's filters need their vocabularies, even empty ones.
    db.session.add_all(Taxonomy(slug=slug, name=slug.title()) for slug in FILTER_TAXONOMIES)
    factories.service(name="Quokka club", description="Hydrotherapy sessions for children.")
    factories.service(name="Wombat walks", description="Walks in the park for families.")
    db.session.commit()


def found(client, words: str) -> list[str]:
    html = client.get("/services", query_string={"q": words}).get_data(as_text=True)
    return [name for name in ("Quokka club", "Wombat walks") if name in html]


def test_a_synonym_added_on_the_page_finds_services_at_once(empty_app):
    a_directory()
    pool = entry("Hydrotherapy", synonyms=("hydrotherapy",), expands_to=["hydrotherapy"])
    family = empty_app.test_client()
    # The search has read the glossary as it is, and the new word finds nothing.
    assert found(family, "splashtime") == []
    assert found(family, "hydrotherapy") == ["Quokka club"]
    before = glossary_version()

    client = officer(empty_app)
    response = post(
        client,
        f"/manage/glossary/{pool.id}",
        version=str(pool.version),
        term="Hydrotherapy",
        meaning=pool.meaning,
        synonyms="hydrotherapy\nSplashtime",
        expands_to="hydrotherapy",
    )
    assert response.status_code == 302
    assert glossary_version() > before
    # The same process, no restart, no reindex: the next search uses the new synonym.
    assert found(family, "splashtime") == ["Quokka club"]
    assert found(family, "SPLASHTIME") == ["Quokka club"]


def test_an_entry_added_on_the_page_finds_services_at_once(empty_app):
    a_directory()
    family = empty_app.test_client()
    assert found(family, "warm water fun") == []
    client = officer(empty_app)
    response = post(
        client,
        "/manage/glossary/new",
        term="Warm water fun",
        meaning="Warm water fun means playing and exercising in a heated pool.",
        synonyms="warm pool",
        expands_to="hydrotherapy",
    )
    assert response.status_code == 302
    assert found(family, "warm water fun") == ["Quokka club"]
    assert found(family, "a warm pool please") == ["Quokka club"]


def test_a_retired_entry_leaves_the_search_and_the_public_glossary(empty_app):
    a_directory()
    splash = entry(
        "Splash time",
        synonyms=("splashtime",),
        expands_to=["hydrotherapy"],
        meaning="Splash time means sessions in a warm pool.",
    )
    family = empty_app.test_client()
    assert found(family, "splashtime") == ["Quokka club"]
    assert "Splash time means sessions in a warm pool." in family.get("/glossary").get_data(
        as_text=True
    )
    assert thesaurus_terms(empty_app) == ["Splash time"]

    client = officer(empty_app)
    assert post(client, f"/manage/glossary/{splash.id}/retire").status_code == 302
    assert found(family, "splashtime") == []
    assert thesaurus_terms(empty_app) == []
    glossary_page = family.get("/glossary")
    assert glossary_page.status_code == 200
    assert "Splash time" not in glossary_page.get_data(as_text=True)

    assert post(client, f"/manage/glossary/{splash.id}/restore").status_code == 302
    assert found(family, "splashtime") == ["Quokka club"]
    assert thesaurus_terms(empty_app) == ["Splash time"]
    assert "Splash time" in family.get("/glossary").get_data(as_text=True)


def test_a_database_not_yet_migrated_to_0014_still_searches_with_its_glossary(empty_app):
    """New code before ``flask db upgrade``: nothing can be retired yet, and every entry counts."""
    downgrade(directory=str(PROJECT_ROOT / "migrations"), revision="0013")
    a_directory()
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO glossary_term (term, meaning, synonyms, expands_to)"
                " VALUES ('Splash time', 'Sessions in a warm pool.', '[\"splashtime\"]',"
                " '[\"hydrotherapy\"]')"
            )
        )
    assert found(empty_app.test_client(), "splashtime") == ["Quokka club"]
    assert thesaurus_terms(empty_app) == ["Splash time"]
