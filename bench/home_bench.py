"""Home page benchmark: the directory's counts (services per area of need, per type of help,
per age band, in all) on a synthetic area, and the home and young people's pages that show them.

Builds (or reuses, with ``--workdir``) a SQLite database with ``bench/synthetic.py``'s area,
then times, each ``--repeats`` times in a request context of its own (as a request would):
``term_counts("need")``, ``term_counts("category")``, ``term_counts("pfa-theme")``,
``age_band_counts()``, ``count_listed()`` (``/healthz``'s, not kept), ``listed_total()`` (the
home page's, kept), and ``GET /`` and ``GET /young-people`` through the
test client. Then it unpublishes and republishes one listing (``lifecycle``, committed) and
times the next home page: the first request after a change, when the counts are worked out
again. Prints one JSON object; progress goes to stderr.

    .venv/bin/python bench/home_bench.py --services 10000 --workdir /tmp/home-area

See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.search_bench import code_version, machine  # noqa: E402
from bench.synthetic import bench_app, populate  # noqa: E402
from localoffer import create_app  # noqa: E402
from localoffer.directory.service import (  # noqa: E402
    age_band_counts,
    count_listed,
    listed_total,
    term_counts,
)
from localoffer.extensions import db  # noqa: E402
from localoffer.listings.visibility import publicly_listed  # noqa: E402
from localoffer.manage import lifecycle  # noqa: E402
from localoffer.models import Role, Service, User  # noqa: E402


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def area_app(workdir: Path, services: int) -> tuple[Flask, dict[str, Any]]:
    """The app over ``workdir``'s area, building the area first if the folder has none."""
    config = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(workdir / "bench.db"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "SEARCH_CHECK_ON_START": False,
    }
    if (workdir / "bench.db").exists():
        log(f"reusing the area in {workdir}")
        return create_app(config), {}
    log(f"building {services} services in {workdir}")
    app = bench_app(workdir)
    made = populate(app, services)
    with app.app_context():
        # The listing pages are not timed here, but a change updates the index after commit.
        app.extensions["search"].rebuild()
        db.session.remove()
        db.engine.dispose()
    return create_app(config), made


def timings(app: Flask, work: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Milliseconds per call of ``work``, each in a fresh request context."""
    spent = []
    for _ in range(repeats):
        with app.test_request_context("/"):
            started = time.perf_counter()
            work()
            spent.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    spent.sort()
    return {
        "p50_ms": round(statistics.median(spent), 2),
        "min_ms": round(spent[0], 2),
        "max_ms": round(spent[-1], 2),
    }


def page(app: Flask, path: str) -> Callable[[], Any]:
    client = app.test_client()

    def get() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    return get


def toggle_a_listing(app: Flask) -> None:
    """Unpublish and republish one listed service, as an officer would, committing each."""
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.role == Role.OFFICER))
        if actor is None:
            actor = User(email="bench-officer@example.org", name="Bench Officer", role=Role.OFFICER)
            db.session.add(actor)
            db.session.commit()
        service = db.session.scalars(select(Service).where(*publicly_listed())).first()
        lifecycle.unpublish(service, actor)
        db.session.commit()
        lifecycle.publish(service, actor)
        db.session.commit()
        db.session.remove()


def run(workdir: Path, services: int, repeats: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    code = code_version()
    app, made = area_app(workdir, services)
    with app.app_context():
        listed = count_listed()
        db.session.remove()
    log(f"{listed} listed services; timing {repeats} repeats")
    work = {
        "term_counts_need": lambda: term_counts("need"),
        "term_counts_category": lambda: term_counts("category"),
        "term_counts_pfa_theme": lambda: term_counts("pfa-theme"),
        "age_band_counts": age_band_counts,
        "count_listed": count_listed,
        "listed_total": listed_total,
    }
    result: dict[str, Any] = {"services": services, "listed_services": listed}
    for name, call in work.items():
        result[name] = timings(app, call, repeats)
    result["home_page"] = timings(app, page(app, "/"), repeats)
    result["young_people_page"] = timings(app, page(app, "/young-people"), repeats)
    toggle_a_listing(app)
    result["home_page_after_a_change"] = timings(app, page(app, "/"), 1)
    result["home_page_again"] = timings(app, page(app, "/"), repeats)
    result.update(
        made=made,
        repeats=repeats,
        load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)],
        code=code,
        machine=machine(),
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--workdir", type=Path, help="keep (or reuse) the area in this folder")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.workdir, args.services, args.repeats)
    else:
        with tempfile.TemporaryDirectory(prefix="lo-home-bench-") as folder:
            result = run(Path(folder), args.services, args.repeats)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
