"""Writing the published directory as Open Referral UK JSON (``flask export oruk``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localoffer.api import serializers
from localoffer.api.service import full_service_options, service_metadata
from localoffer.extensions import db
from localoffer.listings.visibility import publicly_listed
from localoffer.models import Service, Taxonomy, TaxonomyTerm

SERVICES_FILE = "services.json"
TERMS_FILE = "taxonomy_terms.json"


@dataclass
class ExportReport:
    services: int
    taxonomy_terms: int
    folder: Path


def _terms_parents_first() -> list[TaxonomyTerm]:
    """Every term, each vocabulary depth first, so a parent always comes before its children."""
    taxonomies = db.session.scalars(
        select(Taxonomy)
        .order_by(Taxonomy.slug)
        .options(selectinload(Taxonomy.terms).selectinload(TaxonomyTerm.parent))
    ).all()
    ordered: list[TaxonomyTerm] = []
    for taxonomy in taxonomies:
        children: dict[int | None, list[TaxonomyTerm]] = {}
        for term in taxonomy.terms:
            children.setdefault(term.parent_id, []).append(term)
        pending = list(reversed(children.get(None, [])))
        while pending:
            term = pending.pop()
            ordered.append(term)
            pending.extend(reversed(children.get(term.id, [])))
    return ordered


def _write(path: Path, payload: object) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def export_directory(folder: Path) -> ExportReport:
    """Write every listed service (fully nested) and every taxonomy term into ``folder``.

    Needs a request context for the services' page addresses (see ``cli.py``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    services = db.session.scalars(
        select(Service)
        .where(*publicly_listed())
        .options(*full_service_options())
        .order_by(func.lower(Service.name), Service.id)
    ).all()
    _write(
        folder / SERVICES_FILE,
        [serializers.service_full(s, service_metadata(s)) for s in services],
    )
    terms = _terms_parents_first()
    _write(folder / TERMS_FILE, [serializers.taxonomy_term(t) for t in terms])
    return ExportReport(len(services), len(terms), folder)
