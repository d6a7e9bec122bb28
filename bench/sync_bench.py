"""Index sync benchmark: how long a listing save takes, and how long ``flask search status`` takes.

Builds a synthetic local area (bench/synthetic.py) in a temporary SQLite database, rebuilds the
search index, then

* **saves**: ``--saves`` times (default 200), on a different listed service each time, loads the
  service through the ORM in an app context of its own, changes its name and description and
  commits. The time runs from loading the service to the end of ``commit()``, so it includes
  whatever the app does after the commit to keep the index in step;
* **status**: what ``flask search status`` works out, in process (``status()`` below), timed
  ``--status-repeats`` times after the saves.

Prints one JSON object; progress goes to stderr. Needs nothing running.

    .venv/bin/python bench/sync_bench.py --services 10000

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask, current_app  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.search_bench import code_version, folder_mb, machine, percentile  # noqa: E402
from bench.synthetic import bench_app, populate  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.models import Service  # noqa: E402

# Names the search restructuring moves: where they are today first, then where they go, so the
# same script measures the code before and after the move.
try:  # today: the "publicly listed" rule lives with the directory's queries
    from localoffer.directory.service import publicly_listed
except ImportError:  # after: localoffer.listings.visibility
    from localoffer.listings.visibility import publicly_listed  # type: ignore[no-redef]


def status() -> dict[str, Any]:
    """What ``flask search status`` works out, in the current app context.

    The new API first: ``engine.status()`` returning a report (a dataclass, a mapping or an
    object with attributes), kept as it is in ``report``; else today's ``is_in_step()`` (and
    the document count the command also prints)."""
    search = current_app.extensions["search"]
    if callable(getattr(search, "status", None)):
        report = search.status()
        return {"api": "status()", "in_step": _in_step_of(report), "report": _plain(report)}
    return {
        "api": "is_in_step()",
        "in_step": search.is_in_step(),
        "documents": search.backend.doc_count(),
    }


def _in_step_of(report: Any) -> bool | None:
    for name in ("in_step", "is_in_step", "ok", "healthy"):
        value = report.get(name) if isinstance(report, dict) else getattr(report, name, None)
        if callable(value):
            value = value()
        if isinstance(value, bool):
            return value
    return None


def _plain(value: Any) -> Any:
    """A report as JSON, whatever its shape."""
    import dataclasses
    import enum

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif hasattr(value, "_asdict"):
        value = value._asdict()
    elif not isinstance(value, dict | list | tuple | str | int | float | bool | type(None)):
        value = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    return str(value)


def save_targets(app: Flask, saves: int) -> list[int]:
    """``saves`` listed services spread evenly over the area (each saved once)."""
    with app.app_context():
        listed = list(
            db.session.scalars(select(Service.id).where(*publicly_listed()).order_by(Service.id))
        )
        db.session.remove()
    if saves > len(listed):
        raise SystemExit(f"--saves {saves} is more than the {len(listed)} listed services")
    step = len(listed) / saves
    return [listed[int(i * step)] for i in range(saves)]


def timed_saves(app: Flask, ids: Sequence[int]) -> list[float]:
    """Milliseconds of each save: load the service, change name and description, commit."""
    times = []
    for number, service_id in enumerate(ids):
        with app.app_context():
            started = time.perf_counter()
            service = db.session.get(Service, service_id)
            service.name = f"{service.name} (renamed {number})"
            service.description = f"{service.description}\n\nUpdated by the sync benchmark."
            db.session.commit()
            times.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    return times


def timed_status(app: Flask, repeats: int) -> tuple[list[float], dict[str, Any]]:
    times = []
    report: dict[str, Any] = {}
    for _ in range(repeats):
        with app.app_context():
            started = time.perf_counter()
            report = status()
            times.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    return times, report


def outbox_cost(app: Flask, ids: Sequence[int]) -> dict[str, Any] | None:
    """What writing the search outbox adds to a save, on its own: the same saves with the
    after-commit index update switched off, every other save also without the outbox listener
    (alternating, so both halves see the same machine). None before the outbox existed."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    try:
        from localoffer.search import engine as engine_module
        from localoffer.search import outbox
    except ImportError:
        return None
    event.remove(Session, "after_commit", engine_module._after_commit)
    with_outbox, without = [], []
    try:
        for number, service_id in enumerate(ids):
            writing = number % 2 == 0
            if not writing:
                event.remove(Session, "after_flush", outbox.record_changes)
            try:
                with app.app_context():
                    started = time.perf_counter()
                    service = db.session.get(Service, service_id)
                    service.name = f"{service.name} (outbox {number})"
                    service.description = f"{service.description}\n\nOutbox cost."
                    db.session.commit()
                    (with_outbox if writing else without).append(
                        (time.perf_counter() - started) * 1000
                    )
                    db.session.remove()
            finally:
                if not writing:
                    event.listen(Session, "after_flush", outbox.record_changes)
    finally:
        event.listen(Session, "after_commit", engine_module._after_commit)
    return {
        "saves_each": len(with_outbox),
        "with_outbox_p50_ms": _ms(percentile(with_outbox, 50)),
        "with_outbox_p95_ms": _ms(percentile(with_outbox, 95)),
        "without_outbox_p50_ms": _ms(percentile(without, 50)),
        "without_outbox_p95_ms": _ms(percentile(without, 95)),
        "added_p50_ms": _ms(percentile(with_outbox, 50) - percentile(without, 50)),
        "added_p95_ms": _ms(percentile(with_outbox, 95) - percentile(without, 95)),
    }


def _ms(value: float) -> float:
    return round(value, 2)


def run_benchmark(
    services: int,
    seed: int,
    saves: int,
    status_repeats: int,
    workdir: Path,
    log: Callable[[str], None],
) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    code = code_version()
    log(f"{services} services: creating the database in {workdir}")
    app = bench_app(workdir)
    try:
        made = populate(app, services, seed)
        log(f"generated in {made['generate_s']} s, inserted in {made['insert_s']} s")
        with app.app_context():
            started = time.perf_counter()
            indexed = app.extensions["search"].rebuild()
            build_s = time.perf_counter() - started
            db.session.remove()
        log(f"indexed {indexed} listed services in {build_s:.1f} s")
        status_before, report_before = timed_status(app, 1)
        if report_before.get("in_step") is False:
            raise SystemExit(f"the index is not in step after the rebuild: {report_before}")
        ids = save_targets(app, saves)
        load_saves = os.getloadavg()[0]
        save_ms = timed_saves(app, ids)
        p50, p95 = percentile(save_ms, 50), percentile(save_ms, 95)
        log(f"{saves} saves: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        cost = outbox_cost(app, ids)
        if cost is not None:
            log(f"the outbox adds {cost['added_p50_ms']} ms at p50, {cost['added_p95_ms']} at p95")
        load_status = os.getloadavg()[0]
        status_ms, report = timed_status(app, status_repeats)
        log(f"status: p50 {percentile(status_ms, 50):.1f} ms, {report}")
    finally:
        with app.app_context():
            search = app.extensions["search"]
            for index in getattr(search, "indexes", {"services": search}).values():
                index.backend.close()
            db.session.remove()
            db.engine.dispose()
    return {
        "services": services,
        "listed_services": indexed,
        "seed": seed,
        "generate_s": made["generate_s"],
        "insert_s": made["insert_s"],
        "build_s": round(build_s, 2),
        "index_mb": folder_mb(workdir / "index"),
        "saves": saves,
        "save_p50_ms": _ms(percentile(save_ms, 50)),
        "save_p95_ms": _ms(percentile(save_ms, 95)),
        "save_p99_ms": _ms(percentile(save_ms, 99)),
        "save_max_ms": _ms(max(save_ms)),
        "save_first_ms": _ms(save_ms[0]),
        # The outbox's own cost: saves without the after-commit index update, with and without
        # the outbox (None before it existed).
        "outbox_cost": cost,
        "status_first_ms": _ms(status_before[0]),
        "status_repeats": status_repeats,
        "status_p50_ms": _ms(percentile(status_ms, 50)),
        "status_min_ms": _ms(min(status_ms)),
        "status_max_ms": _ms(max(status_ms)),
        "status_after_saves": report,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # One-minute load average: at the start, before the saves, before the status
        # timings and at the end.
        "load_average": [
            round(value, 2) for value in (load_before, load_saves, load_status, os.getloadavg()[0])
        ],
        "code": code,
        "machine": machine(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000, help="services to generate")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic area")
    parser.add_argument("--saves", type=int, default=200, help="listing saves to time")
    parser.add_argument(
        "--status-repeats", type=int, default=20, help="times to time the status check"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the database and index in this (new or empty) folder instead of a temporary one",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.services < 1 or args.saves < 1 or args.status_repeats < 1:
        parser.error("--services, --saves and --status-repeats must be at least 1")

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[sync_bench] {message}", file=sys.stderr, flush=True)

    options = (args.services, args.seed, args.saves, args.status_repeats)
    if args.workdir is not None:
        if args.workdir.exists() and any(args.workdir.iterdir()):
            parser.error(f"{args.workdir} is not empty")
        result = run_benchmark(*options, args.workdir, log)
    else:
        with tempfile.TemporaryDirectory(prefix="localoffer-sync-bench-") as folder:
            result = run_benchmark(*options, Path(folder), log)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
