"""Every public page renders in the layout, with the security headers, and fails kindly."""

import pytest
from flask import abort
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus, TaxonomyTerm
from localoffer.security import CONTENT_SECURITY_POLICY


def _a_service_id():
    return db.session.scalars(
        select(Service.id).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()


def public_pages():
    return [
        "/",
        "/services",
        "/services?need=autism&age=7",
        f"/services/{_a_service_id()}",
        "/shortlist",
        "/shortlist/print",
        "/young-people",
        "/young-people/work",
        "/accessibility",
        "/privacy",
    ]


def test_every_public_page_meets_the_house_rules(app, pages):
    for url in public_pages():
        page = pages.get(url)
        assert "Skip to main content" in page.text, url
        assert "Accessibility statement" in page.text, url
        assert "Report a problem with this page" in page.text or url.endswith("print"), url


def test_security_headers_on_every_page(app, client):
    for url in [*public_pages(), "/healthz", "/nope"]:
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_home_offers_search_and_every_way_to_browse(pages):
    page = pages.get("/")
    # The home page's box searches guides and services together (/search).
    assert any(form["action"] == "/search" and "q" in form["inputs"] for form in page.forms)
    needs = db.session.scalars(
        select(TaxonomyTerm).where(TaxonomyTerm.parent_id.is_(None)).join(TaxonomyTerm.taxonomy)
    ).all()
    for term in needs:
        if term.taxonomy.slug in {"need", "category"}:
            assert f"{term.taxonomy.slug}={term.slug}" in " ".join(page.links), term.slug
    for band in ("age=0-4", "age=5-10", "age=11-15", "age=16-18", "age=19-25"):
        assert f"/services?{band}" in page.links


def test_home_counts_are_links_that_find_that_many(client, pages):
    html = client.get("/").get_data(as_text=True)
    assert "services</p>" in html
    page = pages.get("/services?need=autism")
    assert "Autism" in page.text


def test_young_people_section_browses_by_the_five_themes(pages):
    page = pages.get("/young-people")
    for theme in (
        "education-and-training",
        "work",
        "living-independently",
        "friends-and-community",
        "staying-healthy",
    ):
        assert f"/young-people/{theme}" in page.links
    theme = pages.get("/young-people/living-independently")
    assert "Living independently" in theme.h1[0]
    assert any(link.startswith("/services/") for link in theme.links)


def test_unknown_young_people_theme_is_404(pages):
    pages.get("/young-people/astronauts", status=404)


def test_accessibility_statement_offers_other_formats(pages):
    text = pages.get("/accessibility").text
    for fmt in ("large print", "Braille", "audio", "easy read", "another language"):
        assert fmt in text


def test_privacy_notice_says_no_tracking(pages):
    assert "We do not use cookies to track you" in pages.get("/privacy").text


def test_healthz_reports_database_and_counts(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    counts = body["database"]["counts"]
    assert counts["services"] == db.session.scalar(select(db.func.count(Service.id)))
    assert 0 < counts["services_listed"] < counts["services"]
    in_step = {"in_step": True, "stale": 0, "missing": 0, "extra": 0, "pending_changes": 0}
    guides = body["search"].pop("guides")
    assert body["search"] == {"healthy": True, "documents": counts["services_listed"], **in_step}
    assert guides == {"healthy": True, "documents": guides["documents"], **in_step}
    assert guides["documents"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_when_the_database_is_unreachable(tmp_path):
    from localoffer import create_app

    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/x.db"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == {"reachable": False}


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        (400, "Sorry, there is a problem with your request"),
        (403, "You do not have permission to see this page"),
        (404, "Page not found"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_use_the_layout(empty_app, code, heading):
    from tests.pages import check_page, parse

    @empty_app.get("/boom")
    def boom():
        if code == 500:
            raise RuntimeError("unexpected")
        abort(code)

    response = empty_app.test_client().get("/boom")
    assert response.status_code == code
    page = parse(response.get_data(as_text=True))
    check_page(page, "/boom")
    assert page.h1 == [heading]
    assert "RuntimeError" not in page.text
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_static_assets_are_served(client):
    for path in ("/static/css/site.css", "/static/js/site.js", "/static/js/govuk-frontend.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.data
        response.close()
