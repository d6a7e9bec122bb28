"""A published report's PDF, drawn once and kept with the version it shows.

A published version never changes, so its PDF is drawn by WeasyPrint (several seconds) on the
first request for it and stored in ``annual_report.pdf``; every later request gets those bytes.
The first request rather than publication draws it, so publishing stays quick and cannot fail
on a PDF problem, and versions published before the cache existed fill in by themselves. Two
first requests at once may both draw it: the first to store wins and the other serves the
stored copy, and a failed store only means the next request draws it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from blinker import Namespace
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from localoffer.extensions import db
from localoffer.models import AnnualReport

logger = logging.getLogger(__name__)

signals = Namespace()
# Sent with the report each time its PDF is drawn (not when the stored copy is served).
pdf_drawn = signals.signal("report-pdf-drawn")


def cached_pdf(report: AnnualReport, draw: Callable[[], bytes]) -> bytes:
    """The published ``report``'s PDF: the stored bytes, or ``draw()`` now and store them."""
    if report.pdf is not None:
        return report.pdf
    pdf = draw()
    pdf_drawn.send(report)
    return _store(report, pdf)


def _store(report: AnnualReport, pdf: bytes) -> bytes:
    report_id = report.id
    try:
        result = db.session.execute(
            update(AnnualReport)
            .where(
                AnnualReport.id == report_id,
                AnnualReport.published_at.is_not(None),
                AnnualReport.pdf.is_(None),
            )
            .values(pdf=pdf)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except SQLAlchemyError:
        # A locked or read-only database: serve what was drawn; the next request tries again.
        db.session.rollback()
        logger.warning("could not store the PDF of report %s", report_id, exc_info=True)
        return pdf
    if result.rowcount == 0:
        # Another request stored its copy first: serve that one, so every answer is the same.
        stored = db.session.scalar(select(AnnualReport.pdf).where(AnnualReport.id == report_id))
        return stored if stored is not None else pdf
    return pdf
