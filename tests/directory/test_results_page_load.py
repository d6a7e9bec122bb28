"""A results list reads what it shows in a fixed number of queries, and shows the same facts
about each service as the service's own loaded rows would."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from localoffer.directory.display import summary_facts
from localoffer.directory.service import listing_options, publicly_listed, summary_facts_by_id
from localoffer.extensions import db
from localoffer.models import Service

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
