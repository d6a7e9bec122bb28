"""/guides and /guides/<slug>: contents, the published words cleaned, related services, PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import yaml
from flask import render_template
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.guides.service import suggested_services
from localoffer.models import (
    GuideAudience,
    GuidePage,
    GuideSection,
    GuideStatus,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from localoffer.seeding.loader import seed_all
from tests import factories
from tests.conftest import PROJECT_ROOT

RICH_BODY = """## What happens first

Some **important** words and a [link to the council](https://council.example.org/send).

- first point
- second point

In order:

1. step one
2. step two

| Week | What happens |
|:-----|-------------:|
| 6    | A decision   |

<details>
<summary>What if I disagree?</summary>

You can *appeal*.
</details>
"""

HOSTILE_BODY = """Hello <script>alert('x')</script> world.

<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)" onclick="steal()">click me</a>
<p style="color: red">styled</p>
<iframe src="https://evil.example.org"></iframe>
<form action="https://evil.example.org"><input name="password"></form>
<h2 id="x" class="evil">Heading</h2>
"""


def test_contents_lists_every_published_family_guide_by_section_in_order(pages):
    page = pages.get("/guides")
    assert page.h1 == ["Guides for families"]
    html = page.response.get_data(as_text=True)
    seeded = yaml.safe_load((PROJECT_ROOT / "seed" / "guides" / "sections.yaml").read_text())
    slugs = [section["slug"] for section in seeded["sections"]]
    sections = db.session.scalars(
        select(GuideSection).where(GuideSection.slug.in_(slugs)).order_by(GuideSection.position)
    ).all()
    assert [s.slug for s in sections] == slugs
    positions = [html.index(f'id="{section.slug}"') for section in sections]
    assert positions == sorted(positions)
    family = [g for g in _seeded_guides() if g.audience is GuideAudience.FAMILIES]
    assert len(family) >= 15
    for guide in family:
        assert f"/guides/{guide.slug}" in page.links, guide.slug
    young = html.split('id="young-people"')[1]
    assert "/guides/yp-after-year-11" in young


def test_drafts_and_unpublished_guides_are_hidden(app, client, pages):
    draft = factories.guide(published=False, title="Draft guide about otters")
    gone = factories.guide(title="Withdrawn guide about newts")
    gone.status = GuideStatus.UNPUBLISHED
    db.session.flush()
    assert client.get(f"/guides/{draft.slug}").status_code == 404
    assert client.get(f"/guides/{gone.slug}").status_code == 404
    assert client.get(f"/guides/{draft.slug}.pdf").status_code == 404
    text = pages.get("/guides").text
    assert "otters" not in text and "newts" not in text
    pages.get("/guides/no-such-guide", status=404)


def test_a_guide_renders_headings_lists_links_tables_and_details(app, pages):
    guide = factories.guide(title="All the parts", body=RICH_BODY, last_reviewed_on=None)
    page = pages.get(f"/guides/{guide.slug}")
    html = page.response.get_data(as_text=True)
    assert page.h1 == ["All the parts"]
    assert page.title.startswith("All the parts")
    assert '<h2 class="govuk-heading-m">What happens first</h2>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert "https://council.example.org/send" in page.links
    assert '<table class="govuk-table">' in html
    assert '<th scope="col" class="govuk-table__header">Week</th>' in html
    assert '<td class="govuk-table__cell">A decision</td>' in html
    assert '<details class="govuk-details">' in html
    assert "What if I disagree?</span></summary>" in html
    assert "You can <em>appeal</em>." in html
    assert "Local Offer Team" in page.text  # the owner team


def test_hostile_markup_in_a_guide_is_cleaned(app, pages):
    guide = factories.guide(title="Hostile", body=HOSTILE_BODY)
    page = pages.get(f"/guides/{guide.slug}")  # no inline script or style
    article = page.response.get_data(as_text=True).split("lo-guide__body")[1].split("</article>")[0]
    for forbidden in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img", "<form"):
        assert forbidden not in article, forbidden
    assert 'style="' not in article
    assert 'id="x"' not in article and "evil" not in article
    assert "Hello" in article and "world." in article and "Heading" in article


def test_families_see_the_published_version_not_a_newer_draft(app, pages):
    guide = factories.guide(versions=2, published=True)
    guide.published_number = 1
    db.session.flush()
    text = pages.get(f"/guides/{guide.slug}").text
    assert "version 1" in text and "Version 1." in text
    assert "version 2" not in text and "Version 2." not in text


def test_related_services_show_and_suggestions_share_terms(app, pages):
    guide = db.session.scalar(select(GuidePage).where(GuidePage.slug == "short-breaks"))
    html = pages.get("/guides/short-breaks").response.get_data(as_text=True)
    related = html.split('id="related-services"')[1].split("</ul>")[0]
    for service in guide.related_services:
        assert f"/services/{service.id}" in related, service.slug
    suggested = suggested_services(guide)
    assert suggested
    chosen = {s.id for s in guide.related_services}
    assert not chosen & {s.id for s in suggested}
    guide_terms = {t.id for t in guide.taxonomy_terms}
    for service in suggested:
        service_terms = {t.id for t in service.taxonomy_terms}
        service_terms |= {t.parent_id for t in service.taxonomy_terms if t.parent_id}
        assert guide_terms & service_terms, service.name
    listed = html.split('id="suggested-services"')[1].split("</ul>")[0]
    assert re.findall(r'href="/services/(\d+)"', listed) == [str(s.id) for s in suggested]


def test_suggestions_rank_services_sharing_more_terms_first(app):
    terms = {t.slug: t for t in db.session.scalars(select(TaxonomyTerm))}
    guide = factories.guide()
    guide.taxonomy_terms = [terms["autism"], terms["short-breaks-and-leisure"]]
    both = factories.service(name="Aardvark both terms")
    both.taxonomy_terms = [terms["autism"], terms["short-breaks-and-leisure"]]
    one = factories.service(name="Aardvark one term")
    one.taxonomy_terms = [terms["autism"]]
    db.session.flush()
    ranked = [s.id for s in suggested_services(guide, limit=50)]
    assert ranked.index(both.id) < ranked.index(one.id)
    # A broad need counts for its narrower needs.
    broad = factories.guide()
    broad.taxonomy_terms = [terms["communication-and-interaction"]]
    db.session.flush()
    assert one.id in [s.id for s in suggested_services(broad, limit=500)]


def test_a_related_service_that_closed_is_not_shown(app, pages):
    closed = factories.service(name="Closed Heron Club", status=ServiceStatus.CLOSED)
    guide = factories.guide()
    guide.related_services = [closed]
    db.session.flush()
    assert "Closed Heron Club" not in pages.get(f"/guides/{guide.slug}").text


def test_a_guide_prints_cleanly_and_downloads_as_a_pdf(app, client, pages):
    page = pages.get("/guides/ehc-needs-assessment")
    html = page.response.get_data(as_text=True)
    assert 'href="/static/css/guide-print.css" media="print"' in html
    assert "/guides/ehc-needs-assessment.pdf" in page.links
    css = (PROJECT_ROOT / "static" / "css" / "guide-print.css").read_text()
    assert ".lo-header" in css and "display: none" in css
    response = client.get("/guides/ehc-needs-assessment.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.data.rstrip().endswith(b"%%EOF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
        ).stdout.decode()
        text = " ".join(text.split())
        assert "Asking for an education, health and care (EHC) needs assessment" in text
        assert "What happens and when" in text and "Find services" not in text
    assert client.get("/guides/no-such-guide.pdf").status_code == 404


def test_the_pdf_holds_the_words_and_no_site_navigation(app):
    guide = db.session.scalar(select(GuidePage).where(GuidePage.slug == "short-breaks"))
    with app.test_request_context():
        html = render_template(
            "guides/pdf.html",
            guide=guide,
            version=guide.published_version,
            related=guide.related_services,
        )
    assert "<h1" in html and guide.published_version.title in html
    assert "Three ways to get a short break" in html
    assert 'class="govuk-table"' in html and "<script" not in html
    assert "lo-header" not in html and "Find services" not in html
    assert "http://localhost/guides/short-breaks" in html


def _seeded_guides() -> list[GuidePage]:
    slugs = [p.stem for p in (PROJECT_ROOT / "seed" / "guides").glob("*.md") if p.stem != "README"]
    return db.session.scalars(select(GuidePage).where(GuidePage.slug.in_(slugs))).all()


def test_seeded_guides_are_plain_and_complete(app):
    guides = _seeded_guides()
    assert len(guides) >= 15
    families = [g for g in guides if g.audience is GuideAudience.FAMILIES]
    assert len(families) >= 15
    for guide in guides:
        assert guide.is_public, guide.slug
        version = guide.published_version
        assert version.title and version.summary and len(version.body) > 300, guide.slug
        assert guide.owner_team and guide.review_due_on, guide.slug
        assert guide.related_services, guide.slug
        assert all(s.status is not ServiceStatus.CLOSED for s in guide.related_services)


def test_seeding_guides_twice_changes_nothing(fresh_seeded_app):
    versions = {g.slug: len(g.versions) for g in db.session.scalars(select(GuidePage))}
    report = seed_all(PROJECT_ROOT / "seed")
    assert not report.changed, (report.created, report.updated)
    after = {g.slug: len(g.versions) for g in db.session.scalars(select(GuidePage))}
    assert after == versions


def test_a_changed_seed_file_adds_a_published_version(fresh_seeded_app, tmp_path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(PROJECT_ROOT / "seed", seed_dir)
    path = seed_dir / "guides" / "short-breaks.md"
    path.write_text(path.read_text().replace("give their parents", "give their mums, dads"))
    report = seed_all(seed_dir)
    assert report.updated == {"guides": 1}
    guide = db.session.scalar(select(GuidePage).where(GuidePage.slug == "short-breaks"))
    assert len(guide.versions) == 2 and guide.published_number == 2
    assert "mums, dads" in guide.published_version.body


def test_every_seeded_link_to_another_guide_works(app):
    slugs = set(db.session.scalars(select(GuidePage.slug)))
    for guide in _seeded_guides():
        for target in re.findall(r"\(/guides/([a-z0-9-]+)\)", guide.published_version.body):
            assert target in slugs, (guide.slug, target)
    assert db.session.scalar(select(Service.id).limit(1)) is not None
