"""Search as families meet it on /services: the thesaurus, suggestions, snippets, places,
the search log, hostile input, and an index that stays in step with the database."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from localoffer.extensions import db
from localoffer.models import (
    Location,
    Organization,
    PostcodeLookup,
    SearchEvent,
    Service,
    ServiceStatus,
)
from localoffer.search.geo import haversine_miles
from tests.search.postcodes_stub import PostcodesStub

RESULT = re.compile(r'lo-result__title">\s*<a class="govuk-link" href="/services/(\d+)"')
DISTANCE = re.compile(r"\(([\d.]+) miles away\)")


def ids_on(html: str) -> list[int]:
    return [int(i) for i in RESULT.findall(html)]


def search_index():
    from flask import current_app

    return current_app.extensions["search"].backend


def slug_id(slug: str) -> int:
    return db.session.scalar(select(Service.id).where(Service.slug == slug))


# The thesaurus and what the page says about it ---------------------------------------------


def test_acronym_finds_services_and_explains_itself(client, pages):
    page = pages.get("/services?q=ASD")
    assert "Showing results for" in page.text and "autism" in page.text
    assert "ASD means autism spectrum disorder" in page.text
    names = [db.session.get(Service, i).name.lower() for i in ids_on(page.response.text)]
    assert names and all(
        "autism" in n or "asd" in n or "neurodevelopmental" in n or "autistic" in n
        for n in names[:3]
    ), names[:5]


def test_a_misspelling_is_searched_as_the_closest_known_word_at_once(pages):
    page = pages.get("/services?q=speach")
    assert "Showing results for speech" in page.text
    assert ids_on(page.response.text), "the corrected word finds services on the same page"
    # A link searches the exact words typed, and that search corrects nothing.
    assert "/services?q=speach&exact=1#results" in page.links
    exact = pages.get("/services?q=speach&exact=1")
    assert "Showing results for" not in exact.text
    assert not ids_on(exact.response.text)


def test_snippets_highlight_the_words_and_escape_the_rest(client):
    html = client.get("/services?q=portage").text
    assert '<strong class="lo-highlight">' in html
    html = client.get("/services?q=%3Cscript%3Ealert(1)%3C/script%3E portage").text
    assert "<script>alert(1)" not in html


def test_results_show_ages_and_towns(client):
    html = client.get("/services?q=speech+therapy").text
    assert "<dt>Ages</dt>" in html and "<dt>Where</dt>" in html


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "AND",
        "OR NOT",
        "*",
        "speech*",
        "?",
        "title:(",
        "name:autism",
        "x^999",
        "a" * 5000,
        "🙂🙂 autism 🧩",
        "\x00\x01\x1b[31m",
        "'; DROP TABLE service; --",
        "1 OR 1=1",
        "%%%",
        "\\",
        "((((",
    ],
)
def test_hostile_queries_never_fail(client, q):
    response = client.get("/services", query_string={"q": q})
    assert response.status_code in (200, 400)
    assert "There is a problem with the service" not in response.text
    assert "<script" not in response.text.split("</head>")[1].replace('<script type="module"', "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_gives_a_page_not_an_error(client, text):
    response = client.get("/services", query_string={"q": text})
    assert response.status_code in (200, 400)


# Places and distance ---------------------------------------------------------------------


@pytest.fixture
def postcodes(app):
    stub = PostcodesStub({"PO4 8LD": (50.7891, -1.0630), "SO14 7DU": (50.9020, -1.4040)}).start()
    previous = app.config["POSTCODES_IO_URL"]
    app.config["POSTCODES_IO_URL"] = stub.base_url
    yield stub
    app.config["POSTCODES_IO_URL"] = previous
    stub.stop()
    db.session.execute(db.delete(PostcodeLookup))
    db.session.commit()


def _nearest_miles(service: Service, origin) -> float:
    return min(
        haversine_miles(origin, (loc.latitude, loc.longitude))
        for loc in service.locations
        if loc.latitude is not None
    )


def test_postcode_sorts_by_distance_and_shows_it(client, postcodes):
    html = client.get("/services?postcode=po48ld").text
    ids = ids_on(html)
    distances = [float(d) for d in DISTANCE.findall(html)]
    assert len(distances) == len(ids) == 20
    assert distances == sorted(distances)
    first = db.session.get(Service, ids[0])
    assert abs(_nearest_miles(first, (50.7891, -1.0630)) - distances[0]) < 0.06
    assert postcodes.requests == ["/postcodes/PO48LD"]


def test_within_keeps_only_services_that_close(client, postcodes):
    origin = (50.7891, -1.0630)
    html = client.get("/services?postcode=PO4+8LD&within=2").text
    total = int(re.search(r"<strong>(\d+)</strong>", html).group(1))
    listed = db.session.scalars(select(Service).where(Service.status != ServiceStatus.CLOSED))
    expected = [s for s in listed if s.locations and _nearest_miles(s, origin) <= 2]
    assert total == len(expected)
    assert all(float(d) <= 2.0 for d in DISTANCE.findall(html))


def test_answers_are_cached_in_the_database(client, postcodes):
    client.get("/services?postcode=SO14+7DU")
    client.get("/services?postcode=SO14+7DU&need=autism")
    assert postcodes.requests == ["/postcodes/SO147DU"]
    cached = db.session.get(PostcodeLookup, "SO14 7DU")
    assert (cached.latitude, cached.longitude) == (50.9020, -1.4040)


def test_when_the_lookup_fails_the_outward_code_centre_is_used_and_said(client, postcodes):
    postcodes.fail_status = 500
    html = client.get("/services?postcode=PO4+9ZZ").text
    assert "We could not look up the exact postcode PO4 9ZZ" in html
    assert "middle of PO4" in html
    assert DISTANCE.findall(html)


def test_offline_lookup_falls_back_too(client):
    html = client.get("/services?postcode=PO5+1AA").text  # the closed local port
    assert "middle of PO5" in html


def test_outward_code_alone_is_enough(client):
    html = client.get("/services?postcode=po4").text
    assert "middle of PO4" in html and DISTANCE.findall(html)


def test_postcode_we_cannot_place_says_so(pages):
    page = pages.get("/services?postcode=ZZ9+9ZZ", status=400)
    assert "We could not find ZZ9 9ZZ" in page.text


# The search log --------------------------------------------------------------------------


def test_each_search_is_logged_without_anything_about_the_person(client):
    before = db.session.scalar(select(func.count(SearchEvent.id)))
    client.get("/services?q=  Short   BREAKS &cost=free", headers={"X-Forwarded-For": "1.2.3.4"})
    client.get("/services?q=short+breaks&cost=free&page=2")  # paging is not a new search
    client.get("/services")  # nor is browsing with nothing chosen
    events = db.session.scalars(select(SearchEvent).order_by(SearchEvent.id)).all()[before:]
    assert len(events) == 1
    event = events[0]
    assert event.query == "short breaks"
    assert event.filters["cost"] == ["free"]
    assert event.result_count > 0
    columns = {c["name"] for c in inspect(db.engine).get_columns("search_event")}
    assert columns == {"id", "query", "filters", "result_count", "close_match", "searched_at"}
    assert event.close_match is True


def test_searches_that_find_nothing_are_logged_with_zero(client):
    client.get("/services?q=qqqzzzxxy")
    event = db.session.scalars(select(SearchEvent).order_by(SearchEvent.id.desc())).first()
    assert (event.query, event.result_count) == ("qqqzzzxxy", 0)


# Keeping the index in step ------------------------------------------------------------------


def test_committed_changes_reach_the_index(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE)
    ).first()
    service.name = "Zebracorn discovery club"
    db.session.commit()
    assert ids_on(client.get("/services?q=zebracorn").text) == [service.id]


def test_rolled_back_changes_never_reach_the_index(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    service = db.session.scalars(select(Service)).first()
    service.name = "Quokkamarine outreach"
    db.session.flush()
    db.session.rollback()
    assert ids_on(client.get("/services?q=quokkamarine").text) == []


def test_closing_a_service_removes_it_and_reopening_restores_it(fresh_seeded_app):
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE)
    ).first()
    service.status = ServiceStatus.CLOSED
    db.session.commit()
    assert service.id not in search_index().ids()
    service.status = ServiceStatus.ACTIVE
    db.session.commit()
    assert service.id in search_index().ids()


def test_renaming_an_organisation_reindexes_its_services(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    organization = db.session.scalars(select(Organization)).first()
    listed = {s.id for s in organization.services if s.status != ServiceStatus.CLOSED}
    organization.name = "Wombatshire Trust"
    db.session.commit()
    assert set(ids_on(client.get("/services?q=wombatshire").text)) == listed


def test_moving_a_location_reindexes_its_services(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    location = db.session.scalars(select(Location).where(Location.mask_address.is_(False))).first()
    location.city = "Narwhalton"
    db.session.commit()
    found = set(ids_on(client.get("/services?q=narwhalton").text))
    assert found and found <= {sal.service_id for sal in location.service_at_locations}


def test_reindex_command_rebuilds_from_the_database(fresh_seeded_app):
    backend = search_index()
    backend.delete(list(backend.ids())[:10])
    runner = fresh_seeded_app.test_cli_runner()
    status = runner.invoke(args=["search", "status"])
    assert "Out of step" in status.output and status.exit_code == 1
    assert "10 missing" in status.output
    result = runner.invoke(args=["search", "reindex"])
    listed = db.session.scalar(
        select(func.count(Service.id)).where(Service.status != ServiceStatus.CLOSED)
    )
    assert result.exit_code == 0
    assert f"services: indexed {listed} documents" in result.output
    again = runner.invoke(args=["search", "status"])
    assert "In step" in again.output and again.exit_code == 0


def test_a_corrupt_index_is_rebuilt_at_start_up(fresh_seeded_app):
    from localoffer import create_app

    index_dir = fresh_seeded_app.config["SEARCH_INDEX_DIR"]
    search_index().close()
    shutil.rmtree(index_dir)
    (__import__("pathlib").Path(index_dir)).mkdir()
    (__import__("pathlib").Path(index_dir) / "_MAIN_1.toc").write_bytes(b"not an index")
    again = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": fresh_seeded_app.config["SQLALCHEMY_DATABASE_URI"],
            "SEARCH_INDEX_DIR": index_dir,
        }
    )
    with again.app_context():
        try:
            assert again.extensions["search"].is_in_step()
            body = again.test_client().get("/healthz").get_json()
            assert body["search"]["in_step"] is True
        finally:
            again.extensions["search"].backend.close()
            db.session.remove()
            db.engine.dispose()


def test_a_missing_index_is_rebuilt_when_a_family_searches(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    search_index().close()
    shutil.rmtree(fresh_seeded_app.config["SEARCH_INDEX_DIR"])
    response = client.get("/services?q=autism")
    assert response.status_code == 200
    assert ids_on(response.text)


def test_an_index_from_before_the_stored_summaries_is_rebuilt_at_start_up(fresh_seeded_app):
    """An index written by an earlier release (no ``summary`` field) is another schema: the
    start-up check rebuilds it, and results then carry each service's summary facts."""
    from pathlib import Path

    from whoosh import index

    from localoffer import create_app
    from localoffer.search.backend import SearchRequest
    from localoffer.search.whoosh import build_schema

    index_dir = fresh_seeded_app.config["SEARCH_INDEX_DIR"]
    search_index().close()
    shutil.rmtree(index_dir)
    Path(index_dir).mkdir()
    earlier = build_schema()
    earlier.remove("summary")
    index.create_in(index_dir, earlier).close()
    again = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": fresh_seeded_app.config["SQLALCHEMY_DATABASE_URI"],
            "SEARCH_INDEX_DIR": index_dir,
        }
    )
    with again.app_context():
        try:
            search = again.extensions["search"]
            assert search.is_in_step()
            response = search.backend.search(SearchRequest(text="autism"))
            assert response.ids
            assert set(response.summaries) == set(response.ids)
        finally:
            again.extensions["search"].backend.close()
            db.session.remove()
            db.engine.dispose()
