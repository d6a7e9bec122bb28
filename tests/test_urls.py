"""Ids in addresses: every one goes through the ``id`` converter, so an id too large for its
column is a 404 on every route, for everyone, on SQLite (from 2**63) and PostgreSQL (from 2**31).
"""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from localoffer.extensions import db, limiter
from localoffer.models import Role
from localoffer.reports.periods import academic_year
from localoffer.urls import parse_id, safe_next
from tests import factories
from tests.accounts import csrf_token, signed_in

TOO_LARGE = (2**31, 2**63, 2**64)


@pytest.fixture
def app(empty_app):
    limiter.reset()
    yield empty_app
    limiter.reset()


@pytest.fixture
def world(app):
    """Valid values for every argument, so only the one too-large id can make a route fail."""
    service = factories.service()
    guide = factories.guide(versions=2)
    admin = factories.user(Role.ADMIN)
    db.session.commit()
    return {
        "values": {
            "service_id": service.id,
            "organization_id": service.organization_id,
            "guide_id": guide.id,
            "number": 1,
            "slug": service.slug,
            "status": "temporarily_closed",
            "kind": "phone",
            "period": academic_year(2025).label,
            "version": 1,
        },
        "admin": admin,
    }


def _numbered_rules(app):
    """Every rule with a whole number in its address (all of them use ``id``, checked below)."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        # Rule keeps its converters only in a private attribute; nothing public lists them.
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) > 40
    return rules


def _address(app, rule, values: dict) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values.get(name, 1) for name in rule.arguments})


def test_no_route_uses_the_plain_int_converter(app):
    plain = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if any(type(c) is IntegerConverter for c in rule._converters.values())
    ]
    assert not plain, f"use <id:...> instead of <int:...> in: {plain}"


@pytest.mark.parametrize("visitor", ["anonymous", "admin"])
def test_an_id_too_large_for_its_column_is_not_found_on_every_route(app, world, visitor):
    client = app.test_client()
    if visitor == "admin":
        signed_in(client, world["admin"])
    token = csrf_token(client)
    failures = []
    for rule in sorted(_numbered_rules(app), key=lambda r: r.rule):
        numbered = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        for name in numbered:
            for number in TOO_LARGE:
                url = _address(app, rule, {**world["values"], name: number})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, data={"csrf_token": token})
                    if response.status_code != 404:
                        failures.append((method, url, response.status_code))
    assert not failures


def test_ids_at_the_columns_bounds(app, world):
    """2**31 - 1 reaches the page (and is not found there); 0, signs, leading zeros and other
    scripts' digits are not ids at all."""
    client = signed_in(app.test_client(), world["admin"])
    service_id = world["values"]["service_id"]
    assert client.get(f"/services/{service_id}").status_code == 200
    assert client.get(f"/manage/services/{service_id}").status_code == 200
    for url in (
        "/services/2147483647",
        "/manage/services/2147483647",
        "/services/0",
        "/services/-1",
        "/services/+1",
        f"/services/0{service_id}",
        "/services/\u0661",  # ARABIC-INDIC DIGIT ONE: \d, and int(), would take it
        "/services/1.0",
        "/services/" + "9" * 5000,
    ):
        assert client.get(url).status_code == 404, url
    with app.test_request_context():
        assert url_for("directory.service", service_id=2147483647) == "/services/2147483647"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("012", 12),
        (str(2**31 - 1), 2**31 - 1),
        (str(2**31), None),
        (str(2**63), None),
        ("9" * 5000, None),
        ("0", None),
        ("-1", None),
        (" 1", None),
        ("\u00b2", None),
        ("\u0661", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_id_takes_only_what_can_be_a_row(value, expected):
    assert parse_id(value) == expected


def test_safe_next_refuses_what_it_cannot_even_split():
    assert safe_next("//[", "/home") == "/home"
    assert safe_next("/glossary", "/home") == "/glossary"
