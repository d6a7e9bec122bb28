"""/services: every filter, its counts, pagination and bad arguments."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from localoffer.directory.service import DirectoryFilters, browse_services
from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus
from tests.directory.oracle import expected_ids
from tests.pages import parse

RESULT_LINK = re.compile(
    r'<h2 (?:id="service-\d+" )?class="govuk-heading-m lo-result__title">\s*<a class="govuk-link" '
    r'href="/services/(\d+)"'
)


def result_ids(html: str) -> list[int]:
    return [int(i) for i in RESULT_LINK.findall(html)]


def all_result_ids(client, query: str) -> set[int]:
    """Follow every page of a results list and collect the ids shown."""
    ids: set[int] = set()
    page = 1
    while True:
        response = client.get(f"/services?{query}&page={page}")
        assert response.status_code == 200
        found = result_ids(response.get_data(as_text=True))
        if not found:
            return ids
        ids.update(found)
        page += 1


def test_browse_lists_every_listed_service_twenty_a_page(client, pages):
    page = pages.get("/services")
    shown = result_ids(page.response.get_data(as_text=True))
    assert len(shown) == 20
    assert all_result_ids(client, "x=1") == expected_ids()


def test_closed_services_are_not_listed(client):
    closed = db.session.scalars(select(Service).where(Service.status == ServiceStatus.CLOSED))
    closed_ids = {s.id for s in closed}
    assert closed_ids
    assert not closed_ids & all_result_ids(client, "x=1")


def test_results_are_in_name_order(client):
    html = client.get("/services").get_data(as_text=True)
    names = [db.session.get(Service, i).name.lower() for i in result_ids(html)]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("need=autism", {"terms": {"need": ["autism"]}}),
        ("need=cognition-and-learning", {"terms": {"need": ["cognition-and-learning"]}}),
        ("category=health", {"terms": {"category": ["health"]}}),
        ("category=health&category=education", {"terms": {"category": ["health", "education"]}}),
        ("level=specialist", {"terms": {"level": ["specialist"]}}),
        ("access=self-referral", {"terms": {"access": ["self-referral"]}}),
        ("cost=free", {"cost": ["free"]}),
        ("cost=paid", {"cost": ["paid"]}),
        ("age=7", {"age": (7, 7)}),
        ("age=16-18", {"age": (16, 18)}),
        (
            "need=autism&age=7&cost=free",
            {"terms": {"need": ["autism"]}, "age": (7, 7), "cost": ["free"]},
        ),
    ],
)
def test_each_filter_finds_exactly_the_matching_services(client, query, filters):
    expected = expected_ids(**filters)
    assert expected, f"the demo area should have services for {query}"
    assert all_result_ids(client, query) == expected
    html = client.get(f"/services?{query}").get_data(as_text=True)
    assert f"<strong>{len(expected)}</strong>" in html


def test_broader_need_includes_narrower_terms(client):
    broad = all_result_ids(client, "need=communication-and-interaction")
    assert all_result_ids(client, "need=autism") <= broad


def test_facet_counts_match_what_the_filter_would_find(app):
    filters = DirectoryFilters(terms={"need": ("autism",)})
    results, _ = browse_services(filters, 1, 20)
    for value in results.facets["category"]:
        expected = expected_ids(terms={"need": ["autism"], "category": [value.value]})
        assert value.count == len(expected), value.value
    # A facet's own selection does not shrink its counts (you can widen within it).
    for value in results.facets["need"]:
        assert value.count == len(expected_ids(terms={"need": [value.value]})), value.value
    for value in results.facets["cost"]:
        expected = expected_ids(terms={"need": ["autism"]}, cost=[value.value])
        assert value.count == len(expected)
    for age, count in results.age_counts.items():
        assert count == len(expected_ids(terms={"need": ["autism"]}, age=(age, age))), age


def test_counts_are_shown_beside_each_filter(client):
    html = client.get("/services?need=autism").get_data(as_text=True)
    count = len(expected_ids(terms={"need": ["autism"]}))
    assert re.search(
        r'id="need-autism"[^>]*checked>\s*<label[^>]*>Autism <span class="lo-facets__count">\('
        + str(count),
        html,
    )


def test_pagination_keeps_every_argument(client):
    html = client.get("/services?cost=free&age=0-25&q=").get_data(as_text=True)
    links = [href for href in parse(html).links if "page=2" in href]
    assert links
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert query["cost"] == ["free"]
    assert query["age"] == ["0-25"]
    assert query["page"] == ["2"]


def test_second_page_continues_the_first(client):
    first = result_ids(client.get("/services").get_data(as_text=True))
    second = result_ids(client.get("/services?page=2").get_data(as_text=True))
    assert second and not set(first) & set(second)


def test_keyword_search_puts_name_matches_first(client):
    html = client.get("/services?q=portage").get_data(as_text=True)
    ids = result_ids(html)
    assert ids
    assert "portage" in db.session.get(Service, ids[0]).name.lower()
    assert len(all_result_ids(client, "q=portage")) < len(expected_ids())


def test_no_results_page_helps_the_family(pages):
    page = pages.get("/services?q=zzzzqqqq")
    assert "No services found" in page.text
    assert "removing some filters" in page.text


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=-1", "Enter an age from 0 to 25"),
        ("age=abc", "Enter an age from 0 to 25"),
        ("age=30", "Enter an age from 0 to 25"),
        ("age=10-5", "Enter an age from 0 to 25"),
        ("need=unicorns", "We do not recognise the area of need"),
        ("category=nope&level=specialist", "We do not recognise the category"),
        ("cost=cheap", "We do not recognise the cost"),
        ("page=abc", "Not a valid integer"),
        ("page=0", "Enter a page number"),
        ("within=0", "Enter a distance from 1 to 100 miles"),
        ("postcode=NOTAPOSTCODE", "Enter a real postcode"),
        ("sort=random", "Not a valid choice"),
        ("q=" + "a" * 300, "200 characters or fewer"),
    ],
)
def test_bad_arguments_get_a_clear_message_not_a_500(pages, query, message):
    page = pages.get(f"/services?{query}", status=400)
    assert "There is a problem" in page.text
    assert message in page.text
    assert page.title.startswith("Error: ")


def test_bad_argument_is_ignored_and_the_rest_still_apply(client):
    html = client.get("/services?need=unicorns&level=specialist").get_data(as_text=True)
    assert f"<strong>{len(expected_ids(terms={'level': ['specialist']}))}</strong>" in html


def test_page_past_the_end_says_so(pages):
    page = pages.get("/services?page=99999")
    assert "There is no page 99999" in page.text


def test_hostile_text_is_escaped(client):
    html = client.get("/services?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_narrower_terms_are_set_in_under_their_broader_term(client):
    html = client.get("/services").get_data(as_text=True)
    items = {
        match.group(2): "lo-facets__narrower" in match.group(1)
        for match in re.finditer(
            r'<div class="(govuk-checkboxes__item[^"]*)">\s*<input[^>]*id="need-([\w-]+)"', html
        )
    }
    assert items["communication-and-interaction"] is False
    assert items["autism"] is True
    # Every narrower term follows its broader term or a sibling, never opens the list.
    assert next(iter(items.values())) is False
