"""Small helpers that make valid directory records for tests that write."""

from __future__ import annotations

import itertools

from localoffer.extensions import db
from localoffer.models import Organization, Service

_numbers = itertools.count(1)


def organization(**values) -> Organization:
    n = next(_numbers)
    record = Organization(slug=f"org-{n}", name=f"Organisation {n}", **values)
    db.session.add(record)
    db.session.flush()
    return record


def service(org: Organization | None = None, **values) -> Service:
    n = next(_numbers)
    fields = {"slug": f"service-{n}", "name": f"Service {n}", "description": "What it does."}
    fields.update(values)
    record = Service(organization=org or organization(), **fields)
    db.session.add(record)
    db.session.flush()
    return record
