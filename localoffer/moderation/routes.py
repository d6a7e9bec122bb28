"""/manage/reviews, /manage/exercises and /manage/results: officers' co-production pages."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.control_characters import control_character_message, has_control_characters
from localoffer.extensions import db
from localoffer.models import ReviewStatus, Service
from localoffer.moderation import bp
from localoffer.moderation import service as moderation
from localoffer.moderation.forms import (
    ConfirmForm,
    ExerciseForm,
    ModerationForm,
    ThemeForm,
    parse_month,
)
from localoffer.moderation.redaction import suggested_redaction
from localoffer.moderation.results import summarise
from localoffer.reviews.answers import raw_from_stored
from localoffer.reviews.presenter import question_views
from localoffer.reviews.questions import LONG_TEXT_MAX
from localoffer.reviews.service import latest_templates, questions_of, stored_answers

QUEUES = [s for s in ReviewStatus if s != ReviewStatus.DRAFT]


@bp.get("/reviews")
@roles_required(*STAFF)
def queue():
    wanted = request.args.get("status", ReviewStatus.SUBMITTED.value)
    if wanted not in {s.value for s in QUEUES}:
        abort(404)
    status = ReviewStatus(wanted)
    return render_template(
        "moderation/queue.html",
        status=status,
        queues=QUEUES,
        reviews=moderation.reviews_with_status(status),
    )


def _render_review(review, form: ModerationForm, redactions: dict, errors: dict, status=200):
    questions = questions_of(review.template)
    raw = raw_from_stored(stored_answers(review))
    summary = error_list(form) + [
        {"text": message, "href": f"#redacted-{key}"} for key, message in errors.items()
    ]
    return render_template(
        "moderation/review.html",
        review=review,
        questions=question_views(questions, raw, {}),
        text_answers=[q for q in questions if q.is_text and q.key in raw],
        redactions=redactions,
        redaction_errors=errors,
        form=form,
        errors=summary,
    ), status


@bp.route("/reviews/<id:review_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def review(review_id: int):
    found = moderation.review_for_officers(review_id)
    if found is None:
        abort(404)
    themes = moderation.active_themes()
    if request.method == "GET":
        form = ModerationForm(
            themes,
            data={"themes": [str(t.id) for t in found.themes], "comment": found.moderator_comment},
        )
        redactions = {
            a.question_key: a.redacted or suggested_redaction(a.value)
            for a in found.answers
            if isinstance(a.value, str)
        }
        return _render_review(found, form, redactions, {})
    form = ModerationForm(themes)
    text_keys = [q.key for q in questions_of(found.template) if q.is_text]
    redactions = {
        key: (request.form.get(f"redacted-{key}") or "").strip()
        for key in text_keys
        if found.answer(key) is not None
    }
    errors = {
        key: control_character_message("The redacted text")
        if has_control_characters(text)
        else f"The redacted text must be {LONG_TEXT_MAX:,} characters or fewer"
        for key, text in redactions.items()
        if has_control_characters(text) or len(text) > LONG_TEXT_MAX
    }
    if not form.validate_on_submit() or errors:
        return _render_review(found, form, redactions, errors, 400)
    chosen = [t for t in themes if str(t.id) in form.themes.data]
    moderation.moderate(
        found, current_user, form.decision.data, form.comment.data, redactions, chosen
    )
    db.session.commit()
    flash(f"Review {found.id}: {found.status.label.lower()}.", "success")
    return redirect(url_for("moderation.queue"), code=303)


@bp.get("/exercises")
@roles_required(*STAFF)
def exercises():
    return render_template("moderation/exercises.html", exercises=moderation.exercises())


@bp.route("/exercises/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_exercise():
    form = ExerciseForm(latest_templates(), moderation.reviewers())
    if form.validate_on_submit():
        services = moderation.services_by_id(form.service_ids())
        missing = set(form.service_ids()) - {s.id for s in services}
        template = moderation.template_by_id(int(form.template_id.data))
        if missing:
            form.targets.errors = [f"There is no service {sorted(missing)[0]}"]
        elif template is None:
            form.template_id.errors = ["Select the questions to ask"]
        else:
            fields = moderation.ExerciseFields(
                month=parse_month(form.month.data),
                title=form.title.data.strip(),
                case_study=form.case_study.data.strip(),
                task=form.task.data.strip(),
                template=template,
                services=services,
                target_pages=form.page_paths(),
                assignees=moderation.users_by_id([int(i) for i in form.assignees.data]),
            )
            exercise = moderation.create_exercise(fields, current_user)
            db.session.commit()
            flash(f"The exercise “{exercise.title}” has been created.", "success")
            return redirect(url_for("moderation.exercise", exercise_id=exercise.id), code=303)
    return render_template(
        "moderation/new_exercise.html", form=form, errors=error_list(form)
    ), 400 if form.errors else 200


@bp.get("/exercises/<id:exercise_id>")
@roles_required(*STAFF)
def exercise(exercise_id: int):
    found = moderation.get_exercise(exercise_id)
    if found is None:
        abort(404)
    reviews = moderation.exercise_reviews(found)
    return render_template(
        "moderation/results.html",
        heading=found.title,
        exercise=found,
        reviews=reviews,
        results=summarise(reviews),
        confirm_form=ConfirmForm(),
    )


@bp.post("/exercises/<id:exercise_id>/toggle")
@roles_required(*STAFF)
def toggle_exercise(exercise_id: int):
    if not ConfirmForm().validate():
        abort(400)
    found = moderation.get_exercise(exercise_id)
    if found is None:
        abort(404)
    found.is_open = not found.is_open
    db.session.commit()
    state = "open to its volunteers again" if found.is_open else "closed"
    flash(f"The exercise “{found.title}” is {state}.", "success")
    return redirect(url_for("moderation.exercise", exercise_id=found.id), code=303)


@bp.route("/themes", methods=["GET", "POST"])
@roles_required(*STAFF)
def themes():
    form = ThemeForm()
    if form.validate_on_submit():
        theme = moderation.add_theme(form.name.data, form.slug())
        if theme is None:
            form.name.errors = ["There is already a theme with this name"]
        else:
            db.session.commit()
            flash(f"The theme “{theme.name}” has been added.", "success")
            return redirect(url_for("moderation.themes"), code=303)
    return render_template(
        "moderation/themes.html",
        themes=moderation.all_themes(),
        form=form,
        errors=error_list(form),
    ), 400 if form.errors else 200


@bp.get("/results")
@roles_required(*STAFF)
def month_results():
    asked = request.args.get("month")
    month = parse_month(asked[:30]) if asked is not None else date.today().replace(day=1)
    if month is None:
        abort(404)
    reviews = moderation.month_reviews(month)
    return render_template(
        "moderation/results.html",
        heading=f"Results for {month:%B %Y}",
        exercise=None,
        reviews=reviews,
        results=summarise(reviews),
    )


@bp.get("/services/<id:service_id>/reviews")
@roles_required(*STAFF)
def service_reviews(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    return render_template(
        "moderation/service_reviews.html",
        service=service,
        reviews=moderation.service_history(service_id),
    )
