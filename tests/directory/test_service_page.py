"""/services/<id>: everything a family needs, and the right answer for odd ids."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Location, Service, ServiceStatus
from tests import factories


def _first(*conditions):
    return db.session.scalars(select(Service).where(*conditions).order_by(Service.id)).first()


def test_service_page_shows_what_a_family_needs(pages):
    service = _first(Service.status == ServiceStatus.ACTIVE, Service.last_reviewed_on.is_not(None))
    page = pages.get(f"/services/{service.id}")
    text = page.text
    assert page.h1 == [service.name]
    assert service.organization.name in text
    for heading in (
        "What it is",
        "Who it is for",
        "How to get it",
        "Cost",
        "When it is open",
        "Where",
        "Contact",
    ):
        assert heading in text
    eligibility = service.eligibilities[0]
    assert f"{eligibility.minimum_age} to {eligibility.maximum_age} years" in text or (
        f"Up to {eligibility.maximum_age} years" in text
    )
    assert service.terms_in("need")[0].name in text
    assert service.terms_in("access")[0].name in text
    phone = service.contacts[0].phones[0].number
    assert phone in text
    assert f'href="tel:{phone.replace(" ", "")}"' in page.response.get_data(as_text=True)
    assert service.locations[0].postcode in text or service.locations[0].mask_address
    day = service.last_reviewed_on
    assert f"Last checked on {day.day} {day:%B %Y}" in text
    for answer in service.send_answers:
        assert answer.answer.split(".")[0] in text


def test_unchecked_listing_says_so(pages):
    service = _first(Service.last_reviewed_on.is_(None), Service.status != ServiceStatus.CLOSED)
    page = pages.get(f"/services/{service.id}")
    assert "These details have not been checked yet" in page.text


def test_masked_address_shows_only_the_town(pages):
    location = db.session.scalars(select(Location).where(Location.mask_address.is_(True))).first()
    service = location.service_at_locations[0].service
    html = pages.get(f"/services/{service.id}").response.get_data(as_text=True)
    assert location.city in html
    assert location.postcode not in html
    if location.address_1:
        assert location.address_1 not in html


def test_temporarily_closed_service_warns(pages):
    service = _first(Service.status == ServiceStatus.TEMPORARILY_CLOSED)
    assert "temporarily closed" in pages.get(f"/services/{service.id}").text


def test_closed_service_says_it_has_closed_and_cannot_be_shortlisted(pages):
    service = _first(Service.status == ServiceStatus.CLOSED)
    page = pages.get(f"/services/{service.id}")
    assert "This service has closed" in page.text
    assert "Save to shortlist" not in page.text


def test_incomplete_information_is_marked(pages):
    service = _first(
        Service.information_incomplete.is_(True), Service.status != ServiceStatus.CLOSED
    )
    assert "still checking some of the details" in pages.get(f"/services/{service.id}").text


def test_school_links_to_its_sen_information_report(pages):
    service = _first(Service.sen_information_report_url.is_not(None))
    html = pages.get(f"/services/{service.id}").response.get_data(as_text=True)
    assert service.sen_information_report_url in html
    assert "SEN Information Report" in html


def test_readable_slug_redirects_to_the_canonical_page(client):
    service = _first()
    response = client.get(f"/services/{service.id}/{service.slug}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/services/{service.id}")


@pytest.mark.parametrize(
    "path", ["/services/abc", "/services/999999", "/services/-1", "/services/1.5", "/services/%00"]
)
def test_unknown_service_ids_are_404(pages, path):
    page = pages.get(path, status=404)
    assert "Page not found" in page.text


def test_service_outside_its_visible_dates_is_404(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    hidden = factories.service(visible_from=date.today() + timedelta(days=10))
    expired = factories.service(visible_to=date.today() - timedelta(days=1))
    db.session.commit()
    assert client.get(f"/services/{hidden.id}").status_code == 404
    assert client.get(f"/services/{expired.id}").status_code == 404
    listed = client.get("/services?q=Service").get_data(as_text=True)
    assert f'/services/{hidden.id}"' not in listed


def test_description_markup_is_cleaned(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    service = factories.service(
        description='Hello <script>alert(1)</script> <a href="javascript:alert(2)">x</a> '
        "<img src=x onerror=alert(3)> **bold** [site](https://example.org/)",
    )
    db.session.commit()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/"' in html and 'rel="noopener noreferrer"' in html
