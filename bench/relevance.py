"""Relevance benchmark: the site's search against the graded relevance set.

Makes a fresh SQLite database in a temporary folder, builds it with the migrations, seeds the
demo area (``seed/``, as ``flask seed`` does), rebuilds the search index, then runs every query
of tests/search/relevance_set.yaml through ``browse_services`` (what /services calls), first
page of 10, and measures the ranking against the grades. Prints one JSON object on stdout;
progress (and Alembic's log) goes to stderr. Needs nothing running.

    .venv/bin/python bench/relevance.py
    .venv/bin/python bench/relevance.py --details   # each query's ranks on stderr

The measures (bench/relevance_metrics.py): success@1 and success@3 (a service graded 2 in the
first k, or graded 1 when the query has no grade-2 service), MRR (same relevance, over the
first 10), nDCG@10 (gains 2 and 1, ideal from the grades), overall and per kind of query. The
``no_answer`` queries are not in those averages; ``close_match`` counts how many the engine
answered honestly (``close_match`` False) and how many answerable queries it wrongly marked as
having no close match. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.relevance_metrics import (  # noqa: E402
    NDCG_DEPTH,
    QueryResult,
    first_relevant_rank,
    load_relevance_set,
    measures,
    summarise,
)
from bench.search_bench import code_version  # noqa: E402
from localoffer import create_app  # noqa: E402
from localoffer.directory.service import DirectoryFilters, browse_services  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.listings.visibility import publicly_listed  # noqa: E402
from localoffer.models import Service  # noqa: E402
from localoffer.seeding.loader import seed_all  # noqa: E402

RELEVANCE_SET = ROOT / "tests" / "search" / "relevance_set.yaml"
TOP = NDCG_DEPTH  # one page of 10 results

# The app the queries run in, its services' slugs by id, and the last outcome of each query.
_app: Flask | None = None
_slugs: dict[int, str] = {}
_outcomes: dict[str, Any] = {}


def build_app(workdir: Path) -> Flask:
    """A testing app over a new SQLite database in ``workdir``: migrated, seeded with the demo
    area, its search index rebuilt and checked to hold exactly the listed services."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(workdir / "relevance.db"),
            "SEARCH_INDEX_DIR": str(workdir / "index"),
            "SEARCH_CHECK_ON_START": False,
            # Nothing reaches the internet: a closed local port answers at once.
            "POSTCODES_IO_URL": "http://127.0.0.1:9",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        seed_all(ROOT / "seed")
        engine = app.extensions["search"]
        written = {name: engine.rebuild(name) for name in engine.indexes}  # services, guides
        indexed = written["services"]
        listed = db.session.scalar(select(func.count(Service.id)).where(*publicly_listed()))
        if indexed != listed or listed == 0:
            raise SystemExit(f"indexed {indexed} services but {listed} are listed: stopping")
        _slugs.update(db.session.execute(select(Service.id, Service.slug)).tuples().all())
    return app


def ranked_slugs(query: str) -> list[str]:
    """The slugs of the first page of services the site's search returns for ``query``."""
    assert _app is not None, "build_app first"
    with _app.test_request_context("/services"):
        results, outcome = browse_services(DirectoryFilters(q=query), 1, TOP)
    _outcomes[query] = outcome
    return [_slugs[service.id] for service in results.services]


def close_match(query: str) -> bool | None:
    """Whether the engine found a close match for ``query`` (``SearchOutcome.close_match``)."""
    if query not in _outcomes:
        ranked_slugs(query)
    return _outcomes[query].close_match


def check_slugs(queries: Sequence[dict[str, Any]]) -> None:
    """Stop if a graded slug is not a service of the seeded area."""
    known = set(_slugs.values())
    missing = sorted({s for q in queries for s in q["grades"] if s not in known})
    if missing:
        raise SystemExit(f"graded slugs not in the demo area: {', '.join(missing)}")


def details_line(result: QueryResult) -> str:
    rank = first_relevant_rank(result.ranked, result.grades) if result.answerable else None
    shown = [
        f"{slug}({result.grades[slug]})" if slug in result.grades else slug
        for slug in result.ranked[:5]
    ]
    if result.answerable:
        m = measures(result)
        score = f"rank={rank if rank else '-':>2} ndcg={m[f'ndcg@{NDCG_DEPTH}']:.2f}"
    else:
        score = f"returned={len(result.ranked):>2}       "
    return (
        f"{result.kind:14} {score} close_match={result.close_match!s:5} "
        f"{result.query!r}: {', '.join(shown) or '(nothing)'}"
    )


def run(relevance_set: Path, workdir: Path, details: bool) -> dict[str, Any]:
    global _app
    started = time.perf_counter()
    queries = load_relevance_set(relevance_set)
    print(f"building the demo area in {workdir}", file=sys.stderr)
    _app = build_app(workdir)
    try:
        check_slugs(queries)
        results = []
        for q in queries:
            ranked = ranked_slugs(q["query"])
            results.append(
                QueryResult(
                    query=q["query"],
                    kind=q["kind"],
                    grades=q["grades"],
                    ranked=ranked,
                    close_match=close_match(q["query"]),
                )
            )
            if details:
                print(details_line(results[-1]), file=sys.stderr)
    finally:
        with _app.app_context():
            _app.extensions["search"].backend.close()
            db.session.remove()
            db.engine.dispose()
    summary = summarise(results)
    return {
        "set": str(relevance_set.relative_to(ROOT))
        if relevance_set.is_relative_to(ROOT)
        else str(relevance_set),
        "depth": TOP,
        **summary,
        "relevant": "graded 2, or graded 1 when the query has no grade-2 service",
        "code": code_version(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=RELEVANCE_SET, help="the relevance set file")
    parser.add_argument("--details", action="store_true", help="each query's ranks on stderr")
    parser.add_argument("--workdir", type=Path, help="an empty folder for the database and index")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = run(args.set.resolve(), args.workdir, args.details)
    else:
        with tempfile.TemporaryDirectory(prefix="relevance-") as folder:
            report = run(args.set.resolve(), Path(folder), args.details)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
