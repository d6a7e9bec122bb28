"""Search benchmark: the site's search function against a plain SQL LIKE directory.

Builds a synthetic local area (bench/synthetic.py) in a temporary SQLite database, rebuilds
the search index from it, then times a fixed mix of 200 queries twice through
``browse_services`` (what /services calls) and twice through a naive LIKE query over the same
data, alternating: search, LIKE, search, LIKE. The first pass of each is "cold", the second
the headline. Prints one JSON object; progress goes to stderr. Needs nothing running.

    .venv/bin/python bench/search_bench.py --services 10000

See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.synthetic import DISTRICTS, bench_app, populate  # noqa: E402
from localoffer.directory.service import (  # noqa: E402
    DirectoryFilters,
    Place,
    browse_services,
    count_listed,
    filtered_ids,
    results_page_services,
)
from localoffer.directory.vocabulary import load_vocabularies  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.listings.visibility import publicly_listed  # noqa: E402
from localoffer.models import Location, Service, ServiceAtLocation  # noqa: E402
from localoffer.search.geo import bounding_box, haversine_miles  # noqa: E402

# Moving in the search restructuring: imported from where it is today, else from where it is
# going, so this script (and answers.py and sync_bench.py, which import from it) runs on both.
try:  # today: the "publicly listed" rule lives with the directory's queries
    from localoffer.directory.service import publicly_listed
except ImportError:  # after: localoffer.listings.visibility
    from localoffer.listings.visibility import publicly_listed  # type: ignore[no-redef]

PER_PAGE = 20  # the site's SERVICES_PER_PAGE
TARGET_P95_MS = 30.0
TARGET_SPEEDUP = 10.0

# Where the distance queries search from: a postcode in each district, at the district's
# centre as bench/synthetic.py places it. The geocoder is never called.
_CENTRES = {outward: (lat, lon) for outward, _, lat, lon, _ in DISTRICTS}
PLACES = {
    postcode.split()[0]: Place(postcode, *_CENTRES[postcode.split()[0]], approximate=False)
    for postcode in (
        "PO1 2DT",
        "PO4 8LD",
        "PO6 3EZ",
        "PO9 1QH",
        "PO12 1BJ",
        "PO14 1AH",
        "SO15 2WS",
        "SO17 1BJ",
        "SO22 5HA",
        "SO50 9FD",
    )
}


@dataclass(frozen=True)
class BenchQuery:
    """One search a family might make on /services."""

    kind: str
    q: str = ""
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    cost: tuple[str, ...] = ()
    age: tuple[int, int] | None = None
    near: str | None = None
    within: float | None = None
    sort: str | None = None
    page: int = 1

    def filters(self) -> DirectoryFilters:
        return DirectoryFilters(q=self.q, terms=dict(self.terms), cost=self.cost, age=self.age)

    def place(self) -> Place | None:
        return PLACES[self.near] if self.near else None


def _terms(**facets: str | tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (facet, (values,) if isinstance(values, str) else values)
        for facet, values in facets.items()
    )


def _with_filters(q: str, cost: str = "", **facets: str) -> BenchQuery:
    return BenchQuery("keyword+filter", q, _terms(**facets), (cost,) if cost else ())


KEYWORDS = (
    "speech therapy", "short breaks", "autism", "swimming", "after school club",
    "holiday club", "parent support group", "occupational therapy", "physiotherapy",
    "respite", "wheelchair", "dyslexia", "sensory", "youth club", "supported internship",
    "travel training", "benefits advice", "nursery", "mental health", "sign language",
    "portage", "playscheme", "college", "apprenticeship", "epilepsy", "counselling",
    "home to school transport", "direct payments", "young carers", "stay and play",
    "trampolining", "horse riding", "anxiety", "transition", "independent living",
    "eating disorder",
    "my son is autistic and needs help at school",
    "free holiday club for disabled children in portsmouth",
)  # fmt: skip
ACRONYMS = (
    "ASD", "SALT", "CAMHS", "EHCP", "ADHD", "SEMH", "SENCO", "OT", "BSL", "PDA", "MLD", "SLD",
    "PMLD", "SpLD", "DLA", "PIP", "SENDIASS", "PfA", "AAC", "PECS", "EHE", "PRU", "VI", "HI",
    "MSI", "DLD", "SLCN", "GDD", "OCD", "ELSA", "EBSA", "MHST", "QTVI", "ASD SALT",
    "EHCP annual review",
)  # fmt: skip
MISSPELLINGS = (
    "autisim", "austism", "speach therapy", "dyslexcia", "physiotheraphy", "respit care",
    "dispraxia", "ocupational therapy", "hearing impairement", "shortbreaks", "councelling",
    "adhd medicaton", "wheelchiar", "aspergers syndrom", "behavour support", "sensery room",
    "epilepsey", "portage visitng", "apprentiship", "mental helth",
)  # fmt: skip


def query_mix() -> list[BenchQuery]:
    """The fixed 200 queries, in the order they run."""
    mix = [BenchQuery("keyword", q) for q in KEYWORDS]
    mix += [BenchQuery("keyword", "autism", page=2), BenchQuery("keyword", "short breaks", page=3)]
    mix += [BenchQuery("acronym", q) for q in ACRONYMS]
    mix += [BenchQuery("misspelling", q) for q in MISSPELLINGS]
    filters = [
        _terms(need="autism"),
        _terms(need="speech-language-and-communication"),
        _terms(need="social-emotional-and-mental-health"),
        _terms(need="sensory-and-physical"),
        _terms(need="adhd"),
        _terms(category="short-breaks-and-leisure"),
        _terms(category="health"),
        _terms(category="education"),
        _terms(category="preparing-for-adulthood"),
        _terms(category="early-years"),
        _terms(category="money-and-benefits"),
        _terms(category="transport"),
        _terms(level="specialist"),
        _terms(level="universal"),
        _terms(access="self-referral"),
        _terms(access="ehc-plan"),
        _terms(need="autism", category="short-breaks-and-leisure"),
        _terms(category="health", level="specialist"),
        _terms(need=("autism", "adhd")),
        _terms(need="cognition-and-learning", access="self-referral"),
        _terms(category="family-support", level="targeted"),
    ]
    mix += [BenchQuery("filter", terms=terms) for terms in filters]
    mix += [
        BenchQuery("filter", cost=("free",)),
        BenchQuery("filter", cost=("paid",)),
        BenchQuery("filter", terms=_terms(need="autism"), cost=("free",)),
        BenchQuery("filter", terms=_terms(category=("education", "early-years")), cost=("free",)),
    ]
    mix += [
        _with_filters("speech therapy", need="speech-language-and-communication"),
        _with_filters("swimming", cost="free"),
        _with_filters("ASD", category="short-breaks-and-leisure"),
        _with_filters("club", need="autism", cost="free"),
        _with_filters("support group", category="information-advice-and-support"),
        _with_filters("CAMHS", level="specialist"),
        _with_filters("holiday", category="short-breaks-and-leisure", cost="paid"),
        _with_filters("EHCP", category="education"),
        _with_filters("therapy", category="health", access="self-referral"),
        _with_filters("training", category="preparing-for-adulthood"),
        _with_filters("advice", category="money-and-benefits"),
        _with_filters("ADHD", category="family-support"),
        _with_filters("nursery", category="early-years", cost="free"),
        _with_filters("transport", category="transport"),
        _with_filters("sensory", need="sensory-and-physical"),
        _with_filters("parent", access="self-referral"),
        _with_filters("college", level="specialist"),
        _with_filters("wheelchair", need="physical-disability"),
        _with_filters("dyslexia", category="education"),
        _with_filters("youth club", level="universal", cost="free"),
    ]
    ages = [(0, 4), (5, 10), (11, 15), (16, 18), (19, 25), (7, 7), (14, 14), (3, 3)]
    mix += [BenchQuery("age", age=age) for age in ages]
    mix += [
        BenchQuery("age", terms=_terms(category="early-years"), age=(0, 4)),
        BenchQuery("age", terms=_terms(need="autism"), age=(5, 10)),
        BenchQuery("age", cost=("free",), age=(11, 15)),
        BenchQuery("age", terms=_terms(category="preparing-for-adulthood"), age=(16, 25)),
        BenchQuery("age", "speech therapy", age=(3, 3)),
        BenchQuery("age", "swimming", age=(8, 8)),
        BenchQuery("age", "autism", age=(5, 10)),
        BenchQuery("age", "holiday club", age=(11, 15)),
        BenchQuery("age", "SALT", age=(0, 4)),
        BenchQuery("age", "job", age=(19, 25)),
        BenchQuery("age", "college", age=(16, 18)),
        BenchQuery("age", "CAMHS", age=(14, 14)),
    ]
    within = [
        ("PO4", 1), ("PO4", 3), ("PO1", 5), ("PO6", 2), ("PO12", 5), ("PO9", 10), ("SO15", 1),
        ("SO15", 3), ("SO17", 5), ("SO50", 10), ("SO22", 2), ("SO22", 20), ("PO14", 20),
        ("PO14", 3), ("SO50", 1),
    ]  # fmt: skip
    mix += [BenchQuery("distance", near=near, within=miles) for near, miles in within]
    mix += [BenchQuery("distance", near=near) for near in PLACES]
    mix += [
        BenchQuery("distance", "speech therapy", near="PO4", within=5, sort="distance"),
        BenchQuery("distance", "short breaks", near="SO15", within=10),
        BenchQuery("distance", "autism", near="PO6", within=3),
        BenchQuery("distance", "swimming", near="SO22", within=10),
        BenchQuery("distance", "CAMHS", near="PO1", within=5),
        BenchQuery("distance", "EHCP", near="SO17", within=5),
        BenchQuery("distance", "youth club", near="PO9", within=10),
        BenchQuery("distance", "nursery", near="SO50", within=3),
        BenchQuery("distance", "holiday club", near="PO12", within=5),
        BenchQuery("distance", "SALT", near="PO14", within=20),
        BenchQuery("distance", terms=_terms(need="autism"), near="PO4", within=5),
        BenchQuery(
            "distance", terms=_terms(category="short-breaks-and-leisure"), near="SO15", within=10
        ),
        BenchQuery("distance", cost=("free",), near="PO6", within=3),
        BenchQuery("distance", age=(5, 10), near="SO22", within=10),
        BenchQuery(
            "distance", terms=_terms(category="health", level="specialist"), near="PO1", within=20
        ),
    ]
    assert len(mix) == 200, len(mix)
    return mix


# The two ways of answering a query. Each runs inside its own request context, as a page
# would, so per-request work (vocabularies, thesaurus check, session) is counted every time.


def search_page(query: BenchQuery) -> int:
    """The site's search: ``browse_services``, as /services calls it; returns the total."""
    results, _ = browse_services(
        query.filters(),
        query.page,
        PER_PAGE,
        sort=query.sort,
        place=query.place(),
        within_miles=query.within,
    )
    return results.total


def like_page(query: BenchQuery) -> int:
    """What a directory without a search index would do for the same page: the filters and a
    LIKE per word in SQL (``filtered_ids``), a count, and one page of services by name, loaded
    for display as the site loads its results (``results_page_services``). With a
    place, distances are worked out in Python over the filtered services' locations (inside a
    bounding box when there is a radius) and the page is the nearest. Returns the total."""
    ids = filtered_ids(query.filters())
    place = query.place()
    offset = (query.page - 1) * PER_PAGE
    if place is None:
        total = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
        page = (
            select(Service.id)
            .where(Service.id.in_(ids))
            .order_by(func.lower(Service.name), Service.id)
            .limit(PER_PAGE)
            .offset(offset)
        )
        results_page_services(list(db.session.scalars(page)))
        return total
    origin = (place.latitude, place.longitude)
    points = (
        select(ServiceAtLocation.service_id, Location.latitude, Location.longitude)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id.in_(ids), Location.latitude.is_not(None))
    )
    if query.within is not None:
        low_lat, high_lat, low_lon, high_lon = bounding_box(origin, query.within)
        points = points.where(
            Location.latitude.between(low_lat, high_lat),
            Location.longitude.between(low_lon, high_lon),
        )
    nearest: dict[int, float] = {}
    for service_id, lat, lon in db.session.execute(points):
        miles = haversine_miles(origin, (lat, lon))
        if miles < nearest.get(service_id, math.inf):
            nearest[service_id] = miles
    if query.within is not None:
        candidates = [i for i, miles in nearest.items() if miles <= query.within]
    else:
        # Without a radius every match is listed, those with no location last.
        candidates = list(db.session.scalars(ids))
    candidates.sort(key=lambda i: (nearest.get(i, math.inf), i))
    wanted = candidates[offset : offset + PER_PAGE]
    results_page_services(wanted)
    return len(candidates)


@dataclass
class PassResult:
    """One pass over the mix: per query, milliseconds, result total and milliseconds spent
    inside the search backend; and the full (generation 2) garbage collections during it."""

    ms: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    engine_ms: list[float] = field(default_factory=list)
    full_collections: int = 0
    full_collection_ms: float = 0.0


def page_floor_ms(app: Flask, repeats: int = 50) -> float:
    """Median milliseconds of the page work the LIKE baseline does whatever finds the
    services: read the vocabularies and load 20 services with what a results item shows from
    the database (the site's search takes those facts from the index instead)."""
    with app.app_context():
        ids = db.session.scalars(
            select(Service.id).where(*publicly_listed()).order_by(Service.name).limit(PER_PAGE)
        ).all()
    times = []
    for _ in range(repeats):
        with app.test_request_context("/services"):
            started = time.perf_counter()
            load_vocabularies()
            results_page_services(ids)
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def timed_pass(
    app: Flask, mix: Sequence[BenchQuery], run: Callable[[BenchQuery], int]
) -> PassResult:
    """Run each query of ``mix`` in a request context of its own, as a page would."""
    result = PassResult()
    backend = app.extensions["search"].backend
    original = backend.search
    inside = 0.0
    collecting = 0.0

    def timed_search(request):
        nonlocal inside
        started = time.perf_counter()
        try:
            return original(request)
        finally:
            inside += time.perf_counter() - started

    def on_collect(phase: str, info: dict) -> None:
        nonlocal collecting
        if info["generation"] != 2:
            return
        if phase == "start":
            collecting = time.perf_counter()
        else:
            result.full_collections += 1
            result.full_collection_ms += (time.perf_counter() - collecting) * 1000

    # Wrap the instance's method (not the class's) for the length of the pass.
    backend.search = timed_search
    gc.callbacks.append(on_collect)
    try:
        for query in mix:
            inside = 0.0
            with app.test_request_context("/services"):
                started = time.perf_counter()
                total = run(query)
                elapsed = time.perf_counter() - started
            result.ms.append(elapsed * 1000)
            result.engine_ms.append(inside * 1000)
            result.totals.append(total)
    finally:
        gc.callbacks.remove(on_collect)
        del backend.search
    return result


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (as numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ms(value: float) -> float:
    return round(value, 2)


def folder_mb(path: Path) -> float:
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(size / 2**20, 2)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def code_version() -> str:
    """The commit measured, with "+changes" when the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (commit or "unknown") + ("+changes" if changed else "")


def machine() -> dict[str, Any]:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gb": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": date.today().isoformat(),
    }


def run_benchmark(
    services: int, seed: int, workdir: Path, log: Callable[[str], None], freeze: bool = False
) -> dict:
    load_before = os.getloadavg()[0]
    # Before anything else: the lead may commit while a long run is going.
    code = code_version()
    log(f"{services} services: creating the database in {workdir}")
    app = bench_app(workdir)
    try:
        made = populate(app, services, seed)
        log(f"generated in {made['generate_s']} s, inserted in {made['insert_s']} s")
        with app.app_context():
            search = app.extensions["search"]
            started = time.perf_counter()
            indexed = search.rebuild()
            build_s = time.perf_counter() - started
            listed = count_listed()
        log(f"indexed {indexed} listed services in {build_s:.1f} s")
        if indexed != listed or listed == 0:
            # Timing an empty or partial index would give meaningless figures.
            raise SystemExit(f"indexed {indexed} services but {listed} are listed: not timing")

        mix = query_mix()
        # Passes alternate, so a machine that slows down part way affects both alike.
        cold = timed_pass(app, mix, search_page)
        like_cold = timed_pass(app, mix, like_page)
        if freeze:
            # What a server could do once it has started and opened the index.
            gc.collect()
            gc.freeze()
        warm = timed_pass(app, mix, search_page)
        like = timed_pass(app, mix, like_page)
        for label, first, second in (("search", cold, warm), ("LIKE", like_cold, like)):
            p95s = [percentile(found.ms, 95) for found in (first, second)]
            log(f"{label}: p95 {p95s[0]:.1f} ms cold, {p95s[1]:.1f} ms warm")
        floor = page_floor_ms(app)
    finally:
        with app.app_context():
            app.extensions["search"].backend.close()
            db.session.remove()
            db.engine.dispose()

    by_kind: dict[str, dict[str, Any]] = {}
    for kind in dict.fromkeys(q.kind for q in mix):
        positions = [i for i, q in enumerate(mix) if q.kind == kind]
        by_kind[kind] = {
            "queries": len(positions),
            "p50_ms": _ms(percentile([warm.ms[i] for i in positions], 50)),
            "p95_ms": _ms(percentile([warm.ms[i] for i in positions], 95)),
            "like_p50_ms": _ms(percentile([like.ms[i] for i in positions], 50)),
            "like_p95_ms": _ms(percentile([like.ms[i] for i in positions], 95)),
        }
    p50, p95 = percentile(warm.ms, 50), percentile(warm.ms, 95)
    like_p50, like_p95 = percentile(like.ms, 50), percentile(like.ms, 95)
    return {
        "services": services,
        "listed_services": indexed,
        "seed": seed,
        "queries": len(mix),
        "per_page": PER_PAGE,
        "generate_s": made["generate_s"],
        "insert_s": made["insert_s"],
        "build_s": round(build_s, 2),
        "index_mb": folder_mb(workdir / "index"),
        "db_mb": round((workdir / "bench.db").stat().st_size / 2**20, 2),
        "first_query_ms": _ms(cold.ms[0]),
        "cold_p50_ms": _ms(percentile(cold.ms, 50)),
        "cold_p95_ms": _ms(percentile(cold.ms, 95)),
        "cold_p99_ms": _ms(percentile(cold.ms, 99)),
        "p50_ms": _ms(p50),
        "p95_ms": _ms(p95),
        "p99_ms": _ms(percentile(warm.ms, 99)),
        "max_ms": _ms(max(warm.ms)),
        "engine_p50_ms": _ms(percentile(warm.engine_ms, 50)),
        "engine_p95_ms": _ms(percentile(warm.engine_ms, 95)),
        "page_floor_ms": _ms(floor),
        "full_gc": {
            "collections": warm.full_collections,
            "ms": _ms(warm.full_collection_ms),
            "like_collections": like.full_collections,
            "like_ms": _ms(like.full_collection_ms),
            "frozen": freeze,
        },
        "like_cold_p95_ms": _ms(percentile(like_cold.ms, 95)),
        "like_p50_ms": _ms(like_p50),
        "like_p95_ms": _ms(like_p95),
        "like_p99_ms": _ms(percentile(like.ms, 99)),
        "speedup_p50": round(like_p50 / p50, 1),
        "speedup_p95": round(like_p95 / p95, 1),
        "zero_results": {
            "search": warm.totals.count(0),
            "like": like.totals.count(0),
        },
        # A check that both paths filter alike: without words they must find the same services.
        "same_totals_without_words": {
            "queries": sum(1 for q in mix if not q.q),
            "agree": sum(
                1
                for query, found, like_found in zip(mix, warm.totals, like.totals, strict=True)
                if not query.q and found == like_found
            ),
        },
        "by_kind": by_kind,
        "targets": {
            "p95_ms_below": TARGET_P95_MS,
            "speedup_p95_at_least": TARGET_SPEEDUP,
            "p95_met": p95 < TARGET_P95_MS,
            "speedup_met": like_p95 / p95 >= TARGET_SPEEDUP,
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "code": code,
        "machine": machine(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000, help="services to generate")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic area")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the database and index in this (new or empty) folder instead of a temporary one",
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after the cold pass, as a server could once started (the app does not)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.services < 1:
        parser.error("--services must be at least 1")

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[search_bench] {message}", file=sys.stderr, flush=True)

    if args.workdir is not None:
        if args.workdir.exists() and any(args.workdir.iterdir()):
            parser.error(f"{args.workdir} is not empty")
        result = run_benchmark(args.services, args.seed, args.workdir, log, args.gc_freeze)
    else:
        with tempfile.TemporaryDirectory(prefix="localoffer-search-bench-") as folder:
            result = run_benchmark(args.services, args.seed, Path(folder), log, args.gc_freeze)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
