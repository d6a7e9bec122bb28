"""/manage/guides: drafts, preview, publish, unpublish, versions with a diff, restore, review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, GuidePage, GuideStatus, Role
from localoffer.search.engine import engine
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse


@pytest.fixture
def officer_client(empty_app):
    section = factories.guide_section(name="Education, health and care plans")
    client = signed_in(empty_app.test_client(), factories.user(Role.OFFICER))
    client.section = section
    return client


def _form(client, **values) -> dict:
    data = {
        "slug": "asking-for-help",
        "title": "Asking for help",
        "summary": "How to ask for help.",
        "body": "## First\n\nTalk to the SENCO.\n",
        "section_id": str(client.section.id),
        "audience": "families",
        "young_people_version_id": "",
        "owner_team": "SEN Team",
        "review_due_on": ["1", "3", "2027"],
        "note": "",
        "csrf_token": csrf_token(client),
    }
    data.update(values)
    return data


def _page(response, status=200):
    assert response.status_code == status, response.status_code
    page = parse(response.get_data(as_text=True))
    check_page(page)
    return page


def _guide(slug="asking-for-help") -> GuidePage:
    db.session.expire_all()
    return db.session.scalar(select(GuidePage).where(GuidePage.slug == slug))


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def test_a_new_guide_is_a_draft_families_cannot_see(officer_client):
    response = officer_client.post("/manage/guides/new", data=_form(officer_client))
    assert response.status_code == 302
    guide = _guide()
    assert guide.status is GuideStatus.DRAFT and guide.published_number is None
    assert [v.number for v in guide.versions] == [1]
    assert guide.review_due_on == date(2027, 3, 1)
    assert officer_client.get("/guides/asking-for-help").status_code == 404
    assert (
        guide.id not in engine().index("guides").backend.ids()
        if engine().index("guides").backend.is_healthy()
        else True
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == guide.id))
    assert "guide.created" in [e.action for e in events]


def test_an_invalid_guide_keeps_what_was_typed_and_says_what_is_wrong(officer_client):
    data = _form(officer_client, title="", slug="Not A Slug!", body="My careful words")
    data["review_due_on"] = ["31", "2", "2027"]
    page = _page(officer_client.post("/manage/guides/new", data=data), 400)
    assert page.title.startswith("Error: ")
    assert "There is a problem" in page.text
    assert "Enter a title" in page.text
    assert "Web address must only include lower-case letters" in page.text
    assert "My careful words" in page.text
    assert "Review due must be a real date" in page.text
    assert _guide() is None


def test_publish_edit_and_publish_again(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    _post(officer_client, f"/manage/guides/{guide.id}/publish")
    assert "Talk to the SENCO" in officer_client.get("/guides/asking-for-help").get_data(True)
    assert engine().index("guides").backend.ids() == {guide.id}

    data = _form(officer_client, body="## First\n\nTalk to the teacher.\n", based_on="1")
    assert officer_client.post(f"/manage/guides/{guide.id}", data=data).status_code == 302
    guide = _guide()
    assert [v.number for v in guide.versions] == [1, 2] and guide.published_number == 1
    public = officer_client.get("/guides/asking-for-help").get_data(as_text=True)
    assert "Talk to the SENCO" in public and "Talk to the teacher" not in public

    preview = _page(officer_client.get(f"/manage/guides/{guide.id}/versions/2"))
    assert (
        "Talk to the teacher" in preview.text and "Families cannot see this version" in preview.text
    )

    _post(officer_client, f"/manage/guides/{guide.id}/publish")
    assert _guide().published_number == 2
    assert "Talk to the teacher" in officer_client.get("/guides/asking-for-help").get_data(True)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("guide.published") == 2


def test_saving_the_same_words_adds_no_version(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    data = _form(officer_client, owner_team="Inclusion Service", based_on="1")
    data["review_due_on"] = ["", "", ""]
    officer_client.post(f"/manage/guides/{guide.id}", data=data)
    guide = _guide()
    assert len(guide.versions) == 1 and guide.owner_team == "Inclusion Service"
    assert guide.review_due_on is None


def test_a_stale_edit_is_refused_and_keeps_the_officers_words(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    officer_client.post(
        f"/manage/guides/{guide.id}", data=_form(officer_client, body="Second words", based_on="1")
    )
    stale = _form(officer_client, body="My stale words", based_on="1")
    page = _page(officer_client.post(f"/manage/guides/{guide.id}", data=stale), 409)
    assert "Someone else saved this guide" in page.text
    assert "My stale words" in page.text
    assert [v.number for v in _guide().versions] == [1, 2]


def test_a_based_on_version_that_cannot_be_one_is_ignored_like_a_non_number(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    values = ("abc", str(2**31), str(2**63), str(2**64), "9" * 5000, "\u00b2")
    for n, based_on in enumerate(values):
        data = _form(officer_client, body=f"Words {n}", based_on=based_on)
        response = officer_client.post(f"/manage/guides/{guide.id}", data=data)
        assert response.status_code == 302, (based_on, response.status_code)
    assert len(_guide().versions) == 1 + len(values)


def test_unpublish_hides_the_guide_and_drops_it_from_search(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    _post(officer_client, f"/manage/guides/{guide.id}/publish")
    assert guide.id in engine().index("guides").backend.ids()
    _post(officer_client, f"/manage/guides/{guide.id}/unpublish")
    assert _guide().status is GuideStatus.UNPUBLISHED
    assert officer_client.get("/guides/asking-for-help").status_code == 404
    assert guide.id not in engine().index("guides").backend.ids()
    assert "asking-for-help" not in officer_client.get("/search?q=asking").get_data(True)


def test_versions_compare_line_by_line_and_restore_makes_a_new_draft(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    _post(officer_client, f"/manage/guides/{guide.id}/publish")
    new_body = "## First\n\nTalk to the teacher.\n\nThen the SENCO.\n"
    officer_client.post(
        f"/manage/guides/{guide.id}",
        data=_form(officer_client, body=new_body, title="Asking for extra help", based_on="1"),
    )
    page = _page(officer_client.get(f"/manage/guides/{guide.id}/versions?old=1&new=2"))
    html = page.response.get_data(as_text=True) if hasattr(page, "response") else None
    response = officer_client.get(f"/manage/guides/{guide.id}/versions?old=1&new=2")
    html = response.get_data(as_text=True)
    changes = html.split('id="changes"')[1]
    assert (
        '<del><span class="govuk-visually-hidden">Removed: </span>Talk to the SENCO.</del>'
        in changes
    )
    assert (
        '<ins><span class="govuk-visually-hidden">Added: </span>Talk to the teacher.</ins>'
        in changes
    )
    assert "Added: </span>Then the SENCO.</ins>" in changes
    assert "Added: </span>Asking for extra help</ins>" in changes
    summary = changes.split("Summary</h3>")[1].split("</h3>")[0]
    assert "No change." in summary

    _post(officer_client, f"/manage/guides/{guide.id}/versions/1/restore")
    guide = _guide()
    assert [v.number for v in guide.versions] == [1, 2, 3]
    restored = guide.latest_version
    assert (restored.title, restored.body) == (guide.versions[0].title, guide.versions[0].body)
    assert restored.note == "Restored version 1"
    assert guide.published_number == 1  # a restored version waits to be published
    _post(officer_client, f"/manage/guides/{guide.id}/publish")
    public = officer_client.get("/guides/asking-for-help").get_data(as_text=True)
    assert "Talk to the SENCO" in public and "Then the SENCO" not in public


def test_a_bad_comparison_or_version_is_answered_without_an_error(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    for query in ("old=1&new=99", "old=abc&new=1", "old=&new="):
        response = officer_client.get(f"/manage/guides/{guide.id}/versions?{query}")
        assert response.status_code == 400, query
    assert officer_client.get(f"/manage/guides/{guide.id}/versions/99").status_code == 404
    assert officer_client.get("/manage/guides/99999").status_code == 404
    response = _post(officer_client, f"/manage/guides/{guide.id}/versions/99/restore")
    assert response.status_code == 404


def test_marking_a_guide_as_checked_sets_its_review_dates(officer_client):
    officer_client.post("/manage/guides/new", data=_form(officer_client))
    guide = _guide()
    _post(officer_client, f"/manage/guides/{guide.id}/reviewed")
    guide = _guide()
    assert guide.last_reviewed_on == date.today()
    assert guide.review_due_on == date.today() + timedelta(days=365)


def test_the_guides_list_shows_status_and_unpublished_changes(officer_client):
    published = factories.guide(versions=2, title="Published Pelican")
    published.published_number = 1
    factories.guide(published=False, title="Draft Dormouse")
    db.session.commit()
    page = _page(officer_client.get("/manage/guides"))
    assert "Published Pelican" in page.text and "Draft Dormouse" in page.text
    assert "Has unpublished changes" in page.text


def test_nul_characters_and_missing_fields_never_cause_an_error(officer_client):
    data = _form(officer_client, title="Nul\x00 title", body="Body\x00 words")
    response = officer_client.post("/manage/guides/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Title must not contain hidden control characters" in html
    assert "Guide must not contain hidden control characters" in html
    assert "Nul\x00 title" in html, "what was typed is kept"
    assert _guide() is None
    response = officer_client.post(
        "/manage/guides/new", data={"csrf_token": csrf_token(officer_client)}
    )
    assert response.status_code == 400
    assert "Enter a title" in response.get_data(as_text=True)


def test_long_unchanged_runs_are_folded_in_a_comparison(app):
    from localoffer.guide_admin.service import diff_versions
    from localoffer.models import GuideVersion

    lines = [f"Line {n}" for n in range(1, 21)]
    old = GuideVersion(title="T", summary="S", body="\n".join(lines))
    changed = [*lines]
    changed[9] = "Line ten, rewritten"
    new = GuideVersion(title="T", summary="S", body="\n".join(changed))
    body = diff_versions(old, new)[2].lines
    kinds = [line.kind for line in body]
    assert kinds == ["skipped", "same", "same", "removed", "added", "same", "same", "skipped"]
    assert body[0].text == "7 unchanged lines" and body[-1].text == "8 unchanged lines"
    assert [line.text for line in body if line.kind == "added"] == ["Line ten, rewritten"]
