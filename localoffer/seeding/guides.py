"""Load the demo area's guides from ``seed/guides/``: ``sections.yaml`` and one Markdown file
per guide with a YAML header.

Guides are matched by slug. A guide's words become a new published version only when they differ
from its latest version, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import (
    GuideAudience,
    GuidePage,
    GuideSection,
    GuideStatus,
    GuideVersion,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from localoffer.seeding.loader import SeedError, SeedReport, _assign, _date, _read_yaml

SEED_NOTE = "Loaded from the seed files"
TERM_KEYS = {"needs": "need", "categories": "category"}
HEADER_KEYS = {
    "title",
    "section",
    "summary",
    "owner_team",
    "audience",
    "position",
    "last_reviewed_on",
    "review_due_on",
    "related_services",
    "young_people_version",
    *TERM_KEYS,
}


def read_guide_file(path: Path) -> tuple[dict, str]:
    """The YAML header between the first two ``---`` lines, and the Markdown body after it."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise SeedError(f"{path.name}: a guide starts with a YAML header between --- lines")
    header_text, separator, body = text[4:].partition("\n---\n")
    if not separator:
        raise SeedError(f"{path.name}: the YAML header has no closing --- line")
    header = yaml.safe_load(header_text) or {}
    if not isinstance(header, dict):
        raise SeedError(f"{path.name}: the header must be a mapping")
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise SeedError(f"{path.name}: unknown keys {sorted(unknown)}")
    for key in ("title", "section", "summary", "owner_team"):
        if not str(header.get(key) or "").strip():
            raise SeedError(f"{path.name}: {key} is missing")
    return header, body.strip() + "\n"


def _load_sections(path: Path, report: SeedReport) -> dict[str, GuideSection]:
    existing = {s.slug: s for s in db.session.scalars(select(GuideSection))}
    for position, item in enumerate(_read_yaml(path).get("sections") or [], start=1):
        if not isinstance(item, dict) or not item.get("slug") or not item.get("name"):
            raise SeedError(f"{path.name}: section {position} needs a slug and a name")
        section = existing.get(item["slug"])
        created = section is None
        if created:
            section = GuideSection(slug=item["slug"])
            db.session.add(section)
            existing[section.slug] = section
        changed = _assign(
            section,
            {
                "name": str(item["name"]).strip(),
                "description": str(item.get("description") or "").strip(),
                "position": position,
            },
        )
        report.note("guide_sections", created, changed)
    return existing


def _lookups() -> tuple[dict[str, Service], dict[str, dict[str, TaxonomyTerm]]]:
    services = {s.slug: s for s in db.session.scalars(select(Service))}
    terms: dict[str, dict[str, TaxonomyTerm]] = {}
    for term in db.session.scalars(select(TaxonomyTerm).join(Taxonomy)):
        terms.setdefault(term.taxonomy.slug, {})[term.slug] = term
    return services, terms


def _pick(where: str, wanted: list[Any] | None, known: dict[str, Any], what: str) -> list[Any]:
    picked = []
    for slug in wanted or []:
        if slug not in known:
            raise SeedError(f"{where}: unknown {what} {slug!r}")
        picked.append(known[slug])
    return picked


def _load_guide(
    path: Path,
    sections: dict[str, GuideSection],
    services: dict[str, Service],
    terms: dict[str, dict[str, TaxonomyTerm]],
    report: SeedReport,
) -> tuple[GuidePage, str | None]:
    header, body = read_guide_file(path)
    where = path.name
    slug = path.stem
    if header["section"] not in sections:
        raise SeedError(f"{where}: unknown section {header['section']!r}")
    guide = db.session.scalar(select(GuidePage).where(GuidePage.slug == slug))
    created = guide is None
    if created:
        guide = GuidePage(slug=slug)
        db.session.add(guide)
    try:
        audience = GuideAudience(header.get("audience") or GuideAudience.FAMILIES.value)
    except ValueError as error:
        raise SeedError(f"{where}: audience is families or young_people") from error
    changed = _assign(
        guide,
        {
            "section": sections[header["section"]],
            "audience": audience,
            "owner_team": str(header["owner_team"]).strip(),
            "position": int(header.get("position") or 0),
            "last_reviewed_on": _date(header.get("last_reviewed_on"), where),
            "review_due_on": _date(header.get("review_due_on"), where),
        },
    )
    wanted_services = sorted(
        _pick(where, header.get("related_services"), services, "service"), key=lambda s: s.id
    )
    if sorted(guide.related_services, key=lambda s: s.id) != wanted_services:
        guide.related_services = wanted_services
        changed = True
    wanted_terms = [
        term
        for key, taxonomy in TERM_KEYS.items()
        for term in _pick(where, header.get(key), terms.get(taxonomy, {}), taxonomy)
    ]
    if {t.id for t in guide.taxonomy_terms} != {t.id for t in wanted_terms}:
        guide.taxonomy_terms = wanted_terms
        changed = True
    words = (str(header["title"]).strip(), str(header["summary"]).strip(), body)
    latest = guide.latest_version
    if latest is None or (latest.title, latest.summary, latest.body) != words:
        number = latest.number + 1 if latest else 1
        guide.versions.append(
            GuideVersion(
                number=number, title=words[0], summary=words[1], body=words[2], note=SEED_NOTE
            )
        )
        guide.published_number = number
        guide.status = GuideStatus.PUBLISHED
        guide.published_at = dt.datetime.now(dt.UTC)
        changed = True
    report.note("guides", created, changed)
    return guide, header.get("young_people_version")


def load_guides(guides_dir: Path, report: SeedReport) -> None:
    """Create or update the guide sections and guides in ``guides_dir``, if it exists."""
    if not guides_dir.is_dir():
        return
    sections = _load_sections(guides_dir / "sections.yaml", report)
    services, terms = _lookups()
    loaded: dict[str, tuple[GuidePage, str | None]] = {}
    existing = set(db.session.scalars(select(GuidePage.slug)))
    for path in sorted(guides_dir.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        loaded[path.stem] = _load_guide(path, sections, services, terms, report)
    report_created = set(loaded) - existing
    db.session.flush()
    for slug, (guide, young_slug) in loaded.items():
        if young_slug is not None and young_slug not in loaded:
            raise SeedError(f"{slug}.md: unknown young people's version {young_slug!r}")
        wanted = loaded[young_slug][0] if young_slug else None
        if wanted is not None and wanted.audience is not GuideAudience.YOUNG_PEOPLE:
            raise SeedError(f"{slug}.md: {young_slug} is not written for young people")
        if guide.young_people_version is not wanted:
            guide.young_people_version = wanted
            if slug not in report_created:
                report.note("guides", False, True)
