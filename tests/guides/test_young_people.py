"""A guide's young people's version: linked both ways and listed under /young-people."""

from __future__ import annotations

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import GuideAudience, GuidePage, GuideStatus, Role
from tests import factories
from tests.accounts import csrf_token, signed_in


def _pair():
    young = factories.guide(audience=GuideAudience.YOUNG_PEOPLE, title="Your choices at 16")
    family = factories.guide(title="Choices after 16 for parents", young_people_version=young)
    return family, young


def test_the_family_guide_and_the_young_peoples_version_link_to_each_other(app, pages):
    family, young = _pair()
    family_page = pages.get(f"/guides/{family.slug}")
    html = family_page.response.get_data(as_text=True)
    assert f"/guides/{young.slug}" in html.split('id="young-people-version"')[1].split("</div>")[0]
    young_page = pages.get(f"/guides/{young.slug}")
    html = young_page.response.get_data(as_text=True)
    assert f"/guides/{family.slug}" in html.split('id="family-version"')[1].split("</div>")[0]
    assert "For young people aged 14 to 25" in young_page.text


def test_no_link_to_a_version_families_cannot_see(app, pages):
    family, young = _pair()
    young.status = GuideStatus.UNPUBLISHED
    db.session.flush()
    html = pages.get(f"/guides/{family.slug}").response.get_data(as_text=True)
    assert 'id="young-people-version"' not in html
    assert f"/guides/{young.slug}" not in html


def test_young_peoples_guides_are_listed_under_young_people(app, pages):
    family, young = _pair()
    page = pages.get("/young-people")
    html = page.response.get_data(as_text=True)
    listed = html.split('id="young-people-guides"')[1]
    assert f"/guides/{young.slug}" in listed
    assert f"/guides/{family.slug}" not in listed
    seeded = db.session.scalars(
        select(GuidePage).where(GuidePage.audience == GuideAudience.YOUNG_PEOPLE)
    ).all()
    for guide in seeded:
        if guide.is_public:
            assert f"/guides/{guide.slug}" in listed


def test_the_seeded_post_16_guide_has_a_young_peoples_version(app, pages):
    html = pages.get("/guides/post-16-choices").response.get_data(as_text=True)
    assert "/guides/yp-after-year-11" in html.split('id="young-people-version"')[1]
    html = pages.get("/guides/yp-after-year-11").response.get_data(as_text=True)
    assert "/guides/post-16-choices" in html.split('id="family-version"')[1]


def test_officers_link_a_young_peoples_version_and_cannot_link_one_to_itself(empty_app):
    section = factories.guide_section()
    young = factories.guide(audience=GuideAudience.YOUNG_PEOPLE, section=section)
    client = signed_in(empty_app.test_client(), factories.user(Role.OFFICER))
    data = {
        "slug": "family-guide",
        "title": "Family guide",
        "summary": "For parents.",
        "body": "Words.",
        "section_id": str(section.id),
        "audience": "families",
        "young_people_version_id": str(young.id),
        "owner_team": "SEN Team",
        "csrf_token": csrf_token(client),
    }
    assert client.post("/manage/guides/new", data=data).status_code == 302
    family = db.session.scalar(select(GuidePage).where(GuidePage.slug == "family-guide"))
    assert family.young_people_version_id == young.id
    data.update(slug="young-guide-2", audience="young_people", csrf_token=csrf_token(client))
    response = client.post("/manage/guides/new", data=data)
    assert response.status_code == 400
    assert "cannot have a young people" in response.get_data(as_text=True)


def test_a_young_peoples_version_belongs_to_one_guide_and_stays_for_young_people(empty_app):
    section = factories.guide_section()
    young = factories.guide(audience=GuideAudience.YOUNG_PEOPLE, section=section)
    family = factories.guide(section=section, young_people_version=young)
    client = signed_in(empty_app.test_client(), factories.user(Role.OFFICER))
    data = {
        "slug": "second-family-guide",
        "title": "Second family guide",
        "summary": "For parents.",
        "body": "Words.",
        "section_id": str(section.id),
        "audience": "families",
        "young_people_version_id": str(young.id),
        "owner_team": "SEN Team",
        "csrf_token": csrf_token(client),
    }
    response = client.post("/manage/guides/new", data=data)
    assert response.status_code == 400
    assert "That young people&#39;s version belongs to" in response.get_data(as_text=True)
    # The young people's version cannot become a family guide while it is linked.
    data.update(slug=young.slug, young_people_version_id="", csrf_token=csrf_token(client))
    response = client.post(f"/manage/guides/{young.id}", data=data)
    assert response.status_code == 400
    assert "Select young people" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GuidePage, young.id).audience is GuideAudience.YOUNG_PEOPLE
    assert db.session.get(GuidePage, family.id).young_people_version_id == young.id
    # An address already in use is refused.
    data.update(slug=family.slug, csrf_token=csrf_token(client))
    response = client.post("/manage/guides/new", data=data)
    assert response.status_code == 400
    assert "There is already a guide with this web address" in response.get_data(as_text=True)
