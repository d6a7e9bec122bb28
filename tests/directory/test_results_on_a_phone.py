"""The results pages on a phone: filters behind a "Filter results" disclosure, the filters in
force as removable tags, every change landing back at the results (#results, #service-12),
and a new search or "Search instead for" the exact words keeping the filters chosen.

How it looks and scrolls in a real browser is checked in tests/browser/test_phone_results.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus
from tests.directory.oracle import expected_ids

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# A small HTML tree, enough to ask what is inside what ------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element] = field(default_factory=list)
    parent: Element | None = None
    nodes: list[Element | str] = field(default_factory=list)  # children and text, in order

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and all(
                (value is True and key.rstrip("_") in e.attrs)
                or e.attrs.get(key.rstrip("_")) == value
                or (key == "class_" and value in (e.attrs.get("class") or "").split())
                for key, value in attrs.items()
            )
        ]

    def find(self, tag: str | None = None, **attrs) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        return self.find(id=element_id)

    def _strings(self):
        for node in self.nodes:
            if isinstance(node, str):
                yield node
            else:
                yield from node._strings()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._strings()).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, other: Element) -> bool:
        return any(node is other for node in self.ancestors())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        self.current.nodes.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        self.current.nodes.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.nodes.append(data)


def tree(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def get(client, url: str, status: int = 200) -> Element:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return tree(response.get_data(as_text=True))


def filter_panel(page: Element) -> Element:
    return page.find("details", id="filter-panel")


def summary_text(page: Element) -> str:
    return filter_panel(page).find("summary").text


# The disclosure ------------------------------------------------------------------------------


def test_the_filters_sit_behind_a_closed_filter_results_disclosure(client):
    page = get(client, "/services?q=short+breaks")
    details = filter_panel(page)
    assert "govuk-details" in details.attrs["class"].split()
    assert "open" not in details.attrs, "closed on first load, so the results come first"
    summary = details.children[0]
    assert summary.tag == "summary" and "govuk-details__summary" in summary.attrs["class"]
    assert summary.text == "Filter results"
    form = page.by_id("filters")
    assert form.inside(details)
    # Every filter is inside the disclosure and labelled; the search box is not inside it.
    for name in ("age", "postcode", "within"):
        control = form.find(name=name, id=name)
        assert page.find("label", for_=name)
        assert control.inside(details)
    boxes = form.find_all("input", type="checkbox")
    assert len(boxes) > 20
    labels = {label.attrs["for"] for label in page.find_all("label")}
    assert all(box.attrs["id"] in labels for box in boxes)
    assert not page.by_id("q").inside(details)
    # The search box comes before the disclosure, and the results after it.
    order = [e.attrs.get("id") for e in page.iter() if e.attrs.get("id")]
    assert order.index("q") < order.index("filter-panel") < order.index("results")


def test_the_disclosure_is_open_when_a_filter_was_refused(client):
    page = get(client, "/services?age=-1&need=autism", status=400)
    assert "open" in filter_panel(page).attrs
    # The error summary's link reaches the field inside it.
    assert page.find("a", href="#age")
    assert page.by_id("age").inside(filter_panel(page))
    # A refused sort or page is not a filter: the filters stay closed.
    page = get(client, "/services?sort=random", status=400)
    assert "open" not in filter_panel(page).attrs


def test_the_summary_counts_the_filters_selected(client):
    assert summary_text(get(client, "/services")) == "Filter results"
    assert summary_text(get(client, "/services?q=short+breaks")) == "Filter results"
    page = get(client, "/services?q=short+breaks&age=9&need=autism&cost=free&page=1")
    assert summary_text(page) == "Filter results (3 selected)"
    page = get(client, "/services?need=autism&need=adhd&category=health&access=self-referral")
    assert summary_text(page) == "Filter results (4 selected)"
    # A postcode and a distance are two; a distance without a postcode changes nothing.
    page = get(client, "/services?q=swimming&age=9&postcode=PO4&within=5")
    assert summary_text(page) == "Filter results (3 selected)"
    assert summary_text(get(client, "/services?within=5")) == "Filter results"
    # A refused filter is not in force, so it is not counted.
    page = get(client, "/services?age=-1&need=autism", status=400)
    assert summary_text(page) == "Filter results (1 selected)"


def test_the_filters_in_force_are_tags_that_each_remove_one(client):
    url = "/services?q=swimming&age=9&postcode=PO4&within=5&need=autism&cost=free&page=2"
    page = get(client, url)
    tags = page.by_id("selected-filters").find_all("a", class_="lo-filter-tag")
    shown = {tag.text: tag.attrs["href"] for tag in tags}
    assert list(shown) == [
        "Remove this filter: Age: 9 years ×",
        "Remove this filter: Postcode: PO4 ×",
        "Remove this filter: Distance: Within 5 miles ×",
        "Remove this filter: Area of need: Autism ×",
        "Remove this filter: Cost: Free ×",
    ]
    everything = {
        "q": ["swimming"],
        "age": ["9"],
        "postcode": ["PO4"],
        "within": ["5"],
        "need": ["autism"],
        "cost": ["free"],
    }
    removed = {
        "Age": ["age"],
        "Postcode": ["postcode", "within"],  # a distance means nothing without a postcode
        "Distance": ["within"],
        "Area of need": ["need"],
        "Cost": ["cost"],
    }
    for text, href in shown.items():
        assert href.startswith("/services?") and href.endswith("#results"), href
        group = text.removeprefix("Remove this filter: ").split(":")[0]
        expected = {k: v for k, v in everything.items() if k not in removed[group]}
        assert query(href) == expected, text  # the page number is dropped too
    # The cross is decoration: the words say what the link does.
    cross = page.by_id("selected-filters").find("span", class_="lo-filter-tag__cross")
    assert cross.attrs.get("aria-hidden") == "true"
    clear = page.by_id("selected-filters").find("a", href="/services?q=swimming#results")
    assert clear.text == "Clear all filters"


def test_removing_one_of_several_values_keeps_the_others(client):
    page = get(client, "/services?need=autism&need=adhd")
    tags = page.by_id("selected-filters").find_all("a", class_="lo-filter-tag")
    assert [query(tag.attrs["href"]) for tag in tags] == [{"need": ["adhd"]}, {"need": ["autism"]}]
    assert tags[0].text.endswith("Area of need: Autism ×")


def test_no_tags_without_filters(client):
    page = get(client, "/services?q=short+breaks&sort=name")
    assert not page.find_all(id="selected-filters")


# Landing back at the results ----------------------------------------------------------------


def test_apply_filters_lands_on_the_results(client):
    page = get(client, "/services?q=short+breaks&sort=name&age=7")
    form = page.by_id("filters")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/services#results"
    # The form carries the words and the sort; the filters are its own controls.
    hidden = {e.attrs["name"]: e.attrs["value"] for e in form.find_all("input", type="hidden")}
    assert hidden == {"q": "short breaks", "sort": "name"}
    assert [e.text for e in form.find_all("button")] == ["Apply filters", "Apply filters"]
    results = page.by_id("results")
    assert results.attrs["tabindex"] == "-1"
    heading = page.by_id(results.attrs["aria-labelledby"])
    assert heading.inside(results) and heading.tag == "h2" and heading.text == "Results"
    assert results.find("ul", class_="lo-results").find_all("li", class_="lo-result")


def test_page_and_sort_links_land_on_the_results(client):
    page = get(client, "/services?q=short+breaks")
    pagination = page.find("nav", class_="govuk-pagination")
    assert all(a.attrs["href"].endswith("#results") for a in pagination.find_all("a", href=True))
    sort = page.find("p", class_="lo-sort").find_all("a")
    assert sort and all(a.attrs["href"].endswith("#results") for a in sort)


# Save to shortlist comes back to the result --------------------------------------------------


def _first_result(page: Element) -> tuple[int, Element]:
    item = page.find("li", class_="lo-result")
    heading = item.find("h2")
    service_id = int(heading.attrs["id"].removeprefix("service-"))
    return service_id, item


def test_each_result_has_an_anchor_and_its_save_button_returns_to_it(client):
    url = "/services?q=short+breaks&age=9&page=1"
    page = get(client, url)
    headings = [h for h in page.find_all("h2", class_="lo-result__title")]
    assert headings and all(h.attrs["id"] == f"service-{_id(h)}" for h in headings)
    service_id, item = _first_result(page)
    form = item.find("form", action="/shortlist/add")
    nexts = [e.attrs["value"] for e in form.find_all("input", name="next")]
    assert nexts == [f"{url}#service-{service_id}"]


def _id(heading: Element) -> int:
    return int(heading.find("a").attrs["href"].rsplit("/", 1)[1])


def test_saving_from_the_results_comes_back_to_the_same_result(client):
    url = "/services?q=short+breaks&age=9&need=autism&page=1"
    html = client.get(url).get_data(as_text=True)
    service_id, item = _first_result(tree(html))
    form = item.find("form", action="/shortlist/add")
    data = {e.attrs["name"]: e.attrs["value"] for e in form.find_all("input")}
    response = client.post("/shortlist/add", data=data)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == f"{url}#service-{service_id}"
    # Back on the page, that result now offers removal, which comes back to it in turn.
    again = tree(client.get(location.split("#")[0]).get_data(as_text=True))
    heading = again.by_id(f"service-{service_id}")
    item = heading.parent
    remove = item.find("form", action="/shortlist/remove")
    data = {e.attrs["name"]: e.attrs["value"] for e in remove.find_all("input")}
    assert data["next"] == f"{url}#service-{service_id}"
    response = client.post("/shortlist/remove", data=data)
    assert response.headers["Location"] == f"{url}#service-{service_id}"


def test_saving_from_the_combined_search_comes_back_to_the_result(client):
    url = "/search?q=short+breaks"
    page = get(client, url)
    item = page.by_id("service-results").find("li", class_="lo-result")
    heading = item.find("h3")
    assert heading.attrs["id"] == f"service-{_id(heading)}"
    form = item.find("form", action="/shortlist/add")
    data = {e.attrs["name"]: e.attrs["value"] for e in form.find_all("input")}
    assert data["next"] == f"{url}#{heading.attrs['id']}"
    assert client.post("/shortlist/add", data=data).headers["Location"] == data["next"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/services?q=x#service-1",
        "//evil.example.com/services?q=x#service-1",
        "/\\evil.example.com/services#service-1",
        "http:/services?q=x#service-1",
        "javascript:alert(1)//#service-1",
        " //evil.example.com/#service-1",
    ],
)
def test_the_way_back_is_never_another_site(client, target):
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    response = client.post(
        "/shortlist/add", data={"service_id": service.id, "csrf_token": token, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/shortlist", target


def test_a_save_on_a_service_page_has_no_fragment(client):
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    page = get(client, f"/services/{service.id}")
    assert [e.attrs["value"] for e in page.find_all("input", name="next")] == [
        f"/services/{service.id}"
    ]


# A new search keeps the filters -------------------------------------------------------------


def test_a_new_search_keeps_the_filters_and_drops_the_page(client):
    url = "/services?q=swimming&age=9&postcode=PO4&within=5&need=autism&need=adhd&sort=name&page=2"
    page = get(client, url)
    search = page.find("form", role="search")
    assert search.attrs["action"] == "/services"
    hidden = [(e.attrs["name"], e.attrs["value"]) for e in search.find_all("input", type="hidden")]
    assert sorted(hidden) == sorted(
        [
            ("age", "9"),
            ("postcode", "PO4"),
            ("within", "5"),
            ("need", "autism"),
            ("need", "adhd"),
            ("sort", "name"),
        ]
    )
    assert search.find("input", name="q").attrs["value"] == "swimming"
    # What the browser would send for a new search "short breaks" keeps them all.
    sent = dict(hidden)
    response = client.get(
        "/services",
        query_string=[*hidden, ("q", "short breaks")],
    )
    assert response.status_code == 200
    after = tree(response.get_data(as_text=True))
    assert summary_text(after) == "Filter results (5 selected)"
    assert after.by_id("age").attrs["value"] == sent["age"]
    assert after.by_id("postcode").attrs["value"] == "PO4"


def test_a_new_search_does_not_keep_refused_arguments(client):
    page = get(client, "/services?q=swimming&age=abc&need=autism&page=3", status=400)
    search = page.find("form", role="search")
    hidden = [(e.attrs["name"], e.attrs["value"]) for e in search.find_all("input", type="hidden")]
    assert hidden == [("need", "autism")]


def test_without_filters_the_search_form_has_no_hidden_inputs(client):
    page = get(client, "/services?q=swimming&page=2")
    assert not page.find("form", role="search").find_all("input", type="hidden")


def test_the_filtered_search_finds_what_the_filters_say(client):
    """Keeping the filters is not only in the form: the new results are filtered."""
    response = client.get("/services", query_string={"need": "autism", "age": "7", "q": ""})
    html = response.get_data(as_text=True)
    expected = expected_ids(terms={"need": ["autism"]}, age=(7, 7))
    assert f"<strong>{len(expected)}</strong>" in html


# "Search instead for" the exact words keeps the filters ----------------------------------------


def test_search_instead_for_the_exact_words_keeps_the_filters(client):
    page = get(client, "/services?q=speach&age=9&need=communication-and-interaction&page=2")
    link = page.by_id("search-instead")
    assert urlsplit(link.attrs["href"]).path == "/services"
    assert urlsplit(link.attrs["href"]).fragment == "results"
    assert query(link.attrs["href"]) == {
        "q": ["speach"],
        "exact": ["1"],
        "age": ["9"],
        "need": ["communication-and-interaction"],
    }


def test_search_instead_without_filters_is_just_the_words(client):
    page = get(client, "/services?q=speach")
    assert page.by_id("search-instead").attrs["href"] == "/services?q=speach&exact=1#results"


def test_a_new_search_from_exact_words_may_be_corrected_again(client):
    page = get(client, "/services?q=speach&exact=1&age=9")
    form = page.find("form", role="search")
    kept = {e.attrs["name"] for e in form.find_all("input", type="hidden")}
    assert "age" in kept and "exact" not in kept


# The slot for what the search understood -----------------------------------------------------


def test_the_understood_slot_is_above_the_results(app):
    source = app.jinja_env.loader.get_source(app.jinja_env, "directory/services.html")[0]
    include = '{% include "directory/_understood.html" %}'
    assert source.count(include) == 1
    assert source.index(include) < source.index('id="results"')
    slot = app.jinja_env.loader.get_source(app.jinja_env, "directory/_understood.html")[0]
    assert 'id="correction"' in slot and 'id="no-close-match"' in slot
