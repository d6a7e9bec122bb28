"""The relevance benchmark's measures (bench/relevance_metrics.py), worked out by hand, and the
relevance set file (tests/search/relevance_set.yaml) checked against the catalogue files."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.relevance_metrics import (
    KINDS,
    NO_ANSWER,
    QueryResult,
    dcg,
    first_relevant_rank,
    load_relevance_set,
    ndcg_at,
    reciprocal_rank,
    relevant_slugs,
    success_at,
    summarise,
)

ROOT = Path(__file__).resolve().parents[2]
SET_FILE = ROOT / "tests" / "search" / "relevance_set.yaml"
AREA_FILES = [
    ROOT / "seed" / "area" / f"{name}.yaml" for name in ("care_and_support", "education", "health")
]
MINIMUMS = {
    "misspelling": 20,
    "sentence": 20,
    "age": 10,
    "place": 10,
    "everyday": 25,
    "money": 5,
    "parent_support": 5,
    "acronym": 20,
    "no_answer": 15,
}

# 1 / log2(3): the discount at rank 2.
AT_2 = 0.6309297535714575


# Which services count as a hit.


def test_relevant_means_grade_2_when_the_query_has_one():
    assert relevant_slugs({"a": 2, "b": 1, "c": 2}) == {"a", "c"}


def test_relevant_falls_back_to_grade_1_without_a_grade_2():
    assert relevant_slugs({"a": 1, "b": 1}) == {"a", "b"}


def test_nothing_is_relevant_without_grades():
    assert relevant_slugs({}) == set()


# success@k and the reciprocal rank.


def test_a_grade_1_service_is_no_hit_when_a_grade_2_exists():
    grades = {"a": 2, "b": 1}
    ranked = ["x", "b", "a"]
    assert first_relevant_rank(ranked, grades) == 3
    assert not success_at(ranked, grades, 1)
    assert not success_at(ranked, grades, 2)
    assert success_at(ranked, grades, 3)
    assert reciprocal_rank(ranked, grades) == pytest.approx(1 / 3)


def test_a_grade_1_service_is_a_hit_when_nothing_is_graded_2():
    grades = {"b": 1}
    assert success_at(["x", "b"], grades, 3)
    assert not success_at(["x", "b"], grades, 1)
    assert reciprocal_rank(["x", "b"], grades) == 0.5


def test_no_relevant_service_returned_scores_zero():
    grades = {"a": 2}
    assert first_relevant_rank(["x", "y"], grades) is None
    assert not success_at(["x", "y"], grades, 3)
    assert reciprocal_rank(["x", "y"], grades) == 0.0
    assert reciprocal_rank([], grades) == 0.0


# nDCG.


def test_dcg_discounts_by_log2_of_rank_plus_one():
    assert dcg([]) == 0.0
    assert dcg([2]) == 2.0
    assert dcg([2, 1]) == pytest.approx(2 + AT_2)  # 2.6309...
    assert dcg([0, 0, 1]) == pytest.approx(0.5)  # 1 / log2(4)


def test_ndcg_is_one_for_the_ideal_order():
    assert ndcg_at(["a", "b", "x"], {"a": 2, "b": 1}) == pytest.approx(1.0)


def test_ndcg_of_a_swapped_pair():
    # DCG = 1 + 2 / log2(3) = 2.26186; ideal = 2 + 1 / log2(3) = 2.63093.
    assert ndcg_at(["b", "a"], {"a": 2, "b": 1}) == pytest.approx(0.8597187)


def test_ndcg_counts_ungraded_services_as_zero():
    # DCG = 2 / log2(3) = 1.26186; ideal = 2.
    assert ndcg_at(["x", "a"], {"a": 2}) == pytest.approx(AT_2)


def test_ndcg_stops_at_depth_k():
    assert ndcg_at(["b", "a"], {"a": 2, "b": 1}, k=1) == pytest.approx(0.5)
    assert ndcg_at(["x", "a"], {"a": 2}, k=1) == 0.0


def test_ndcg_is_zero_without_grades():
    assert ndcg_at(["a"], {}) == 0.0


# Summaries.


def test_summary_averages_answerable_queries_and_counts_close_matches():
    results = [
        QueryResult("asd", "acronym", {"a": 2}, ["a"], None),
        # success@1 0, success@3 0 (b is 4th), MRR 1/4,
        # nDCG = (1 / log2(4) + 2 / log2(5)) / (2 + 1 / log2(3)) = 1.36135 / 2.63093 = 0.51744
        QueryResult("meltdowns", "everyday", {"b": 2, "c": 1}, ["x", "y", "c", "b"], False),
        QueryResult("horse riding", NO_ANSWER, {}, ["z"], False),
        QueryResult("forest school", NO_ANSWER, {}, [], None),
    ]
    summary = summarise(results)
    assert summary["queries"] == 4
    overall = summary["overall"]
    assert overall["queries"] == 2
    assert overall["success@1"] == 0.5
    assert overall["success@3"] == 0.5
    assert overall["mrr"] == 0.625
    assert overall["ndcg@10"] == pytest.approx(0.7587, abs=1e-4)
    assert summary["by_kind"]["acronym"] == {
        "queries": 1,
        "success@1": 1.0,
        "success@3": 1.0,
        "mrr": 1.0,
        "ndcg@10": 1.0,
    }
    assert summary["by_kind"]["everyday"]["mrr"] == 0.25
    assert summary["by_kind"]["everyday"]["ndcg@10"] == pytest.approx(0.5174, abs=1e-4)
    assert summary["by_kind"][NO_ANSWER] == {"queries": 2}
    assert summary["close_match"] == {
        "no_answer_queries": 2,
        "no_answer_honest": 1,
        "no_answer_unknown": 1,
        "answerable_marked_no_close_match": 1,
    }


def test_summary_of_nothing():
    summary = summarise([])
    assert summary["overall"] == {
        "queries": 0,
        "success@1": None,
        "success@3": None,
        "mrr": None,
        "ndcg@10": None,
    }
    assert summary["by_kind"] == {}


# The relevance set file.


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    """Every service of the demo area by slug, with its locations' towns, read from the files."""
    locations: dict[str, dict] = {}
    services: dict[str, dict] = {}
    for path in AREA_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for organisation in data["organisations"]:
            for location in organisation.get("locations") or []:
                locations[location["slug"]] = location
            for service in organisation.get("services") or []:
                services[service["slug"]] = service
    for service in services.values():
        service["towns"] = {locations[slug]["town"] for slug in service.get("locations") or []}
    return services


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return load_relevance_set(SET_FILE)


def test_the_set_is_big_enough(queries):
    assert len(queries) >= 150


def test_each_kind_has_its_minimum(queries):
    counts = Counter(q["kind"] for q in queries)
    assert set(counts) <= set(KINDS)
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind


def test_each_query_has_only_known_fields(queries):
    for q in queries:
        assert {"query", "kind", "grades"} <= set(q) <= {"query", "kind", "grades", "age", "place"}
        assert isinstance(q["query"], str) and q["query"].strip() == q["query"] != ""


def test_no_query_appears_twice(queries):
    typed = Counter(" ".join(q["query"].lower().split()) for q in queries)
    assert [text for text, n in typed.items() if n > 1] == []


def test_graded_slugs_are_services_of_the_catalogue(queries, catalogue):
    unknown = {s for q in queries for s in q["grades"] if s not in catalogue}
    assert unknown == set()


def test_grades_are_two_or_one_and_never_a_closed_service(queries, catalogue):
    for q in queries:
        for slug, grade in q["grades"].items():
            assert grade in (1, 2), (q["query"], slug)
            status = catalogue[slug]["status"]
            assert status != "closed", (q["query"], slug)
            if status == "temporarily-closed":
                assert grade == 1, (q["query"], slug)


def test_no_answer_queries_have_no_grades(queries):
    for q in queries:
        if q["kind"] == NO_ANSWER:
            assert q["grades"] == {}, q["query"]


def test_answerable_queries_have_a_grade(queries):
    for q in queries:
        if q["kind"] != NO_ANSWER:
            assert q["grades"], q["query"]


def test_places_are_towns_of_the_catalogue(queries, catalogue):
    towns = set().union(*(s["towns"] for s in catalogue.values()))
    placed = [q for q in queries if "place" in q]
    assert len(placed) >= MINIMUMS["place"]
    for q in placed:
        assert q["place"] in towns, q["query"]


def test_ages_are_years(queries):
    aged = [q for q in queries if "age" in q]
    assert len(aged) >= MINIMUMS["age"]
    for q in aged:
        age = q["age"]
        if isinstance(age, list):
            assert len(age) == 2 and 0 <= age[0] <= age[1] <= 25, q["query"]
        else:
            assert isinstance(age, int) and 0 <= age <= 25, q["query"]


def test_the_header_says_how_the_grades_were_made():
    head = SET_FILE.read_text(encoding="utf-8").split("\nqueries:")[0].lower()
    for words in ("before", "seed/area", "2:", "1:", "no_answer"):
        assert words in head


def test_at_2_is_the_rank_2_discount():
    assert AT_2 == pytest.approx(1 / math.log2(3))
