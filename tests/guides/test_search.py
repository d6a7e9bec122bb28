"""One search over guides and services: /search ranks guides first when the words name one."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.guides.service import search_guides
from localoffer.models import GuidePage, GuideStatus
from localoffer.search.engine import _check_at_start_up, engine
from localoffer.search.query import parse_query
from localoffer.site_search.service import title_matches
from tests import factories


def _sections(html: str) -> list[str]:
    return re.findall(r'<section aria-labelledby="(guides|services)-heading"', html)


def _guides_listed(html: str) -> list[str]:
    block = html.split('id="guide-results"')[1].split("</section>")[0]
    return re.findall(r'href="/guides/([a-z0-9-]+)"', block)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("EHCP", "ehc-plans-and-annual-reviews"),
        ("ehc plan", "ehc-plans-and-annual-reviews"),
        ("post 16", "post-16-choices"),
        ("post-16", "post-16-choices"),
        ("tribunal", "disagreements-mediation-and-the-send-tribunal"),
        ("short breaks", "short-breaks"),
        ("home education", "home-education"),
    ],
)
def test_a_query_naming_a_guide_puts_guides_first_with_that_guide_on_top(client, words, expected):
    response = client.get("/search", query_string={"q": words})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _sections(html) == ["guides", "services"], words
    assert _guides_listed(html)[0] == expected, words


def test_a_query_for_a_kind_of_service_puts_services_first(client):
    html = client.get("/search?q=speech+therapy").get_data(as_text=True)
    assert _sections(html)[0] == "services"
    services = html.split('id="service-results"')[1].split("</section>")[0]
    assert re.search(r'href="/services/\d+"', services)
    assert "/services?q=speech+therapy" in services


def test_the_thesaurus_reaches_guides(client):
    # "SENDIST" is nowhere in the guides; the glossary says it is the SEND Tribunal.
    html = client.get("/search?q=sendist").get_data(as_text=True)
    assert "disagreements-mediation-and-the-send-tribunal" in _guides_listed(html)
    assert _sections(html)[0] == "guides"


def test_the_directory_search_stays_services_only(client):
    html = client.get("/services?q=EHCP").get_data(as_text=True)
    assert 'id="guide-results"' not in html
    assert "/guides/ehc-plans-and-annual-reviews" not in html


def test_the_home_page_search_box_goes_to_the_combined_search(client):
    html = client.get("/").get_data(as_text=True)
    assert '<form action="/search" method="get" role="search"' in html


def test_empty_and_hostile_searches_are_answered_calmly(client):
    assert "Search for a service or for information" in client.get("/search").get_data(True)
    for query in (
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 5000},
        {"q": "\x00\x1f<script>alert(1)</script>"},
        {"q": "ehcp OR 1=1; DROP TABLE guide_page"},
        {"q": ["ehcp", "tribunal"]},
        {"q": "title:ehcp* ~2 ^3"},
    ):
        response = client.get("/search", query_string=query)
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_title_matching_follows_the_index_and_the_thesaurus(app):
    thesaurus = engine().refresh_thesaurus()
    title = "Disagreements, mediation and the SEND Tribunal"
    assert title_matches(parse_query("tribunals", thesaurus), title)
    assert title_matches(parse_query("sendist", thesaurus), title)
    assert not title_matches(parse_query("tribunal costs", thesaurus), title)
    assert not title_matches(parse_query("the", thesaurus), title)
    assert title_matches(parse_query("EHCP", thesaurus), "Education, health and care (EHC) plans")


def _guides():
    return engine().index("guides")


def test_the_guide_index_follows_commits_and_only_commits(empty_app):
    assert _guides().rebuild() == 0
    guide = factories.guide(title="Guide to quokka care")
    db.session.flush()
    assert guide.id not in _guides().backend.ids()
    db.session.commit()
    assert guide.id in _guides().backend.ids()
    assert search_guides("quokka").ids == [guide.id]
    guide.status = GuideStatus.UNPUBLISHED
    db.session.flush()
    db.session.rollback()
    assert guide.id in _guides().backend.ids()
    guide = db.session.get(GuidePage, guide.id)
    guide.status = GuideStatus.UNPUBLISHED
    db.session.commit()
    assert guide.id not in _guides().backend.ids()


def test_a_missing_guide_index_is_rebuilt_at_start_up_and_by_command(fresh_seeded_app):
    index = _guides()
    published = set(
        db.session.scalars(select(GuidePage.id).where(GuidePage.status == GuideStatus.PUBLISHED))
    )
    assert index.backend.ids() == published
    index.backend.close()
    shutil.rmtree(index.backend.index_dir)
    assert not index.check().in_step
    _check_at_start_up(fresh_seeded_app)
    assert index.check().in_step
    shutil.rmtree(index.backend.index_dir)
    result = fresh_seeded_app.test_cli_runner().invoke(
        args=["search", "reindex", "--collection", "guides"]
    )
    assert result.exit_code == 0 and f"guides: indexed {len(published)} documents" in result.output
    assert index.check().in_step


def test_searches_on_the_combined_page_are_logged(app, client):
    from localoffer.models import SearchEvent

    client.get("/search?q=personal+budget")
    event = db.session.scalars(select(SearchEvent).order_by(SearchEvent.id.desc())).first()
    assert event.query == "personal budget"
    assert event.filters == {"search": "guides-and-services"}
    assert event.result_count > 0
