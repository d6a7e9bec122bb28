"""Search as families type it, through the real pages and the API on the seeded demo area:
misspellings searched as the word meant, ages and places in the words as filters shown as
removable tags, filler and common words kept in their place, an honest "no close match",
and the same answer from /services, /search and the API for the same words."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import SearchEvent, Service
from tests.search.test_site_search import ids_on

TAG = re.compile(r'<a class="govuk-link lo-understood__tag" href="([^"]+)">([^<]+)<')


def tags_on(html: str) -> dict[str, dict[str, list[str]]]:
    """Each understood tag's label and the arguments of its remove link."""
    return {
        label.strip(): parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        for href, label in TAG.findall(html)
    }


def services(ids: list[int]) -> list[Service]:
    return [db.session.get(Service, i) for i in ids]


def covers_age(service: Service, age: int) -> bool:
    if not service.eligibilities:
        return True
    return any(
        (e.minimum_age or 0) <= age <= (25 if e.maximum_age is None else e.maximum_age)
        for e in service.eligibilities
    )


def test_a_misspelt_need_finds_the_services_for_the_need(client):
    html = client.get("/services?q=austism").text
    assert "Showing results for <strong>autism</strong>" in html
    names = [s.name.lower() for s in services(ids_on(html))[:3]]
    assert names and all("autis" in n or "neurodevelopmental" in n for n in names), names


def test_each_unknown_word_of_a_longer_query_is_corrected_but_not_places_or_numbers(client):
    html = client.get("/services?q=dislexia+help+for+9+year+old+in+Havant").text
    assert "Showing results for <strong>dyslexia help for 9 year old in Havant</strong>" in html


def test_search_instead_for_the_exact_words_keeps_the_filters(client):
    html = client.get("/services?q=autisim&age=9&cost=free").text
    link = re.search(r'id="search-instead" href="([^"]+)"', html).group(1)
    arguments = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert arguments == {"q": ["autisim"], "exact": ["1"], "age": ["9"], "cost": ["free"]}
    exact = client.get(link.replace("&amp;", "&")).text
    assert "Showing results for" not in exact


def test_an_age_in_the_words_filters_and_can_be_removed(client):
    html = client.get("/services?q=college+for+17+year+old+with+learning+difficulties").text
    tags = tags_on(html)
    assert tags["Age 17"] == {"q": ["college for with learning difficulties"]}
    found = services(ids_on(html))
    assert found and all(covers_age(s, 17) for s in found)
    assert "college" in (found[0].name + found[0].description).lower()
    # Without the tag, services for younger children come back.
    without = client.get("/services?q=college+for+with+learning+difficulties").text
    assert int(re.search(r"<strong>(\d+)</strong>", without).group(1)) > int(
        re.search(r"<strong>(\d+)</strong>", html).group(1)
    )


def test_an_age_chosen_in_the_filters_wins_over_one_in_the_words(client):
    html = client.get("/services?q=autism+19+year+old&age=5").text
    assert "Age 19" not in tags_on(html)
    assert all(covers_age(s, 5) for s in services(ids_on(html)))


def test_a_place_in_the_words_puts_good_matches_there_first(client):
    html = client.get("/services?q=speech+therapy+in+Havant").text
    assert tags_on(html)["In or near Havant"] == {"q": ["speech therapy"]}
    first = services(ids_on(html))[0]
    assert "Havant" in {location.city for location in first.locations}
    assert "speech" in first.name.lower()


def test_a_place_alone_lists_the_services_there(client):
    html = client.get("/services?q=Southsea").text
    found = services(ids_on(html))
    assert found and all("Southsea" in {loc.city for loc in s.locations} for s in found)


@pytest.mark.parametrize(
    "words",
    ["horse riding", "dentist for autistic child", "wheelchair accessible holiday cottage"],
)
def test_nothing_close_is_said_honestly_counted_as_a_gap_and_shows_at_most_five(client, words):
    html = client.get("/services", query_string={"q": words}).text
    assert "We could not find a service that closely matches" in html
    assert len(ids_on(html)) <= 5
    assert "Services that may be near what you need" in html if ids_on(html) else True
    event = db.session.scalars(
        select(SearchEvent).where(SearchEvent.query == words).order_by(SearchEvent.id.desc())
    ).first()
    assert event.close_match is False


def test_a_close_match_is_not_called_a_gap(client):
    html = client.get("/services?q=speech+therapy").text
    assert "We could not find a service that closely matches" not in html
    assert len(ids_on(html)) == 20


def test_filler_words_are_not_searched_or_highlighted(client):
    html = client.get("/services?q=my+son+has+autism").text
    highlighted = {w.lower() for w in re.findall(r'lo-highlight">([^<]+)<', html)}
    assert highlighted and not highlighted & {"my", "son", "has"}


def test_common_words_do_not_outrank_the_meaningful_ones(client):
    html = client.get("/services?q=behaviour+problems+at+home").text
    first = services(ids_on(html))[:3]
    assert not any("home education" in s.name.lower() for s in first), [s.name for s in first]
    html = client.get("/services?q=help+with+autism").text
    assert all("autis" in s.name.lower() for s in services(ids_on(html))[:2])


@pytest.mark.parametrize("words", ["the and of", "17", "!!!", "?", "0", "in", "aged"])
def test_queries_of_only_stop_words_a_number_or_punctuation_behave(client, words):
    response = client.get("/services", query_string={"q": words})
    assert response.status_code == 200
    api = client.get("/api/v1/services", query_string={"text": words})
    assert api.status_code == 200


def api_ids(client, words: str) -> tuple[list[str], dict]:
    payload = client.get("/api/v1/services", query_string={"text": words, "per_page": 5}).json
    return [item["id"] for item in payload["contents"]], payload.get("localoffer")


@pytest.mark.parametrize(
    "words", ["autisim", "speech therapy in Havant", "college for 17 year old", "horse riding"]
)
def test_the_pages_and_the_api_give_the_same_results_for_the_same_words(client, words):
    html_ids = ids_on(client.get("/services", query_string={"q": words}).text)[:5]
    uuids, _ = api_ids(client, words)
    assert uuids == [db.session.get(Service, i).uuid for i in html_ids]
    combined = client.get("/search", query_string={"q": words}).text
    assert ids_on(combined)[: len(html_ids)] == html_ids[: len(ids_on(combined))]


def test_the_api_says_what_it_did_with_the_words(client):
    _, reading = api_ids(client, "autisim for a 7 year old in Havant")
    assert reading["query"] == "autisim for a 7 year old in Havant"
    assert reading["corrected_query"] == "autism for a 7 year old in Havant"
    assert reading["close_match"] is True
    assert reading["understood"]["age"]["minimum"] == 7
    assert reading["understood"]["place"] == "Havant"
    _, honest = api_ids(client, "horse riding")
    assert honest["close_match"] is False and honest["corrected_query"] is None
    payload = client.get("/api/v1/services").json
    assert "localoffer" not in payload  # only a text search says how it read words


def test_the_combined_search_page_corrects_and_is_honest_too(client):
    html = client.get("/search?q=dislexia").text
    assert "Showing results for <strong>dyslexia</strong>" in html
    assert "/search?q=dislexia&amp;exact=1" in html
    html = client.get("/search?q=horse+riding").text
    assert "We could not find a service that closely matches" in html


def test_a_bad_exact_argument_is_refused_clearly_and_the_words_kept(client):
    response = client.get("/services?q=autisim&exact=yes")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "Leave out ‘exact’, or set it to 1 to search the exact words" in html
    assert 'value="autisim"' in html
