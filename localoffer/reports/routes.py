"""/manage/reports (officers build, preview and publish) and /reports (everyone reads)."""

from __future__ import annotations

import hashlib
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.guides.pdf import html_to_pdf, pdf_available
from localoffer.moderation.forms import ConfirmForm
from localoffer.reports import bp
from localoffer.reports import service as reports
from localoffer.reports.charts import report_charts
from localoffer.reports.export import to_csv, to_json
from localoffer.reports.figures import compute
from localoffer.reports.forms import (
    NarrativeForm,
    PeriodForm,
    SearchWordsDecisionForm,
    field_name,
    narrative_data,
)
from localoffer.reports.pdf import cached_pdf
from localoffer.reports.periods import parse_period
from localoffer.reports.search_words import (
    MIN_DAYS,
    decide,
    is_candidate,
    phrase_key,
    review_list,
    typed_searches,
)


def _period_or_404(label: str):
    period = parse_period(label)
    if period is None:
        abort(404)
    return period


def _page_values(period, figures: dict, narrative: dict, report=None) -> dict:
    return {
        "withdrawn_replacement": _replacement(period, report),
        "period": period,
        "figures": figures,
        "narrative": narrative,
        "report": report,
        "charts": report_charts(figures),
        "themes": reports.THEMES,
        "headings": reports.HEADINGS,
        "pdf_available": pdf_available(),
    }


def _published_page_values(period, report) -> dict:
    """What a published version's page and PDF show: its figures as the public may see them."""
    return _page_values(period, reports.public_figures(report), report.narrative, report)


def _replacement(period, report) -> int | None:
    """For a version whose searches section was withdrawn, the newest version to read instead."""
    if report is None or report.searches_withdrawn_at is None:
        return None
    newest = reports.latest_published(period)
    if newest is None or newest.version == report.version:
        return None
    return newest.version


@bp.route("/manage/reports", methods=["GET", "POST"])
@roles_required(*STAFF)
def manage_index():
    form = PeriodForm()
    if form.validate_on_submit():
        return redirect(url_for("reports.manage_report", period=form.period().label), code=303)
    errors = error_list(form) if request.method == "POST" else []
    return render_template(
        "reports/manage_index.html",
        form=form,
        errors=errors,
        published=reports.published_reports(),
    ), (400 if errors else 200)


@bp.route("/manage/reports/<period>", methods=["GET", "POST"])
@roles_required(*STAFF)
def manage_report(period: str):
    found = _period_or_404(period)
    if request.method == "GET":
        form = NarrativeForm(data=narrative_data(reports.current_narrative(found)))
    else:
        form = NarrativeForm()
    if form.validate_on_submit():
        reports.save_narrative(found, form.narrative(), current_user)
        db.session.commit()
        flash("Narrative saved. Preview the report before you publish it.", "success")
        return redirect(url_for("reports.manage_report", period=found.label), code=303)
    errors = error_list(form) if request.method == "POST" else []
    return render_template(
        "reports/manage_report.html",
        period=found,
        form=form,
        errors=errors,
        themes=reports.THEMES,
        headings=reports.HEADINGS,
        field_name=field_name,
        versions=reports.versions(found),
        confirm=ConfirmForm(),
        search_words=review_list(found),
        typed_searches=typed_searches(found),
        min_days=MIN_DAYS,
    ), (400 if errors else 200)


@bp.post("/manage/reports/<period>/search-words")
@roles_required(*STAFF)
def decide_search_words(period: str):
    """Approve or hide one phrase of the period's review list for publication."""
    found = _period_or_404(period)
    form = SearchWordsDecisionForm()
    back = url_for("reports.manage_report", period=found.label, _anchor="search-words")
    if not form.validate_on_submit():
        flash("That decision could not be saved. Try again from the list.", "error")
        return redirect(back, code=303)
    phrase = phrase_key(form.phrase.data)
    if phrase != form.phrase.data or not is_candidate(found, phrase):
        # Only phrases searched on enough days are put to officers; nothing else is decided.
        flash("Those words are not on this period's list, so nothing was changed.", "error")
        return redirect(back, code=303)
    decide(phrase, form.approved, current_user)
    db.session.commit()
    if form.approved:
        flash(f"“{phrase}” will be shown in reports published from now on.", "success")
    else:
        flash(f"“{phrase}” will not be shown; its searches are counted only.", "success")
    return redirect(back, code=303)


@bp.get("/manage/reports/<period>/preview")
@roles_required(*STAFF)
def preview(period: str):
    found = _period_or_404(period)
    values = _page_values(found, compute(found), reports.current_narrative(found))
    return render_template("reports/report.html", preview=True, **values)


@bp.post("/manage/reports/<period>/publish")
@roles_required(*STAFF)
def publish(period: str):
    found = _period_or_404(period)
    if ConfirmForm().validate_on_submit():
        report = reports.publish(found, current_user)
        db.session.commit()
        flash(f"Version {report.version} of the {found.title} report is published.", "success")
        return redirect(url_for("reports.report", period=found.label))
    return redirect(url_for("reports.manage_report", period=found.label))


@bp.get("/reports")
def index():
    return render_template("reports/index.html", published=reports.published_reports())


def _published_or_404(period: str, version: int | None):
    found = _period_or_404(period)
    if version is None:
        report = reports.latest_published(found)
    else:
        report = reports.published_version(found, version)
    if report is None:
        abort(404)
    return found, report


@bp.get("/reports/<period>", defaults={"version": None})
@bp.get("/reports/<period>/v<id:version>")
def report(period: str, version: int | None):
    found, published = _published_or_404(period, version)
    values = _published_page_values(found, published)
    return render_template(
        "reports/report.html",
        preview=False,
        versions=[v for v in reports.versions(found) if v.published_at is not None],
        **values,
    )


def _filename(report, extension: str) -> str:
    return f"local-offer-report-{report.period}-v{report.version}.{extension}"


@bp.get("/reports/<period>.json", defaults={"version": None})
@bp.get("/reports/<period>/v<id:version>.json")
def report_json(period: str, version: int | None):
    _, published = _published_or_404(period, version)
    return Response(
        json.dumps(to_json(published), ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'inline; filename="{_filename(published, "json")}"'},
    )


@bp.get("/reports/<period>.csv", defaults={"version": None})
@bp.get("/reports/<period>/v<id:version>.csv")
def report_csv(period: str, version: int | None):
    _, published = _published_or_404(period, version)
    return Response(
        to_csv(published),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(published, "csv")}"'},
    )


@bp.get("/reports/<period>.pdf", defaults={"version": None})
@bp.get("/reports/<period>/v<id:version>.pdf")
def report_pdf(period: str, version: int | None):
    found, published = _published_or_404(period, version)
    if published.pdf is None and not pdf_available():
        abort(404)

    def draw() -> bytes:
        values = _published_page_values(found, published)
        return html_to_pdf(render_template("reports/pdf.html", **values))

    filename = _filename(published, "pdf")
    published_at = published.published_at
    pdf = cached_pdf(published, draw)
    response = Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
    response.set_etag(hashlib.sha256(pdf).hexdigest())
    response.last_modified = published_at
    response.cache_control.public = True
    if version is None:
        # The newest version's address: a correction would change what it holds.
        response.cache_control.max_age = 300
    else:
        # A numbered version never changes.
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    return response.make_conditional(request)
