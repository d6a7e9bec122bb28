"""'Was this page helpful?': every public page, anonymous, rate limit, honeypot, officers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.feedback.service import UNKNOWN_PAGE
from localoffer.models import PageFeedback, Role, Service
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import parse


def _count() -> int:
    return db.session.scalar(select(func.count(PageFeedback.id)))


def _post(client, **data):
    return client.post("/feedback", data={"csrf_token": csrf_token(client), **data})


def test_every_public_page_offers_the_form_without_javascript(client):
    from localoffer.models import GuidePage, GuideStatus

    guide = db.session.scalars(
        select(GuidePage).where(GuidePage.status == GuideStatus.PUBLISHED).order_by(GuidePage.id)
    ).first()
    for url in (
        "/",
        "/services",
        "/glossary",
        "/young-people",
        "/guides",
        f"/guides/{guide.slug}",
    ):
        html = client.get(url).get_data(as_text=True)
        page = parse(html)
        form = next(f for f in page.forms if f["action"] == "/feedback")
        assert form["method"] == "post"
        assert {"csrf_token", "path", "website", "helpful"} <= set(form["inputs"])
        assert f'name="path" value="{url}"' in html
        assert "Report a problem with this page" in page.text


def test_a_yes_is_stored_with_the_page_and_nothing_about_the_visitor(client):
    before = _count()
    response = _post(client, path="/glossary", helpful="yes")
    assert response.status_code == 303
    assert response.headers["Location"] == "/glossary"
    item = db.session.scalars(select(PageFeedback).order_by(PageFeedback.id.desc())).first()
    assert _count() == before + 1
    assert (item.path, item.helpful, item.problem) == ("/glossary", True, None)
    assert "Thank you for your feedback" in client.get("/glossary").get_data(as_text=True)
    db.session.delete(item)
    db.session.commit()


def test_a_problem_report_keeps_the_text(client):
    response = _post(client, path="/services", helpful="no", problem="  The phone number is wrong ")
    assert response.status_code == 303
    item = db.session.scalars(select(PageFeedback).order_by(PageFeedback.id.desc())).first()
    assert (item.helpful, item.problem) == (False, "The phone number is wrong")
    db.session.delete(item)
    db.session.commit()


def test_with_javascript_it_answers_in_json(client):
    response = client.post(
        "/feedback",
        data={"csrf_token": csrf_token(client), "path": "/", "helpful": "yes"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "message": "Thank you for your feedback."}
    db.session.execute(PageFeedback.__table__.delete().where(PageFeedback.path == "/"))
    db.session.commit()


def test_an_empty_or_too_long_answer_is_refused_with_the_text_kept(client):
    before = _count()
    response = _post(client, path="/services")
    assert response.status_code == 400
    page = parse(response.get_data(as_text=True))
    assert page.title.startswith("Error: ")
    assert "Select yes or no, or tell us what went wrong" in page.text
    long_text = "x" * 1201
    response = _post(client, path="/services", problem=long_text)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "What went wrong must be 1,200 characters or fewer" in html
    assert long_text in html
    assert _count() == before


def test_a_bad_choice_is_refused(client):
    before = _count()
    assert _post(client, path="/services", helpful="maybe").status_code == 400
    assert _count() == before


def _latest() -> PageFeedback:
    return db.session.scalars(select(PageFeedback).order_by(PageFeedback.id.desc())).first()


def test_only_the_path_of_a_page_the_site_serves_is_kept(client):
    service_id = db.session.scalars(select(Service.id).order_by(Service.id)).first()
    for posted, kept in (
        ("/glossary", "/glossary"),
        ("/services?q=autism&postcode=PO4+8LD", "/services"),
        (f"/services/{service_id}#contact", f"/services/{service_id}"),
        ("/guides?", "/guides"),
        # The rule matches: whether the row exists changes, and a broken link is worth hearing.
        ("/services/999999", "/services/999999"),
        ("/guides/no-such-guide?from=search", "/guides/no-such-guide"),
    ):
        response = _post(client, path=posted, helpful="no")
        assert response.status_code == 303, posted
        assert response.headers["Location"] == kept
        assert _latest().path == kept, posted
    paths = db.session.scalars(select(PageFeedback.path)).all()
    assert not [p for p in paths if "?" in p or "#" in p or "autism" in p]
    db.session.execute(PageFeedback.__table__.delete())
    db.session.commit()


UNSERVED = [
    "/no-such-page",
    "/services/1/no/such/page",
    "/services/" + str(2**63),
    "/shortlist/add",  # served, but only to POST
    "/static/js/feedback.js",
    "https://evil.example.com/services",
    "//evil.example",
    "//[",
    "/\\evil.example",
    "/services\x00",
    "/glossary\r\nSet-Cookie: a=b",
    "/glossary\t",
    "/" + "a" * 600,
    "",
]


@pytest.mark.parametrize("posted", UNSERVED)
def test_feedback_about_a_page_the_site_does_not_serve_is_kept_as_an_unknown_page(client, posted):
    response = _post(client, path=posted, helpful="no", problem="The link was broken")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    item = _latest()
    assert (item.path, item.helpful, item.problem) == (UNKNOWN_PAGE, False, "The link was broken")
    db.session.delete(item)
    db.session.commit()


def test_a_form_sent_back_with_an_error_never_links_off_site(client):
    response = _post(client, path="https://evil.example.com/")
    assert response.status_code == 400
    page = parse(response.get_data(as_text=True))
    assert "Select yes or no, or tell us what went wrong" in page.text
    assert not any("evil" in link for link in page.links)


def test_with_javascript_an_unknown_page_is_thanked_in_json_too(client):
    response = client.post(
        "/feedback",
        data={"csrf_token": csrf_token(client), "path": "/no-such-page?x=1", "helpful": "no"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "message": "Thank you for your feedback."}
    assert _latest().path == UNKNOWN_PAGE
    db.session.execute(PageFeedback.__table__.delete())
    db.session.commit()


def test_officers_are_told_what_the_unknown_page_is(app):
    db.session.add(PageFeedback(path=UNKNOWN_PAGE, helpful=False))
    client = signed_in(app.test_client(), factories.user(Role.OFFICER))
    page = parse(client.get(f"/manage/feedback?path={UNKNOWN_PAGE}").get_data(as_text=True))
    assert "not a page of this site" in page.text
    assert UNKNOWN_PAGE not in page.links
    db.session.execute(PageFeedback.__table__.delete())
    db.session.commit()


def test_the_honeypot_stores_nothing_but_looks_like_it_worked(client):
    before = _count()
    response = _post(client, path="/", helpful="no", problem="buy now", website="http://spam")
    assert response.status_code == 303
    assert _count() == before


def test_feedback_is_rate_limited_per_address(app):
    client = app.test_client()
    app.config["FEEDBACK_LIMIT"] = "3 per hour"
    try:
        token = csrf_token(client)
        statuses = [
            client.post(
                "/feedback", data={"csrf_token": token, "path": "/glossary", "helpful": "no"}
            ).status_code
            for _ in range(5)
        ]
    finally:
        app.config["FEEDBACK_LIMIT"] = "20 per hour"
    assert statuses == [303, 303, 303, 429, 429]
    db.session.execute(PageFeedback.__table__.delete().where(PageFeedback.path == "/glossary"))
    db.session.commit()


def test_the_standalone_form_works_and_never_points_off_site(pages):
    page = pages.get("/feedback?path=/glossary")
    assert page.h1 == ["Report a problem with a page"]
    assert "/glossary" in page.links
    page = pages.get("/feedback?path=https://evil.example.com")
    assert not any("evil" in link for link in page.links)
    page = pages.get("/feedback?path=//[")
    assert "/" in page.links


def test_officers_see_feedback_grouped_by_page_and_the_public_never_does(app):
    for helpful, problem in ((True, None), (False, "Wrong opening times"), (None, "Broken link")):
        db.session.add(PageFeedback(path="/services/1", helpful=helpful, problem=problem))
    db.session.add(PageFeedback(path="/glossary", helpful=True))
    officer = factories.user(Role.OFFICER)
    client = signed_in(app.test_client(), officer)
    html = client.get("/manage/feedback").get_data(as_text=True)
    row = html.split('href="/manage/feedback?path=/services/1"')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split('numeric">')[1:]] == ["1", "1", "2"]
    detail = client.get("/manage/feedback?path=/services/1").get_data(as_text=True)
    assert "Wrong opening times" in detail and "Broken link" in detail
    assert "Wrong opening times" not in app.test_client().get("/services/1").get_data(as_text=True)
    volunteer = signed_in(app.test_client(), factories.user(Role.VOLUNTEER))
    assert volunteer.get("/manage/feedback?path=/services/1").status_code == 403
    assert client.get("/manage/feedback?path=//evil").status_code == 404
    db.session.execute(PageFeedback.__table__.delete())
    db.session.commit()
