"""/reviews: open exercises, the review form (drafts at any time), submission, own reviews."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.roles import roles_required
from localoffer.directory.service import get_service
from localoffer.extensions import csrf, db, login_manager
from localoffer.models import Exercise, Review, ReviewTemplate, Service, User
from localoffer.reviews import bp
from localoffer.reviews import service as reviews
from localoffer.reviews.answers import (
    check_for_submission,
    control_character_errors,
    raw_from_stored,
    read_raw,
    without_hidden_characters,
)
from localoffer.reviews.drafts import make_draft_token, read_draft_token
from localoffer.reviews.presenter import error_summary, question_views
from localoffer.urls import parse_id

DRAFT_KEY = re.compile(r"^[0-9a-f-]{36}$")
SERVICE_MISSING = "Select the service you tried"
CHANGED = (
    "The questions changed while you were answering. Check your answers below and send them again"
)


@dataclass
class Context:
    """What a review form is about."""

    template: ReviewTemplate
    exercise: Exercise | None = None
    service: Service | None = None
    page_path: str | None = None


def _id_argument(source, name: str) -> int | None:
    value = source.get(name)
    if value is None or value == "":
        return None
    number = parse_id(value)
    if number is None:
        abort(404)
    return number


def _new_context(user: User) -> Context:
    """The form's subject from ``?exercise=``, ``?service=`` or ``?template=`` (404 if unusable)."""
    exercise_id = _id_argument(request.args, "exercise")
    service_id = _id_argument(request.args, "service")
    slug = request.args.get("template")
    if exercise_id is not None:
        exercise = reviews.open_exercise_for(user, exercise_id)
        if exercise is None:
            abort(404)
        only = exercise.services[0] if len(exercise.services) == 1 else None
        return Context(exercise.template, exercise, only)
    service = None
    if service_id is not None:
        service = get_service(service_id)
        if service is None:
            abort(404)
    choices = reviews.templates_for(user, "service" if service else "site")
    template = next((t for t in choices if slug in (None, t.slug)), None)
    if template is None:
        abort(404)
    return Context(template, service=service)


def _context_of(review: Review) -> Context:
    return Context(review.template, review.exercise, review.service, review.page_path)


def _render(context: Context, raw: dict, errors: dict, draft_key: str, review=None, status=200):
    questions = reviews.questions_of(context.template)
    author = review.author if review else current_user
    return render_template(
        "reviews/form.html",
        context=context,
        review=review,
        questions=question_views(questions, raw, errors),
        errors=error_summary(questions, errors),
        draft_key=draft_key,
        draft_token=make_draft_token(author, draft_key),
        service_error=errors.get("_service"),
        action=url_for("reviews.edit", review_id=review.id)
        if review
        else url_for("reviews.new", **request.args),
    ), status


@bp.get("")
@roles_required(*reviews.REVIEWERS)
def index():
    return render_template(
        "reviews/index.html",
        exercises=reviews.open_exercises_for(current_user),
        mine=reviews.reviews_by(current_user),
        service_templates=reviews.templates_for(current_user, "service"),
        site_templates=reviews.templates_for(current_user, "site"),
    )


@bp.route("/new", methods=["GET", "POST"])
@csrf.exempt
def new():
    if request.method == "POST" and not current_user.is_authenticated:
        return _save_after_session_ended(None)
    return _guarded_new()


@roles_required(*reviews.REVIEWERS)
def _guarded_new():
    if request.method == "POST":
        csrf.protect()
    context = _new_context(current_user)
    if request.method == "GET":
        return _render(context, {}, {}, str(uuid.uuid4()))
    return _save(context, None)


@bp.route("/<id:review_id>", methods=["GET", "POST"])
@csrf.exempt
def edit(review_id: int):
    if request.method == "POST" and not current_user.is_authenticated:
        return _save_after_session_ended(review_id)
    return _guarded_edit(review_id)


@roles_required(*reviews.REVIEWERS)
def _guarded_edit(review_id: int):
    if request.method == "POST":
        csrf.protect()
    review = reviews.own_review(current_user, review_id)
    if review is None:
        abort(404)
    if request.method == "POST":
        return _save(_context_of(review), review)
    if not review.status.editable:
        questions = reviews.questions_of(review.template)
        raw = raw_from_stored(reviews.stored_answers(review))
        return render_template(
            "reviews/view.html", review=review, questions=question_views(questions, raw, {})
        )
    raw = raw_from_stored(reviews.stored_answers(review))
    return _render(_context_of(review), raw, {}, review.draft_key, review)


def _posted_draft_key() -> str:
    key = request.form.get("draft_key", "")
    if not DRAFT_KEY.match(key):
        abort(400)
    return key


def _save(context: Context, review: Review | None):
    draft_key = review.draft_key if review else _posted_draft_key()
    questions = reviews.questions_of(context.template)
    raw = read_raw(questions, request.form)
    if request.form.get("template_id") != str(context.template.id):
        # Answers to another version are never mixed in: show this version, keep what fits.
        return _render(context, raw, {"_template": CHANGED}, draft_key, review, 409)
    hidden = control_character_errors(questions, raw)
    if hidden:
        return _render(context, raw, hidden, draft_key, review, 400)
    if review is None:
        review = reviews.start_review(
            current_user.id,
            draft_key,
            context.template,
            context.exercise,
            context.service.id if context.service else None,
            context.page_path,
        )
    if not review.status.editable:
        flash("You have already sent this review. Thank you.", "success")
        return redirect(url_for("reviews.edit", review_id=review.id), code=303)
    _choose_service(context, review)
    if request.form.get("action") == "submit":
        checked = check_for_submission(questions, raw)
        if _service_missing(context):
            checked.errors["_service"] = SERVICE_MISSING
        if checked.errors:
            reviews.save_answers(review, raw)
            db.session.commit()
            return _render(context, raw, checked.errors, draft_key, review, 400)
        reviews.submit_review(review, checked.answers)
        db.session.commit()
        flash("Thank you. Your review has been sent to the Local Offer team.", "success")
        return redirect(url_for("reviews.edit", review_id=review.id), code=303)
    reviews.save_answers(review, raw)
    db.session.commit()
    flash("Your answers have been saved as a draft.", "success")
    return redirect(url_for("reviews.edit", review_id=review.id), code=303)


def _choose_service(context: Context, review: Review) -> None:
    """In an exercise with several services, the one the person says they tried."""
    if context.exercise is None or len(context.exercise.services) < 2:
        return
    chosen = request.form.get("service_id", "")
    service = next((s for s in context.exercise.services if str(s.id) == chosen), None)
    if service is not None:
        review.service_id = service.id
        context.service = service


def _service_missing(context: Context) -> bool:
    return (
        context.exercise is not None
        and len(context.exercise.services) > 1
        and context.template.target == "service"
        and context.service is None
    )


def _save_after_session_ended(review_id: int | None):
    """Keep answers sent after the session ended as a draft, then ask the person to sign in."""
    found = read_draft_token(request.form.get("draft_token"))
    if found is None:
        csrf.protect()
        return login_manager.unauthorized()
    author, draft_key = found
    review = reviews.review_by_key(author.id, draft_key)
    if review is None:
        if review_id is not None:
            abort(404)
        context = _new_context(author)
        review = reviews.start_review(
            author.id,
            draft_key,
            context.template,
            context.exercise,
            context.service.id if context.service else None,
            context.page_path,
        )
    elif review_id is not None and review.id != review_id:
        abort(404)
    if review.status.editable and request.form.get("template_id") == str(review.template_id):
        raw = read_raw(reviews.questions_of(review.template), request.form)
        # Nobody is signed in to be shown an error, so the answers are kept without them.
        reviews.save_answers(review, without_hidden_characters(raw))
        _choose_service(_context_of(review), review)
    db.session.commit()
    flash(
        "Your session had ended, so we saved your answers as a draft. Sign in to carry on.",
        "success",
    )
    return redirect(url_for("auth.sign_in", next=url_for("reviews.edit", review_id=review.id)))
