"""POST /feedback from every public page; GET /feedback as the form on its own; officers' view."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db, limiter
from localoffer.feedback import bp
from localoffer.feedback.forms import PageFeedbackForm
from localoffer.feedback.service import (
    UNKNOWN_PAGE,
    feedback_by_page,
    feedback_for_page,
    page_of,
    record_feedback,
)
from localoffer.urls import safe_next

THANK_YOU = "Thank you for your feedback."


def _feedback_limit() -> str:
    return current_app.config["FEEDBACK_LIMIT"]


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get("/feedback")
def form():
    path = safe_next(request.args.get("path"), "/")
    page_form = PageFeedbackForm(data={"path": path})
    return render_template("feedback/form.html", form=page_form, page_link=path, errors=[])


@bp.post("/feedback")
@limiter.limit(_feedback_limit)
def submit():
    page_form = PageFeedbackForm()
    if page_form.caught_a_bot():
        # Answer as if it worked, so the bot learns nothing; store nothing.
        return _thanks(page_of(page_form.path.data))
    if not page_form.validate():
        if _wants_json():
            return {"ok": False, "errors": error_list(page_form)}, 400
        return render_template(
            "feedback/form.html",
            form=page_form,
            page_link=safe_next(page_form.path.data, "/"),
            errors=error_list(page_form),
        ), 400
    helpful = {"yes": True, "no": False}.get(page_form.helpful.data or "")
    page = record_feedback(page_form.path.data, helpful, page_form.problem.data).path
    db.session.commit()
    return _thanks(page)


def _thanks(page: str):
    """Back to the page the feedback is about; home from an unknown page (often a 404)."""
    if _wants_json():
        return {"ok": True, "message": THANK_YOU}
    flash(THANK_YOU, "success")
    return redirect(url_for("pages.home") if page == UNKNOWN_PAGE else page, code=303)


@bp.get("/manage/feedback")
@roles_required(*STAFF)
def by_page():
    path = request.args.get("path")
    if path is None:
        return render_template("feedback/by_page.html", pages=feedback_by_page())
    if safe_next(path, "") != path or len(path) > 500:
        abort(404)
    return render_template(
        "feedback/page.html",
        path=path,
        unknown=path == UNKNOWN_PAGE,
        items=feedback_for_page(path),
    )
