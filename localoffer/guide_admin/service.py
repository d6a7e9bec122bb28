"""Writing guides: saving versions, publishing, restoring, comparing and review dates."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localoffer import audit
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
    User,
)

REVIEW_EVERY_DAYS = 365
WORD_FIELDS = ("title", "summary", "body")


class StaleEdit(Exception):
    """Someone saved a newer version since the form was opened."""


def list_guides() -> list[GuidePage]:
    return list(
        db.session.scalars(
            select(GuidePage)
            .options(selectinload(GuidePage.versions), selectinload(GuidePage.section))
            .join(GuideSection)
            .order_by(GuideSection.position, GuidePage.position, GuidePage.slug)
        )
    )


def get_guide(guide_id: int) -> GuidePage | None:
    return db.session.get(GuidePage, guide_id)


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(GuidePage.id).where(GuidePage.slug == slug)) is not None


def get_version(guide: GuidePage, number: int) -> GuideVersion | None:
    return next((v for v in guide.versions if v.number == number), None)


def section_choices() -> list[tuple[str, str]]:
    sections = db.session.scalars(select(GuideSection).order_by(GuideSection.position))
    return [(str(s.id), s.name) for s in sections]


def young_people_choices(exclude: GuidePage | None = None) -> list[tuple[str, str]]:
    """Young people's guides, each with its latest title."""
    guides = db.session.scalars(
        select(GuidePage)
        .where(GuidePage.audience == GuideAudience.YOUNG_PEOPLE)
        .options(selectinload(GuidePage.versions))
        .order_by(GuidePage.slug)
    )
    return [(str(g.id), g.title) for g in guides if g is not exclude]


def term_choices() -> list[tuple[str, str]]:
    """Need and category terms, broad ones first within each vocabulary."""
    terms = db.session.scalars(
        select(TaxonomyTerm)
        .join(Taxonomy)
        .where(Taxonomy.slug.in_(("need", "category")))
        .order_by(Taxonomy.slug.desc(), TaxonomyTerm.position)
    )
    return [
        (str(t.id), t.name if t.parent_id is None else f"{t.name} ({t.parent.name})") for t in terms
    ]


def service_choices() -> list[tuple[str, str]]:
    services = db.session.execute(
        select(Service.id, Service.name).order_by(func.lower(Service.name))
    )
    return [(str(service_id), name) for service_id, name in services]


def young_people_version_problem(
    guide: GuidePage | None, audience: GuideAudience, young_people_version_id: int | None
) -> tuple[str, str] | None:
    """The field and the reason this young people's version link cannot be saved, or None."""
    if young_people_version_id:
        query = select(GuidePage).where(
            GuidePage.young_people_version_id == young_people_version_id
        )
        if guide is not None:
            query = query.where(GuidePage.id != guide.id)
        owner = db.session.scalar(query)
        if owner is not None:
            return (
                "young_people_version_id",
                f"That young people's version belongs to “{owner.title}”. Select another",
            )
    if guide is not None and audience is GuideAudience.FAMILIES and guide.family_version:
        return (
            "audience",
            f"This guide is the young people's version of “{guide.family_version.title}”. "
            "Select young people",
        )
    return None


def _ids(values: list[str] | None) -> list[int]:
    return sorted({int(v) for v in values or [] if str(v).isdigit()})


@dataclass
class GuideChanges:
    """What an officer submitted, already validated."""

    title: str
    summary: str
    body: str
    section_id: int
    audience: GuideAudience
    owner_team: str
    review_due_on: date | None
    young_people_version_id: int | None
    term_ids: list[int]
    related_service_ids: list[int]
    note: str = ""


def save_guide(
    guide: GuidePage | None,
    slug: str | None,
    changes: GuideChanges,
    author: User,
    based_on: int | None,
) -> tuple[GuidePage, GuideVersion | None]:
    """Create or update a guide; its words become a new version when they changed.

    Raises StaleEdit when ``based_on`` is not the latest version any more."""
    created = guide is None
    if created:
        guide = GuidePage(slug=slug, status=GuideStatus.DRAFT)
        db.session.add(guide)
    else:
        latest = guide.latest_version
        if based_on is not None and latest is not None and latest.number != based_on:
            raise StaleEdit
    guide.section_id = changes.section_id
    guide.audience = changes.audience
    guide.owner_team = changes.owner_team.strip()
    guide.review_due_on = changes.review_due_on
    guide.young_people_version = (
        db.session.get(GuidePage, changes.young_people_version_id)
        if changes.young_people_version_id and changes.audience is GuideAudience.FAMILIES
        else None
    )
    guide.taxonomy_terms = list(
        db.session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.id.in_(changes.term_ids)))
    )
    guide.related_services = list(
        db.session.scalars(select(Service).where(Service.id.in_(changes.related_service_ids)))
    )
    version = _add_version_if_changed(
        guide,
        changes.title.strip(),
        changes.summary.strip(),
        _normalise_body(changes.body),
        changes.note.strip(),
        author,
    )
    db.session.flush()
    audit.record(
        "guide.created" if created else "guide.saved",
        author,
        guide,
        {"version": [None, version.number]} if version else {},
    )
    return guide, version


def _normalise_body(body: str) -> str:
    # Browsers send CRLF; keep LF so versions compare line by line.
    return body.replace("\r\n", "\n").strip() + "\n"


def _add_version_if_changed(
    guide: GuidePage, title: str, summary: str, body: str, note: str, author: User | None
) -> GuideVersion | None:
    latest = guide.latest_version
    if latest is not None and (latest.title, latest.summary, latest.body) == (title, summary, body):
        return None
    version = GuideVersion(
        number=latest.number + 1 if latest else 1,
        title=title,
        summary=summary,
        body=body,
        note=note,
        author=author,
    )
    guide.versions.append(version)
    return version


def publish(guide: GuidePage, actor: User) -> GuideVersion:
    """Families see the latest version from now on."""
    latest = guide.latest_version
    before = guide.published_number
    guide.published_number = latest.number
    guide.status = GuideStatus.PUBLISHED
    guide.published_at = datetime.now(UTC)
    audit.record("guide.published", actor, guide, {"version": [before, latest.number]})
    return latest


def unpublish(guide: GuidePage, actor: User) -> None:
    """Families no longer see the guide; its versions are kept."""
    audit.record("guide.unpublished", actor, guide, {"status": [guide.status.value, "unpublished"]})
    guide.status = GuideStatus.UNPUBLISHED


def restore(guide: GuidePage, version: GuideVersion, actor: User) -> GuideVersion | None:
    """Copy an old version's words into a new latest version (a draft until published)."""
    restored = _add_version_if_changed(
        guide,
        version.title,
        version.summary,
        version.body,
        f"Restored version {version.number}",
        actor,
    )
    audit.record(
        "guide.restored",
        actor,
        guide,
        {"version": [version.number, restored.number if restored else version.number]},
    )
    return restored


def mark_reviewed(guide: GuidePage, actor: User, today: date) -> None:
    """A person has checked the guide is still right: set the dates from today."""
    before = guide.review_due_on.isoformat() if guide.review_due_on else None
    guide.last_reviewed_on = today
    guide.review_due_on = today + timedelta(days=REVIEW_EVERY_DAYS)
    audit.record(
        "guide.reviewed",
        actor,
        guide,
        {"review_due_on": [before, guide.review_due_on.isoformat()]},
    )


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed" or "skipped" (a folded run of unchanged lines)
    text: str


CONTEXT_LINES = 2


@dataclass
class FieldDiff:
    label: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def _folded(same: list[str], first: bool, last: bool) -> list[DiffLine]:
    """Unchanged lines, keeping only a little context around the changes."""
    keep_head = 0 if first else CONTEXT_LINES
    keep_tail = 0 if last else CONTEXT_LINES
    if len(same) <= keep_head + keep_tail + 1:
        return [DiffLine("same", text) for text in same]
    hidden = len(same) - keep_head - keep_tail
    return [
        *(DiffLine("same", text) for text in same[:keep_head]),
        DiffLine("skipped", f"{hidden} unchanged {'line' if hidden == 1 else 'lines'}"),
        *(DiffLine("same", text) for text in same[len(same) - keep_tail :]),
    ]


def diff_versions(old: GuideVersion, new: GuideVersion) -> list[FieldDiff]:
    """Line-by-line differences in the title, summary and body between two versions."""
    labels = {"title": "Title", "summary": "Summary", "body": "Guide"}
    diffs = []
    for name in WORD_FIELDS:
        before = getattr(old, name).splitlines()
        after = getattr(new, name).splitlines()
        lines = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            if tag == "equal":
                lines += _folded(before[a1:a2], first=a1 == 0, last=a2 == len(before))
                continue
            lines += [DiffLine("removed", text) for text in before[a1:a2]]
            lines += [DiffLine("added", text) for text in after[b1:b2]]
        diffs.append(FieldDiff(labels[name], lines))
    return diffs
