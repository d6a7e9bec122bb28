"""Search answers: everything ``browse_services`` says for the benchmark's 200 queries, as JSON.

Builds the same synthetic area as bench/search_bench.py (same ``--services`` and ``--seed``),
rebuilds the index, runs the search benchmark's query mix once through ``browse_services``
(each query in a request context of its own, as /services does) and writes one JSON file with
every field of each answer: ids, totals, pages, facets (labels, counts, selection, depths),
age counts, each item's fields and facts, snippets, distances, interpretation, expansions,
suggestion and sort. For ten text queries it also records the API's text search and, when the
area has published guides, the guides' search. Run it before and after a change to the search
code and compare the two files::

    .venv/bin/python bench/answers.py --services 10000 --out /tmp/answers-before.json
    .venv/bin/python bench/answers.py --services 10000 --out /tmp/answers-after.json
    .venv/bin/python bench/answers.py --compare /tmp/answers-before.json /tmp/answers-after.json

``--compare`` prints "N of 200 identical" and the first differences field by field, and exits
with 1 on any difference. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.search_bench import (  # noqa: E402
    PER_PAGE,
    BenchQuery,
    code_version,
    machine,
    query_mix,
)
from bench.synthetic import bench_app, populate  # noqa: E402
from localoffer.directory.service import browse_services  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.models import Service  # noqa: E402

# Names the search restructuring moves. Each is tried where it lives today first, then where
# it is going, so the same script answers on the code before and after the move.
try:  # today: the "publicly listed" rule lives with the directory's queries
    from localoffer.directory.service import publicly_listed
except ImportError:  # after: localoffer.listings.visibility
    from localoffer.listings.visibility import publicly_listed  # type: ignore[no-redef]
try:
    from localoffer.api.service import ApiFilters, matching_service_ids
except ImportError:  # the API's search is optional in the answers
    ApiFilters = matching_service_ids = None  # type: ignore[assignment,misc]
try:
    from localoffer.guides.index import guide_index

    from localoffer.models import GuidePage
except ImportError:  # the guides' search is optional in the answers
    guide_index = GuidePage = None  # type: ignore[assignment,misc]

FORMAT = 1
QUERIES = 200
# How many text queries also go through the API's and the guides' search.
EXTRA_TEXT_QUERIES = 10
SIGNIFICANT_DIGITS = 9


# Plain JSON, deterministically.


def plain(value: Any) -> Any:
    """``value`` as JSON-ready lists, dicts with string keys, strings, numbers, booleans and
    None: dataclasses by field, enums by value, tuples and sets as lists (sets sorted),
    floats rounded to nine significant digits. Dict keys become strings; the file is written
    with sorted keys, so dict order never counts and list order always does."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "_asdict"):  # a Row or named tuple
        return plain(value._asdict())
    if hasattr(value, "__dict__"):
        return {k: plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    raise TypeError(f"no plain form for {type(value).__name__}: {value!r}")


def query_key(query: BenchQuery) -> dict[str, Any]:
    return plain(query)


def answer(query: BenchQuery) -> dict[str, Any]:
    """Every field of ``browse_services``'s answer to ``query``."""
    results, outcome = browse_services(
        query.filters(),
        query.page,
        PER_PAGE,
        sort=query.sort,
        place=query.place(),
        within_miles=query.within,
    )
    return {"results": plain(results), "outcome": plain(outcome)}


def text_queries(mix: Sequence[BenchQuery]) -> list[str]:
    """Ten distinct words of the mix, spread over it (keywords, acronyms, misspellings)."""
    texts = list(dict.fromkeys(q.q for q in mix if q.q))
    step = max(1, len(texts) // EXTRA_TEXT_QUERIES)
    return texts[::step][:EXTRA_TEXT_QUERIES]


def api_answers(texts: Sequence[str]) -> list[dict[str, Any]] | None:
    """The API's ``?text=`` search: the ids of the listed services found, in order."""
    if matching_service_ids is None:
        return None
    return [{"text": t, "ids": matching_service_ids(ApiFilters(text=t))} for t in texts]


def guide_answers(texts: Sequence[str]) -> list[dict[str, Any]] | None:
    """The guides' search, when the area has any published guide (the synthetic one has none)."""
    if guide_index is None or not db.session.scalar(select(func.count(GuidePage.id))):
        return None
    found = []
    for text in texts:
        response = guide_index().search(text)
        found.append(
            {
                "text": text,
                "ids": plain(response.ids),
                "total": response.total,
                "snippets": plain(response.snippets),
            }
        )
    return found


def collect(services: int, seed: int, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    code = code_version()
    log(f"{services} services: creating the database in {workdir}")
    app: Flask = bench_app(workdir)
    try:
        made = populate(app, services, seed)
        log(f"generated in {made['generate_s']} s, inserted in {made['insert_s']} s")
        with app.app_context():
            indexed = app.extensions["search"].rebuild()
            listed = db.session.scalar(select(func.count(Service.id)).where(*publicly_listed()))
            if guide_index is not None:
                guide_index().rebuild()
        built = time.perf_counter()
        log(f"indexed {indexed} listed services in {built - started:.1f} s from the start")
        if indexed != listed or listed == 0:
            raise SystemExit(f"indexed {indexed} services but {listed} are listed: stopping")
        mix = query_mix()
        answers = []
        for number, query in enumerate(mix):
            with app.test_request_context("/services"):
                answers.append({"n": number, "query": query_key(query), **answer(query)})
        texts = text_queries(mix)
        with app.test_request_context("/api/services"):
            api = api_answers(texts)
        with app.test_request_context("/guides"):
            guides = guide_answers(texts)
        log(f"answered {len(answers)} queries in {time.perf_counter() - built:.1f} s")
    finally:
        with app.app_context():
            app.extensions["search"].backend.close()
            db.session.remove()
            db.engine.dispose()
    return {
        "format": FORMAT,
        "services": services,
        "listed_services": listed,
        "seed": seed,
        "per_page": PER_PAGE,
        "queries": answers,
        "text_queries": texts,
        "api": api,
        "guides": guides,
        # Not compared: where and when the file was made.
        "made": {
            "code": code,
            "seconds": round(time.perf_counter() - started, 1),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "machine": machine(),
        },
    }


# Comparing two files.


def differences(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every place ``a`` and ``b`` differ, as (path, a's value, b's value)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(a.keys() | b.keys()):
            where = f"{path}.{key}" if path else key
            if key not in a:
                found.append((where, "(missing)", b[key]))
            elif key not in b:
                found.append((where, a[key], "(missing)"))
            else:
                found += differences(a[key], b[key], where)
        return found
    if isinstance(a, list) and isinstance(b, list):
        found = []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found += differences(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            found.append((f"{path} length", len(a), len(b)))
        return found
    if a != b or type(a) is not type(b):
        return [(path, a, b)]
    return []


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare(first: Path, second: Path, show: int = 20) -> int:
    a = json.loads(first.read_text())
    b = json.loads(second.read_text())
    problems: list[tuple[str, Any, Any]] = []
    for key in ("format", "services", "seed", "per_page", "listed_services"):
        if a.get(key) != b.get(key):
            problems.append((key, a.get(key), b.get(key)))
    queries_a, queries_b = a.get("queries", []), b.get("queries", [])
    identical = 0
    for i in range(max(len(queries_a), len(queries_b))):
        if i >= len(queries_a) or i >= len(queries_b):
            problems.append((f"queries[{i}]", "(missing)" if i >= len(queries_a) else "...", "..."))
            continue
        found = differences(queries_a[i], queries_b[i], f"queries[{i}]")
        if found:
            problems += found
        else:
            identical += 1
    for section in ("text_queries", "api", "guides"):
        problems += differences(a.get(section), b.get(section), section)
    print(f"{identical} of {len(queries_a)} identical")
    print(f"  {first}: code {a['made']['code']}, {a['services']} services, seed {a['seed']}")
    print(f"  {second}: code {b['made']['code']}, {b['services']} services, seed {b['seed']}")
    for section in ("api", "guides"):
        if a.get(section) is None and b.get(section) is None:
            print(f"  {section}: not in either file")
        elif not differences(a.get(section), b.get(section)):
            print(f"  {section}: identical ({len(a[section])} text queries)")
    if not problems:
        return 0
    print(f"{len(problems)} differences; the first {min(show, len(problems))}:")
    for where, x, y in problems[:show]:
        query = _query_label(a, where)
        print(f"- {where}{query}\n    A: {_short(x)}\n    B: {_short(y)}")
    return 1


def _query_label(data: dict, where: str) -> str:
    if not where.startswith("queries["):
        return ""
    try:
        query = data["queries"][int(where[8 : where.index("]")])]["query"]
    except (ValueError, IndexError, KeyError):
        return ""
    default = plain(BenchQuery(query["kind"]))
    shown = {k: v for k, v in query.items() if v != default.get(k) or k == "kind"}
    return f"  ({_short(shown, 120)})"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000, help="services to generate")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic area")
    parser.add_argument("--out", type=Path, help="the JSON file to write")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the database and index in this (new or empty) folder instead of a temporary one",
    )
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("A.json", "B.json"), help="compare two files"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.compare:
        raise SystemExit(compare(*args.compare))
    if args.out is None:
        parser.error("--out is needed (or --compare)")
    if args.services < 1:
        parser.error("--services must be at least 1")

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[answers] {message}", file=sys.stderr, flush=True)

    if args.workdir is not None:
        if args.workdir.exists() and any(args.workdir.iterdir()):
            parser.error(f"{args.workdir} is not empty")
        result = collect(args.services, args.seed, args.workdir, log)
    else:
        with tempfile.TemporaryDirectory(prefix="localoffer-answers-") as folder:
            result = collect(args.services, args.seed, Path(folder), log)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    log(f"wrote {args.out} in {result['made']['seconds']} s")


if __name__ == "__main__":
    main()
