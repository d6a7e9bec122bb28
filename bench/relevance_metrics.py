"""Relevance measures for bench/relevance.py: pure functions over ranked slugs and grades.

A query's grades map service slugs to 2 (exactly what is needed) or 1 (useful); a service not
graded counts 0. See tests/search/relevance_set.yaml for how the grades were made.

What counts as a hit: for success@k and the reciprocal rank, a service is *relevant* when it
is graded 2, or, for a query with no grade-2 service at all, when it is graded 1. So success@3
asks "is one of the services the query needs exactly in the first three?", falling back to
"a useful one" only where the catalogue has nothing better.

nDCG@k uses the grades themselves as gains (2 and 1, no exponent), discounted by
log2(rank + 1); the ideal ranking is the query's grades sorted from high to low.

Queries of kind ``no_answer`` have no grades; they are left out of these measures and counted
by whether the engine said honestly that it had no close match.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

NO_ANSWER = "no_answer"
KINDS = (
    "misspelling",
    "sentence",
    "age",
    "place",
    "everyday",
    "money",
    "parent_support",
    "acronym",
    NO_ANSWER,
)
K_VALUES = (1, 3)
NDCG_DEPTH = 10


def relevant_slugs(grades: Mapping[str, int]) -> set[str]:
    """The services that count as a hit: those graded 2, or those graded 1 when none is 2."""
    best = max(grades.values(), default=0)
    return {slug for slug, grade in grades.items() if grade == best and best > 0}


def first_relevant_rank(ranked: Sequence[str], grades: Mapping[str, int]) -> int | None:
    """The 1-based rank of the first relevant service in ``ranked``, or None."""
    wanted = relevant_slugs(grades)
    for rank, slug in enumerate(ranked, start=1):
        if slug in wanted:
            return rank
    return None


def success_at(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> bool:
    """Whether a relevant service is among the first ``k``."""
    rank = first_relevant_rank(ranked, grades)
    return rank is not None and rank <= k


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    """1 / the rank of the first relevant service; 0 when there is none in ``ranked``."""
    rank = first_relevant_rank(ranked, grades)
    return 0.0 if rank is None else 1.0 / rank


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: the gain at rank r divided by log2(r + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = NDCG_DEPTH) -> float:
    """nDCG of the first ``k`` services, with the grades (2, 1, else 0) as gains and the ideal
    taken from the grades; 0 for a query without grades."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(grades.get(slug, 0) for slug in ranked[:k]) / ideal


@dataclass(frozen=True)
class QueryResult:
    """One query of the set and what the engine answered."""

    query: str
    kind: str
    grades: Mapping[str, int]
    ranked: Sequence[str]
    close_match: bool | None = None

    @property
    def answerable(self) -> bool:
        return self.kind != NO_ANSWER


def measures(result: QueryResult) -> dict[str, float]:
    """The per-query measures of an answerable query."""
    found: dict[str, float] = {
        f"success@{k}": float(success_at(result.ranked, result.grades, k)) for k in K_VALUES
    }
    found["mrr"] = reciprocal_rank(result.ranked, result.grades)
    found[f"ndcg@{NDCG_DEPTH}"] = ndcg_at(result.ranked, result.grades, NDCG_DEPTH)
    return found


def average(results: Sequence[QueryResult]) -> dict[str, Any]:
    """Mean of each measure over the answerable queries, with their count."""
    answerable = [r for r in results if r.answerable]
    summary: dict[str, Any] = {"queries": len(answerable)}
    names = [f"success@{k}" for k in K_VALUES] + ["mrr", f"ndcg@{NDCG_DEPTH}"]
    for name in names:
        values = [measures(r)[name] for r in answerable]
        summary[name] = round(sum(values) / len(values), 4) if values else None
    return summary


def close_match_counts(results: Sequence[QueryResult]) -> dict[str, int]:
    """How the engine's "no close match" answer fared.

    ``no_answer_honest``: no_answer queries answered ``close_match is False``;
    ``no_answer_unknown``: no_answer queries where the engine gave no verdict (None);
    ``answerable_marked_no_close_match``: answerable queries wrongly answered False."""
    no_answer = [r for r in results if not r.answerable]
    answerable = [r for r in results if r.answerable]
    return {
        "no_answer_queries": len(no_answer),
        "no_answer_honest": sum(1 for r in no_answer if r.close_match is False),
        "no_answer_unknown": sum(1 for r in no_answer if r.close_match is None),
        "answerable_marked_no_close_match": sum(1 for r in answerable if r.close_match is False),
    }


def summarise(results: Sequence[QueryResult]) -> dict[str, Any]:
    """Overall and per-kind averages, and the close-match counts."""
    by_kind: dict[str, Any] = {}
    for kind in KINDS:
        of_kind = [r for r in results if r.kind == kind]
        if not of_kind:
            continue
        by_kind[kind] = {"queries": len(of_kind)} if kind == NO_ANSWER else average(of_kind)
    return {
        "queries": len(results),
        "overall": average(results),
        "by_kind": by_kind,
        "close_match": close_match_counts(results),
    }


def load_relevance_set(path: Path) -> list[dict[str, Any]]:
    """The queries of a relevance set file (``queries:`` list of dicts)."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return list(data["queries"])
