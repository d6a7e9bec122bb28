"""Admins add a new version of a question set; reviews keep the version they answered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, ReviewTemplate, Role
from tests import factories
from tests.accounts import csrf_token, signed_in

SEED = Path(__file__).resolve().parents[2] / "seed" / "review_templates"


def _admin(app):
    return signed_in(app.test_client(), factories.user(Role.ADMIN))


def test_an_admin_adds_version_two_and_old_reviews_keep_version_one(fresh_seeded_app):
    client = _admin(fresh_seeded_app)
    old_review = factories.review(template=factories.review_template("peer-review", 1))
    db.session.commit()
    source = (SEED / "peer-review.v1.yaml").read_text().replace("version: 1", "version: 2", 1)
    source = source.replace("title: Peer review of the Local Offer", "title: Peer review (2027)")
    response = client.post(
        "/manage/review-templates/new", data={"source": source, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    versions = db.session.scalars(
        select(ReviewTemplate.version).where(ReviewTemplate.slug == "peer-review")
    ).all()
    assert sorted(versions) == [1, 2]
    assert factories.review_template("peer-review").title == "Peer review (2027)"
    db.session.refresh(old_review)
    assert old_review.template.version == 1
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "review_template.added")
    ).one()
    listing = client.get("/manage/review-templates").get_data(as_text=True)
    assert "Peer review (2027)" in listing and "2, 1" in listing


def test_a_wrong_version_or_broken_yaml_is_refused_with_the_text_kept(fresh_seeded_app):
    client = _admin(fresh_seeded_app)
    same_version = (SEED / "peer-review.v1.yaml").read_text()
    for source, message in (
        (same_version, "peer-review needs version 2"),
        ("slug: [unclosed", "This is not valid YAML"),
        ("slug: x\nversion: 1\ntitle: X\naudience: volunteer\ntarget: site\n", "no questions"),
    ):
        response = client.post(
            "/manage/review-templates/new",
            data={"source": source, "csrf_token": csrf_token(client)},
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400, source
        assert message in html and "There is a problem" in html
        assert source.splitlines()[0].replace('"', "&#34;") in html
    count = db.session.scalar(select(ReviewTemplate.id).where(ReviewTemplate.slug == "x"))
    assert count is None


def test_yaml_escapes_for_control_characters_or_deep_nesting_are_refused(fresh_seeded_app):
    client = _admin(fresh_seeded_app)
    version_two = (SEED / "peer-review.v1.yaml").read_text().replace("version: 1", "version: 2", 1)
    escaped = version_two.replace(
        "title: Peer review of the Local Offer", 'title: "Peer\\0 review\\e[2J"'
    )
    assert escaped != version_two
    for source, message in (
        (escaped, "The template must not contain hidden control characters"),
        ("[" * 20_000, "This is not valid YAML: it is nested too deeply"),
    ):
        response = client.post(
            "/manage/review-templates/new",
            data={"source": source, "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True)
    assert factories.review_template("peer-review").version == 1
