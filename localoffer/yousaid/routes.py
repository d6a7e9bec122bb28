"""/manage/you-said (officers) and /you-said-we-did with its Atom feed (everyone)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.feedback.service import feedback_by_page
from localoffer.moderation.forms import ConfirmForm
from localoffer.moderation.service import active_themes, all_themes
from localoffer.urls import safe_next
from localoffer.yousaid import bp
from localoffer.yousaid import service as yousaid
from localoffer.yousaid.forms import PublicFilterForm, WeDidForm, YouSaidForm, parse_date


def _found(item_id: int):
    record = yousaid.item(item_id)
    if record is None:
        abort(404)
    return record


@bp.get("/manage/you-said")
@roles_required(*STAFF)
def items():
    return render_template(
        "yousaid/items.html",
        items=yousaid.items_for_officers(),
        themes=active_themes(),
        pages=feedback_by_page()[:20],
    )


def _evidence_sources(record=None):
    """What the form offers as evidence: reviews with the chosen theme, feedback on the page."""
    theme_slug = request.args.get("theme")
    page = request.args.get("page")
    theme = yousaid.theme_by_slug(theme_slug) if theme_slug else None
    if theme_slug and theme is None:
        abort(404)
    if page is not None and (safe_next(page, "") != page or len(page) > 500):
        abort(404)
    reviews = yousaid.accepted_reviews_with_theme(theme) if theme else []
    feedback = yousaid.feedback_on_page(page) if page else []
    if record is not None:
        reviews = _merge(record.reviews, reviews)
        feedback = _merge(record.feedback, feedback)
    return theme, page, reviews, feedback


def _merge(current, offered):
    seen = {r.id for r in offered}
    return offered + [r for r in current if r.id not in seen]


def _values(form: YouSaidForm, themes, reviews, feedback) -> dict:
    chosen = set(form.themes.data or [])
    return {
        "summary": form.summary.data.strip(),
        "source_type": form.source_type.data,
        "said_on": parse_date(form.said_on.data),
        "service_id": int(form.service_id.data) if form.service_id.data else None,
        "page_path": form.page_path.data or None,
        "themes": [t for t in themes if str(t.id) in chosen],
        "reviews": [r for r in reviews if str(r.id) in set(form.reviews.data or [])],
        "feedback": [f for f in feedback if str(f.id) in set(form.feedback.data or [])],
    }


def _item_form(record):
    themes = all_themes() if record is not None else active_themes()
    theme, page, reviews, feedback = _evidence_sources(record)
    if request.method == "GET":
        if record is None:
            data = {
                "source_type": "review" if theme else ("page_feedback" if page else None),
                "themes": [str(theme.id)] if theme else [],
                "page_path": page or "",
                "reviews": [str(r.id) for r in reviews],
                "feedback": [str(f.id) for f in feedback],
            }
        else:
            data = {
                "source_type": record.source_type,
                "said_on": f"{record.said_on.day} {record.said_on.month} {record.said_on.year}",
                "summary": record.summary,
                "themes": [str(t.id) for t in record.themes],
                "service_id": str(record.service_id or ""),
                "page_path": record.page_path or "",
                "reviews": [str(r.id) for r in record.reviews],
                "feedback": [str(f.id) for f in record.feedback],
            }
        form = YouSaidForm(themes, reviews, feedback, data=data)
    else:
        form = YouSaidForm(themes, reviews, feedback)
    errors = []
    if form.validate_on_submit():
        service_id = int(form.service_id.data) if form.service_id.data else None
        if service_id is not None and yousaid.service_by_id(service_id) is None:
            form.service_id.errors = [
                *form.service_id.errors,
                "There is no service with that number",
            ]
        else:
            saved = yousaid.save_item(
                record, _values(form, themes, reviews, feedback), current_user
            )
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("yousaid.item", item_id=saved.id), code=303)
    if request.method == "POST":
        errors = error_list(form)
    query = {"theme": theme.slug} if theme else ({"page": page} if page else {})
    return render_template(
        "yousaid/item_form.html",
        form=form,
        errors=errors,
        record=record,
        theme=theme,
        page=page,
        action=url_for(request.endpoint, **request.view_args, **query),
    ), (400 if errors else 200)


@bp.route("/manage/you-said/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_item():
    return _item_form(None)


@bp.route("/manage/you-said/<id:item_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_item(item_id: int):
    return _item_form(_found(item_id))


@bp.get("/manage/you-said/<id:item_id>")
@roles_required(*STAFF)
def item(item_id: int):
    record = _found(item_id)
    return render_template(
        "yousaid/item.html",
        item=record,
        form=ConfirmForm(),
        service_listed=yousaid.publicly_listed(record.service),
    )


def _day(value) -> str:
    return f"{value.day} {value.month} {value.year}" if value else ""


@bp.route("/manage/you-said/<id:item_id>/we-did", methods=["GET", "POST"])
@roles_required(*STAFF)
def we_did(item_id: int):
    record = _found(item_id)
    response = record.we_did
    if request.method == "GET" and response is not None:
        form = WeDidForm(
            data={
                "action": response.action,
                "team": response.team,
                "status": response.status,
                "reason": response.reason or "",
                "target_on": _day(response.target_on),
                "completed_on": _day(response.completed_on),
            }
        )
    else:
        form = WeDidForm()
    if form.validate_on_submit():
        yousaid.save_we_did(record, form.values(), current_user)
        db.session.commit()
        flash("Response saved.", "success")
        return redirect(url_for("yousaid.item", item_id=record.id), code=303)
    errors = error_list(form) if request.method == "POST" else []
    return render_template("yousaid/we_did_form.html", form=form, errors=errors, item=record), (
        400 if errors else 200
    )


@bp.post("/manage/you-said/<id:item_id>/publish")
@roles_required(*STAFF)
def publish(item_id: int):
    record = _found(item_id)
    if ConfirmForm().validate_on_submit():
        if yousaid.publish(record, current_user):
            db.session.commit()
            flash("Published on You said, we did.", "success")
        else:
            flash("Write what we did before publishing.", "error")
    return redirect(url_for("yousaid.item", item_id=record.id))


@bp.post("/manage/you-said/<id:item_id>/unpublish")
@roles_required(*STAFF)
def unpublish(item_id: int):
    record = _found(item_id)
    if ConfirmForm().validate_on_submit():
        yousaid.unpublish(record, current_user)
        db.session.commit()
        flash("Taken off the public list.", "success")
    return redirect(url_for("yousaid.item", item_id=record.id))


@bp.get("/you-said-we-did")
def public_list():
    themes = all_themes()
    form = PublicFilterForm(yousaid.published_years(), themes, formdata=request.args)
    filters = yousaid.PublicFilters()
    errors = []
    status = 200
    if not form.validate():
        errors = error_list(form)
        status = 400
    else:
        filters = yousaid.PublicFilters(
            year=int(form.year.data) if form.year.data else None,
            theme=next((t for t in themes if t.slug == form.theme.data), None),
            status=form.status.data or None,
        )
    return render_template(
        "yousaid/public_list.html",
        form=form,
        errors=errors,
        items=yousaid.published_items(filters) if not errors else [],
        filters=filters,
        publicly_listed=yousaid.publicly_listed,
    ), status


@bp.get("/you-said-we-did/feed.atom")
def feed():
    items = yousaid.feed_items()
    body = render_template("yousaid/feed.xml", items=items, publicly_listed=yousaid.publicly_listed)
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
