"""The directory's counts on the home page and /young-people: right, kept between requests
(``localoffer/directory/count_cache.py``), and never stale after a listing changes, whichever
process changed it.

Tests that change listings each have a seeded database of their own (``fresh_seeded_app``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from localoffer.directory import count_cache
from localoffer.directory import service as directory
from localoffer.directory.vocabulary import load_vocabularies
from localoffer.extensions import db
from localoffer.listings import visibility
from localoffer.manage.lifecycle import edit_service
from localoffer.manage.listings import listing_values
from localoffer.models import Role, Service, TaxonomyTerm
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.directory import oracle

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOME_COUNT = re.compile(
    r'href="/services\?(need|category|age)=([\w-]+)">[^<]*</a></h3>.*?'
    r'lo-meta">(\d+) services</p>',
    re.S,
)
TOTAL = re.compile(r"browse all (\d+) services")
THEME_COUNT = re.compile(r'href="/young-people/([\w-]+)".*?lo-meta">(\d+) services</p>', re.S)


def home_counts(client) -> dict[str, int]:
    """What the home page says: ``{"need=<slug>": n, "age=0-4": n, ..., "total": n}``."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    counts = {f"{kind}={value}": int(n) for kind, value, n in HOME_COUNT.findall(html)}
    counts["total"] = int(TOTAL.search(html).group(1))
    return counts


def expected_home_counts() -> dict[str, int]:
    """The same counts read independently, service by service (``tests/directory/oracle.py``)."""
    db.session.expire_all()
    services = [s for s in db.session.scalars(select(Service)) if oracle.listed(s)]
    expected = {"total": len(services)}
    vocabularies = load_vocabularies()
    for taxonomy in ("need", "category"):
        for term in vocabularies[taxonomy].top_level:
            expected[f"{taxonomy}={term.slug}"] = sum(
                oracle.matches(s, terms={taxonomy: [term.slug]}) for s in services
            )
    for (low, high), *_ in directory.AGE_BANDS:
        expected[f"age={low}-{high}"] = sum(oracle.matches(s, age=(low, high)) for s in services)
    return expected


def top_level_need(slug: str) -> str:
    term = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.slug == slug))
    while term.parent is not None:
        term = term.parent
    return term.slug


@pytest.fixture
def officer_client(fresh_seeded_app):
    officer = factories.user(Role.OFFICER, name="Olive Officer")
    return signed_in(fresh_seeded_app.test_client(), officer)


def listed_service_with_needs() -> Service:
    return next(
        s
        for s in db.session.scalars(select(Service).order_by(Service.id))
        if oracle.listed(s) and s.terms_in("need")
    )


# --- Right ----------------------------------------------------------------------------------


def test_home_counts_match_a_plain_reading_of_the_directory(client):
    shown = home_counts(client)
    assert shown == expected_home_counts()
    assert shown["total"] > 0 and any(n > 0 for key, n in shown.items() if "need=" in key)
    # Served again from what the process kept: the same.
    assert home_counts(client) == shown


def test_young_people_counts_match_a_plain_reading(client):
    html = client.get("/young-people").get_data(as_text=True)
    shown = {slug: int(n) for slug, n in THEME_COUNT.findall(html)}
    services = [s for s in db.session.scalars(select(Service)) if oracle.listed(s)]
    expected = {
        term.slug: sum(oracle.matches(s, terms={"pfa-theme": [term.slug]}) for s in services)
        for term in load_vocabularies()["pfa-theme"].top_level
    }
    assert shown == expected
    assert sum(shown.values()) > 0


def test_kept_counts_cost_one_small_query_per_request(app):
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    def the_home_pages_counts():
        load_vocabularies()  # read per request anyway; not what is measured here
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            return (
                directory.term_counts("need"),
                directory.term_counts("category"),
                directory.age_band_counts(),
                directory.listed_total(),
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", note)

    count_cache.forget()
    with app.test_request_context("/"):
        first = the_home_pages_counts()
        counted = len(statements)
    with app.test_request_context("/"):
        again = the_home_pages_counts()
    assert again == first
    assert counted > 4  # the version, then each count worked out
    assert len(statements) == 1  # only the version, read once for the whole page
    assert "service_taxonomy_term" in statements[0] and "eligibility" in statements[0]


# --- Never stale ----------------------------------------------------------------------------


def test_unpublishing_and_publishing_change_the_counts_at_once(officer_client):
    client = officer_client
    service = listed_service_with_needs()
    need = "need=" + top_level_need(service.terms_in("need")[0].slug)
    before = home_counts(client)
    assert before == expected_home_counts()

    token = csrf_token(client)
    assert client.post(f"/manage/services/{service.id}/unpublish", data={"csrf_token": token})
    hidden = home_counts(client)
    assert hidden == expected_home_counts()
    assert hidden["total"] == before["total"] - 1
    assert hidden[need] == before[need] - 1

    assert client.post(f"/manage/services/{service.id}/publish", data={"csrf_token": token})
    assert home_counts(client) == before


def test_changing_a_listings_need_terms_changes_the_counts_at_once(officer_client):
    client = officer_client
    service = listed_service_with_needs()
    had = {top_level_need(t.slug) for t in service.terms_in("need")}
    vocabulary = load_vocabularies()["need"]
    other = next(t for t in vocabulary.top_level if t.slug not in had)
    narrower = vocabulary.terms[other.children[0]] if other.children else other
    before = home_counts(client)

    # What the edit form does: only the need terms change, no column of the service row.
    values = listing_values(service)
    values["terms_need"] = [narrower.slug]
    assert set(edit_service(service, values, None)) == {"terms_need"}
    db.session.commit()

    after = home_counts(client)
    assert after == expected_home_counts()
    assert after[f"need={other.slug}"] == before[f"need={other.slug}"] + 1
    for slug in had:
        assert after[f"need={slug}"] == before[f"need={slug}"] - 1
    assert after["total"] == before["total"]


def test_changing_a_listings_ages_changes_the_age_counts_at_once(officer_client):
    client = officer_client
    service = listed_service_with_needs()
    before = home_counts(client)
    values = listing_values(service)
    values.update(min_age=19, max_age=25)
    edit_service(service, values, None)
    db.session.commit()
    after = home_counts(client)
    assert after == expected_home_counts()
    assert after != before


def test_a_listing_past_its_last_day_drops_out_of_the_counts_the_next_day(
    fresh_seeded_app, monkeypatch
):
    client = fresh_seeded_app.test_client()
    service = listed_service_with_needs()
    service.visible_to = date.today()
    db.session.commit()
    today = home_counts(client)
    monkeypatch.setattr(visibility, "today", lambda: date.today() + timedelta(days=1))
    assert home_counts(client)["total"] == today["total"] - 1


def test_a_change_made_by_another_process_is_seen_at_the_next_request(fresh_seeded_app):
    client = fresh_seeded_app.test_client()
    factories.user(Role.OFFICER)
    db.session.commit()
    service = listed_service_with_needs()
    before = home_counts(client)

    def other_worker(action: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.directory.other_worker",
                fresh_seeded_app.config["SQLALCHEMY_DATABASE_URI"],
                fresh_seeded_app.config["SEARCH_INDEX_DIR"],
                action,
                str(service.id),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    other_worker("unpublish")
    assert home_counts(client)["total"] == before["total"] - 1
    other_worker("publish")
    assert home_counts(client) == before


def test_the_version_sees_two_listings_swap_terms(fresh_seeded_app):
    """Same number of links, same ids in total: a plain sum would not change; the checksum does."""
    first, second = db.session.scalars(select(Service).order_by(Service.id).limit(2)).all()
    taken = {t.id for t in (*first.taxonomy_terms, *second.taxonomy_terms)}
    x, y = db.session.scalars(
        select(TaxonomyTerm).where(TaxonomyTerm.id.not_in(taken)).order_by(TaxonomyTerm.id).limit(2)
    ).all()
    first.taxonomy_terms.append(x)
    second.taxonomy_terms.append(y)
    db.session.commit()
    before = count_cache.directory_version(date.today())
    first.taxonomy_terms.remove(x)
    first.taxonomy_terms.append(y)
    second.taxonomy_terms.remove(y)
    second.taxonomy_terms.append(x)
    db.session.commit()
    assert count_cache.directory_version(date.today()) != before
