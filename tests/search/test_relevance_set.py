"""The held-out relevance set (tests/search/relevance_set.yaml, graded from the catalogue
before any query was run) through the real search, measured as bench/relevance.py measures it,
held to the figures recorded in docs/performance.md.

The floors are what the engine achieved when they were recorded, not targets: a change that
makes families' searches worse fails here. Raise them when the engine gets better; never lower
them to let a change through, and never change a judgment in the set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bench.relevance_metrics import QueryResult, load_relevance_set, summarise
from localoffer.directory.service import DirectoryFilters, browse_services
from localoffer.extensions import db
from localoffer.models import Service

SET_FILE = Path(__file__).resolve().parent / "relevance_set.yaml"
TOP = 10

# Recorded with the figures in docs/performance.md.
FLOORS = {
    "success@3": 0.79,
    "ndcg@10": 0.71,
    "no_answer_honest": 16,
}


@pytest.fixture(scope="module")
def measured(seeded_app):
    with seeded_app.test_request_context("/services"):
        slugs = dict(db.session.execute(select(Service.id, Service.slug)).tuples().all())
        results = []
        for case in load_relevance_set(SET_FILE):
            page, outcome = browse_services(DirectoryFilters(q=case["query"]), 1, TOP)
            results.append(
                QueryResult(
                    query=case["query"],
                    kind=case["kind"],
                    grades=case["grades"],
                    ranked=[slugs[service.id] for service in page.services],
                    close_match=outcome.close_match,
                )
            )
        db.session.rollback()
    return summarise(results)


def test_families_searches_are_no_worse_than_recorded(measured):
    overall = measured["overall"]
    assert overall["success@3"] >= FLOORS["success@3"], overall
    assert overall["ndcg@10"] >= FLOORS["ndcg@10"], overall


def test_no_answer_searches_get_the_honest_answer_at_least_as_often(measured):
    counts = measured["close_match"]
    assert counts["no_answer_honest"] >= FLOORS["no_answer_honest"], counts
