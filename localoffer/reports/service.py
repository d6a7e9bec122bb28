"""Report versions: the draft narrative, publishing a frozen snapshot, and reading versions.

A period has at most one draft (``published_at`` empty). Publishing computes the figures,
stores them in the draft and stamps it; the row never changes again. The next edit starts a
new draft with the next version number, so a correction is a new version and the old one
stays readable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from localoffer import audit
from localoffer.extensions import db
from localoffer.models import AnnualReport, User
from localoffer.reports.figures import compute
from localoffer.reports.periods import Period
from localoffer.reports.search_words import public_searches

# The report's themes, each with the three headings local areas already report under.
THEMES = (
    ("directory", "The directory of services"),
    ("searches", "What families looked for"),
    ("mystery_shopping", "Mystery shopping"),
    ("young_inspectors", "Young Inspectors"),
    ("page_feedback", "Feedback on this website"),
    ("you_said_we_did", "You said, we did"),
)
HEADINGS = (
    ("strengths", "Strengths"),
    ("focus", "Areas of focus"),
    ("doing", "What we are doing about it"),
)


def versions(period: Period) -> list[AnnualReport]:
    """Every version of the period's report, newest first (a draft, if any, first of all)."""
    query = (
        select(AnnualReport)
        .where(AnnualReport.period == period.label)
        .order_by(AnnualReport.version.desc())
    )
    return list(db.session.scalars(query))


def draft(period: Period) -> AnnualReport | None:
    return db.session.scalar(
        select(AnnualReport).where(
            AnnualReport.period == period.label, AnnualReport.published_at.is_(None)
        )
    )


def latest_published(period: Period) -> AnnualReport | None:
    return db.session.scalar(
        select(AnnualReport)
        .where(AnnualReport.period == period.label, AnnualReport.published_at.is_not(None))
        .order_by(AnnualReport.version.desc())
        .limit(1)
    )


def published_version(period: Period, version: int) -> AnnualReport | None:
    return db.session.scalar(
        select(AnnualReport).where(
            AnnualReport.period == period.label,
            AnnualReport.version == version,
            AnnualReport.published_at.is_not(None),
        )
    )


def published_reports() -> list[AnnualReport]:
    """The newest published version of each period, newest period first."""
    newest = (
        select(AnnualReport.period, func.max(AnnualReport.version).label("version"))
        .where(AnnualReport.published_at.is_not(None))
        .group_by(AnnualReport.period)
        .subquery()
    )
    query = (
        select(AnnualReport)
        .join(
            newest,
            (newest.c.period == AnnualReport.period) & (newest.c.version == AnnualReport.version),
        )
        .order_by(AnnualReport.starts_on.desc())
    )
    return list(db.session.scalars(query))


def current_narrative(period: Period) -> dict:
    """The draft's narrative, else the newest published one's, else empty."""
    found = draft(period) or latest_published(period)
    return dict(found.narrative) if found is not None else {}


def _draft_or_new(period: Period, actor: User | None) -> AnnualReport:
    report = draft(period)
    if report is None:
        last = db.session.scalar(
            select(func.max(AnnualReport.version)).where(AnnualReport.period == period.label)
        )
        report = AnnualReport(
            period=period.label,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            version=(last or 0) + 1,
            narrative=current_narrative(period),
            figures={},
            created_by_id=actor.id if actor else None,
        )
        db.session.add(report)
        db.session.flush()
    return report


def save_narrative(period: Period, narrative: dict, actor: User | None) -> AnnualReport:
    report = _draft_or_new(period, actor)
    if report.narrative != narrative:
        audit.record("report.narrative_saved", actor, report)
    report.narrative = narrative
    return report


def publish(period: Period, actor: User | None) -> AnnualReport:
    """Freeze the figures as they are now, with the current narrative, as a new version."""
    report = _draft_or_new(period, actor)
    report.figures = compute(period)
    report.published_at = datetime.now(UTC)
    db.session.flush()
    audit.record("report.published", actor, report, {"version": [None, report.version]})
    return report


def public_figures(report: AnnualReport) -> dict:
    """A published version's figures as every public format shows them: a searches section
    frozen before the rule on families' words has its lists of words left out."""
    figures = dict(report.figures)
    if "searches" in figures:
        figures["searches"] = public_searches(figures["searches"])
    return figures
