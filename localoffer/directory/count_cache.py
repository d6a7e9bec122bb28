"""The directory's counts (services per term, per age band, in all), kept per process and
checked against the database on every request.

Counting the listed services per term reads every link between a listed service and a term
(about 80,000 rows at 10,000 services): half a second for the home page. The counts change only
when a listing does, so each process keeps the last counts it worked out together with the
*directory version* they were worked out at. Each request reads the version again with one
aggregate query (about 20 ms at 10,000 services; once, however many counts its page shows) and
works a count out afresh only when the version differs from the one the count was kept at.

Why this is safe with several gunicorn workers (or machines): nothing is invalidated by
message. Every worker compares its counts with the version the database holds at the moment of
the request, so a change committed by any worker is seen by every worker at its next request,
exactly as ``load_vocabularies`` does for the vocabularies. Before counting, the version is read
again and the counts are kept under that reading: they are worked out from the state that
version describes or a later one, so counts kept under a version are never older than it (a
later change moves the version, and the next request counts again).

The version holds what the counts depend on:

- today's date (``visible_from`` and ``visible_to`` make listings appear and disappear);
- the vocabularies this process built (``load_vocabularies`` rebuilds them when a term changes);
- services: how many, a checksum of each one's ``(id, version)`` and the latest ``updated_at``.
  Every ORM update of a service row (publish, unpublish, status, dates) bumps its ``version``
  (``version_id_col``), and a Core update still moves ``updated_at``;
- the links between services and terms, and the age limits (``eligibility``): how many, and a
  checksum of every row. These are rows of their own: changing only a listing's terms or ages
  updates no service row, so a version read from ``service`` alone would miss them.

Each checksum is a sum over rows of ``(x mod p)² mod p`` (p = 2³¹ - 1) of a number made from
the row's values: unlike a plain sum it changes when two listings swap terms, and a change can
go unnoticed only if the sums of different rows' squares happened to agree exactly. Summing is
order-free and works the same on SQLite and PostgreSQL, whichever transaction commits first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import has_request_context, request
from sqlalchemy import BigInteger, ColumnElement, cast, func, select, true

from localoffer.directory.vocabulary import Vocabulary, load_vocabularies
from localoffer.extensions import db
from localoffer.models import Eligibility, Service, service_taxonomy_term

PRIME = 2_147_483_647
# Where a request keeps the version it read (a WSGI environ key: one request, one value).
REQUEST_KEY = "localoffer.directory_version"


def _checksum(number: ColumnElement) -> ColumnElement:
    """Sum over rows of (number mod p)² mod p; 0 for no rows. Stays inside 64-bit integers."""
    residue = number % PRIME
    return func.coalesce(func.sum((residue * residue) % PRIME), 0)


def _big(column) -> ColumnElement:
    return cast(column, BigInteger)


def directory_version(today: date) -> tuple:
    """One aggregate query over services, their terms and their age limits, with ``today``."""
    services = select(
        func.count().label("rows"),
        _checksum(_big(Service.id) * 65_536 + Service.version).label("sum"),
        func.max(Service.updated_at).label("latest"),
    ).subquery()
    links = select(
        func.count().label("rows"),
        _checksum(
            _big(service_taxonomy_term.c.service_id) * 65_536
            + service_taxonomy_term.c.taxonomy_term_id
        ).label("sum"),
    ).subquery()
    ages = select(
        func.count().label("rows"),
        _checksum(
            (_big(Eligibility.service_id) * 256 + func.coalesce(Eligibility.minimum_age, -1) + 1)
            * 256
            + func.coalesce(Eligibility.maximum_age, -1)
            + 1
        ).label("sum"),
    ).subquery()
    row = db.session.execute(
        select(
            services.c.rows,
            services.c.sum,
            services.c.latest,
            links.c.rows,
            links.c.sum,
            ages.c.rows,
            ages.c.sum,
        )
        .select_from(services)
        .join(links, true())
        .join(ages, true())
    ).one()
    return (today, *row)


@dataclass
class _Kept:
    version: tuple | None = None
    vocabularies: dict[str, Vocabulary] | None = None
    values: dict[Any, Any] = field(default_factory=dict)


_kept = _Kept()
_lock = threading.Lock()


def _version_this_request(today: date) -> tuple:
    """The version, read once per request: the home page's four counts share one query."""
    if not has_request_context():
        return directory_version(today)
    version = request.environ.get(REQUEST_KEY)
    if version is None or version[0] != today:
        version = request.environ[REQUEST_KEY] = directory_version(today)
    return version


def cached(key: Any, compute: Callable[[], Any], today: date) -> Any:
    """``compute()``'s value as of the directory's current version on ``today``, worked out
    again only when the version (or the vocabularies) changed since this process last kept it.

    For pages that change nothing. What it returns is shared between requests; callers must
    not change it.
    """
    vocabularies = load_vocabularies()
    version = _version_this_request(today)
    with _lock:
        if _kept.version == version and _kept.vocabularies is vocabularies:
            if key in _kept.values:
                return _kept.values[key]
    # Not kept: read the version again just before counting, so whatever is kept under a
    # version was counted at that version or later, never earlier.
    version = directory_version(today)
    if has_request_context():
        request.environ[REQUEST_KEY] = version
    value = compute()
    with _lock:
        if _kept.version != version or _kept.vocabularies is not vocabularies:
            _kept.version, _kept.vocabularies, _kept.values = version, vocabularies, {}
        _kept.values[key] = value
    return value


def forget() -> None:
    """Drop what this process keeps (for tests and benchmarks that want a cold start)."""
    with _lock:
        _kept.version, _kept.vocabularies, _kept.values = None, None, {}
