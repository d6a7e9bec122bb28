"""A results list reads what it shows in a fixed number of queries, and shows the same facts
about each service as the service's own loaded rows would."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlencode

from sqlalchemy import event, select

from localoffer.directory.service import indexed_summary_facts, summary_facts_by_id
from localoffer.extensions import db
from localoffer.listings.display import (
    SummaryFacts,
    summary_facts,
    summary_from_json,
    summary_to_json,
)
from localoffer.listings.visibility import listing_options, publicly_listed
from localoffer.models import Service
from localoffer.search.backend import SearchRequest
from localoffer.search.engine import engine

RESULT = '<li class="lo-result">'
# How an expired or lazily loaded service reads itself back: one row at a time.
ONE_SERVICE = re.compile(r"WHERE (service\.id = \?|\? = \w+\.service_id)")


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the database is sent inside the block."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def fetch(client, url: str) -> tuple[str, list[str]]:
    with statements() as sent:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), sent


def test_a_results_page_reads_as_many_queries_for_twenty_services_as_for_two(client):
    # Once each first, so what a process or request caches is cached for both.
    fetch(client, "/services?q=autism")
    fetch(client, "/services?q=bedwetting")
    many, many_sent = fetch(client, "/services?q=autism")
    few, few_sent = fetch(client, "/services?q=bedwetting")
    assert many.count(RESULT) == 20
    assert 0 < few.count(RESULT) < 5
    assert len(many_sent) == len(few_sent)
    assert not [s for s in many_sent if ONE_SERVICE.search(s)]


def test_filter_only_and_site_search_pages_read_no_service_one_at_a_time(client):
    for url in ("/services?category=short-breaks-and-leisure", "/search?q=autism"):
        html, sent = fetch(client, url)
        assert RESULT in html
        assert not [s for s in sent if ONE_SERVICE.search(s)], url


def test_facts_read_as_rows_match_the_facts_of_the_loaded_service(app):
    ids = list(db.session.scalars(select(Service.id).where(*publicly_listed())))
    from_rows = summary_facts_by_id(ids)
    loaded = db.session.scalars(
        select(Service).where(Service.id.in_(ids)).options(*listing_options())
    ).all()
    assert len(loaded) == len(from_rows) > 100
    for service in loaded:
        assert from_rows[service.id] == summary_facts(service), service.slug
    facts = list(from_rows.values())
    # The demo area has several towns, prices and types of help for some services.
    assert any(len(set(f.towns)) > 1 for f in facts)
    assert any(f.cost.startswith("Free, or £") for f in facts)
    assert any(f.cost.startswith("From £") for f in facts)
    assert any(len(f.categories) > 1 for f in facts)


def test_no_ids_need_no_query(app):
    with statements() as sent:
        assert summary_facts_by_id([]) == {}
    assert sent == []


def test_a_search_results_page_reads_no_summary_rows(client):
    fetch(client, "/services?q=autism")
    html, sent = fetch(client, "/services?q=autism")
    assert html.count(RESULT) == 20
    summary_tables = ("FROM eligibility", "FROM cost_option", "JOIN location", "FROM location")
    assert not [s for s in sent if any(table in s for table in summary_tables)]


def all_indexed_summaries() -> dict[int, str]:
    backend = engine().backend
    summaries: dict[int, str] = {}
    page = 1
    while True:
        response = backend.search(SearchRequest(sort="name", page=page, per_page=100))
        summaries.update(response.summaries)
        if page >= response.pages:
            return summaries
        page += 1


def test_the_index_keeps_each_services_facts_as_the_database_has_them(app):
    ids = list(db.session.scalars(select(Service.id).where(*publicly_listed())))
    summaries = all_indexed_summaries()
    assert set(summaries) == set(ids)
    from_rows = summary_facts_by_id(ids)
    for service_id, text in summaries.items():
        assert summary_from_json(text) == from_rows[service_id], service_id


def test_services_without_an_indexed_summary_get_their_facts_from_the_database(app):
    services = db.session.scalars(
        select(Service).where(*publicly_listed()).order_by(Service.id).limit(3)
    ).all()
    first = services[0]
    stale = summary_to_json(
        SummaryFacts(age_range=(1, 2), towns=("Nowhere",), cost="X", categories=())
    )
    facts = indexed_summary_facts(services, {first.id: stale})
    assert facts[first.id].towns == ("Nowhere",)
    assert facts == {first.id: facts[first.id], **summary_facts_by_id([s.id for s in services[1:]])}


def result_item(html: str, name: str) -> str:
    """The results item whose heading links to ``name``."""
    for item in html.split(RESULT)[1:]:
        if f">{name}</a>" in item:
            return item.split("</li>")[0]
    raise AssertionError(f"{name} is not on the page")


def test_a_change_to_what_a_result_shows_reaches_the_results_page(fresh_seeded_app):
    service = db.session.scalars(
        select(Service)
        .where(*publicly_listed(), Service.cost_options.any(), Service.service_at_locations.any())
        .options(*listing_options())
        .order_by(Service.id)
    ).first()
    name = service.name
    client = fresh_seeded_app.test_client()
    url = "/services?" + urlencode({"q": name})
    before = result_item(client.get(url).get_data(as_text=True), name)
    assert "Lowtown-on-Sea" not in before and "£987" not in before

    option = service.cost_options[0]
    option.is_free, option.amount, option.option = False, Decimal("987"), "per visit"
    for other in service.cost_options[1:]:
        db.session.delete(other)
    service.locations[0].city = "Lowtown-on-Sea"
    category = next(iter(service.terms_in("category")), None)
    if category is not None:
        category.name = "Renamed help"
    db.session.commit()

    after = result_item(client.get(url).get_data(as_text=True), name)
    assert "£987 per visit" in after
    assert "Lowtown-on-Sea" in after
    if category is not None:
        assert "Renamed help" in after
