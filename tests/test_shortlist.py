"""/shortlist: saved in the session, no account, CSRF protected, printable."""

import re

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(client, path=None):
    """A CSRF token from a page with a shortlist form (every service page has one)."""
    path = path or f"/services/{_listed_services(1)[0].id}"
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def _listed_services(n):
    return db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id).limit(n)
    ).all()


def _add(client, service_id, token, next_url="/shortlist"):
    return client.post(
        "/shortlist/add", data={"service_id": service_id, "csrf_token": token, "next": next_url}
    )


def test_empty_shortlist_explains_itself(pages):
    page = pages.get("/shortlist")
    assert "Your shortlist is empty" in page.text


def test_add_view_print_remove_and_clear(client, pages):
    first, second = _listed_services(2)
    token = _token(client, f"/services/{first.id}")
    response = _add(client, first.id, token, f"/services/{first.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/services/{first.id}")
    service_page = pages.get(f"/services/{first.id}")
    assert "Remove from shortlist" in service_page.text
    assert f"{first.name} was added to your shortlist" in service_page.text
    _add(client, second.id, token)
    _add(client, first.id, token)  # saving twice keeps one entry

    page = pages.get("/shortlist")
    assert page.text.count("Remove from shortlist") == 2
    assert "Your shortlist (2)" in page.text

    printed = pages.get("/shortlist/print")
    assert first.name in printed.text and second.name in printed.text
    assert first.contacts[0].phones[0].number in printed.text

    client.post("/shortlist/remove", data={"service_id": first.id, "csrf_token": token})
    page = pages.get("/shortlist")
    assert first.name not in page.text and second.name in page.text

    client.post("/shortlist/clear", data={"csrf_token": token})
    assert "Your shortlist is empty" in pages.get("/shortlist").text


def test_posts_without_a_csrf_token_are_refused(client):
    service = _listed_services(1)[0]
    for path in ("/shortlist/add", "/shortlist/remove", "/shortlist/clear"):
        response = client.post(path, data={"service_id": service.id})
        assert response.status_code == 400
        assert "Your session has ended" in response.get_data(as_text=True)
    assert "Your shortlist is empty" in client.get("/shortlist").get_data(as_text=True)


def test_unknown_or_malformed_service_is_refused(client):
    token = _token(client)
    assert _add(client, 999999, token).status_code == 404
    assert _add(client, "abc", token).status_code == 400
    assert client.post("/shortlist/add", data={"csrf_token": token}).status_code == 400


def test_a_number_too_large_to_be_a_service_is_refused_like_a_malformed_one(client):
    token = _token(client)
    for number in (2**31, 2**63, 2**64):
        assert _add(client, number, token).status_code == 400, number
        response = client.post(
            "/shortlist/remove", data={"service_id": number, "csrf_token": token}
        )
        assert response.status_code == 400, number


def test_closed_service_cannot_be_added(client):
    closed = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.CLOSED)
    ).first()
    token = _token(client)
    response = _add(client, closed.id, token)
    assert "has closed, so it cannot be saved" in client.get(response.headers["Location"]).text
    assert closed.name not in client.get("/shortlist").get_data(as_text=True)


def test_next_cannot_send_people_to_another_site(client):
    service = _listed_services(1)[0]
    token = _token(client)
    for target in ("https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com"):
        response = _add(client, service.id, token, target)
        assert response.headers["Location"].endswith("/shortlist"), target


def test_shortlist_has_a_limit(app):
    app.config["SHORTLIST_LIMIT"] = 2
    try:
        client = app.test_client()
        token = _token(client)
        services = _listed_services(3)
        for service in services:
            _add(client, service.id, token)
        html = client.get("/shortlist").get_data(as_text=True)
        assert services[2].name not in html
    finally:
        app.config["SHORTLIST_LIMIT"] = 50


def test_get_on_an_action_is_not_allowed(pages):
    page = pages.get("/shortlist/add", status=405)
    assert "cannot do that" in page.text
