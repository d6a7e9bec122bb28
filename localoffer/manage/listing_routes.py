"""/manage/services: officers create, edit, publish, close, archive and confirm listings."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.manage import bp, lifecycle
from localoffer.manage.forms import ConfirmForm
from localoffer.manage.listing_forms import form_data, service_form
from localoffer.manage.listings import describe, difference_rows, field_label, listing_values
from localoffer.manage.service import (
    LISTING_STATES,
    find_listings,
    location_choices,
    organisation_choices,
)
from localoffer.models import SendQuestion, Service, ServiceStatus
from localoffer.urls import parse_id

PER_PAGE = 50
STATUS_ACTIONS = {
    "temporarily_closed": (ServiceStatus.TEMPORARILY_CLOSED, "is marked temporarily closed"),
    "active": (ServiceStatus.ACTIVE, "is open again"),
    "closed": (ServiceStatus.CLOSED, "has been archived: families no longer see it"),
}


def service_or_404(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    return service


def build_service_form(values: dict[str, Any] | None = None, version: int | None = None):
    """The listing form: from the request on POST, else filled from ``values``."""
    if request.method == "POST":
        return service_form(organisation_choices(), location_choices())
    data = form_data(values) if values else {}
    if version is not None:
        data["version"] = str(version)
    return service_form(organisation_choices(), location_choices(), data=data)


@bp.get("/services")
@roles_required(*STAFF)
def services():
    text = request.args.get("q", "", type=str).strip()[:100]
    state = request.args.get("state", "", type=str)
    if state not in LISTING_STATES:
        state = ""
    organization_id = parse_id(request.args.get("organisation")) or 0
    page = max(1, min(request.args.get("page", 1, type=int), 10_000))
    found, total = find_listings(text, state, organization_id, page, PER_PAGE)
    return render_template(
        "manage/services.html",
        services=found,
        total=total,
        text=text,
        state=state,
        states=LISTING_STATES,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        organization_id=organization_id,
    )


@bp.route("/services/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_service():
    form = build_service_form()
    if form.validate_on_submit():
        service = lifecycle.create_service(form.values(), current_user)
        db.session.commit()
        flash(
            f"{service.name} is saved as a draft. Families will not see it until you publish it.",
            "success",
        )
        return redirect(url_for("manage.service", service_id=service.id))
    return render_template(
        "manage/service_form.html",
        form=form,
        errors=error_list(form),
        heading="Add a listing",
        action=url_for("manage.new_service"),
        send_questions=list(SendQuestion),
    ), 400 if form.errors else 200


@bp.get("/services/<id:service_id>")
@roles_required(*STAFF)
def service(service_id: int):
    found = service_or_404(service_id)
    return render_template(
        "manage/service.html",
        service=found,
        confirm_form=ConfirmForm(),
        last=lifecycle.last_change(found),
        today=date.today(),
    )


@bp.route("/services/<id:service_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_service(service_id: int):
    found = service_or_404(service_id)
    form = build_service_form(listing_values(found), found.version)
    conflict = None
    if form.validate_on_submit():
        try:
            lifecycle.check_version(found, form.version.data)
            changes = lifecycle.edit_service(found, form.values(), current_user)
            db.session.commit()
        except (lifecycle.VersionConflict, StaleDataError):
            db.session.rollback()
            found = service_or_404(service_id)
            conflict = {
                "last": lifecycle.last_change(found),
                "rows": difference_rows(listing_values(found), form.values()),
            }
            # Saving again now means "keep my version", knowingly.
            form.version.data = str(found.version)
        else:
            flash(
                f"Your changes to {found.name} are saved ({len(changes)} "
                f"{'field' if len(changes) == 1 else 'fields'} changed)."
                if changes
                else "Nothing was changed.",
                "success",
            )
            return redirect(url_for("manage.service", service_id=found.id))
    status = 409 if conflict else 400 if form.errors else 200
    return render_template(
        "manage/service_form.html",
        form=form,
        errors=error_list(form),
        heading=f"Edit {found.name}",
        action=url_for("manage.edit_service", service_id=found.id),
        service=found,
        conflict=conflict,
        send_questions=list(SendQuestion),
    ), status


def _confirmed_action(service_id: int) -> Service:
    found = service_or_404(service_id)
    if not ConfirmForm().validate():
        abort(400)
    return found


@bp.post("/services/<id:service_id>/publish")
@roles_required(*STAFF)
def publish(service_id: int):
    found = _confirmed_action(service_id)
    if found.status == ServiceStatus.CLOSED:
        flash("Reopen the listing before publishing it.", "error")
    elif found.published_at is None:
        lifecycle.publish(found, current_user)
        db.session.commit()
        flash(f"{found.name} is published: families can now find it.", "success")
    return redirect(url_for("manage.service", service_id=found.id))


@bp.post("/services/<id:service_id>/unpublish")
@roles_required(*STAFF)
def unpublish(service_id: int):
    found = _confirmed_action(service_id)
    if found.published_at is not None:
        lifecycle.unpublish(found, current_user)
        db.session.commit()
        flash(f"{found.name} is back to draft: families no longer see it.", "success")
    return redirect(url_for("manage.service", service_id=found.id))


@bp.post("/services/<id:service_id>/status/<status>")
@roles_required(*STAFF)
def change_status(service_id: int, status: str):
    if status not in STATUS_ACTIONS:
        abort(404)
    found = _confirmed_action(service_id)
    new_status, message = STATUS_ACTIONS[status]
    if found.status != new_status:
        lifecycle.set_status(found, new_status, current_user)
        db.session.commit()
        flash(f"{found.name} {message}.", "success")
    return redirect(url_for("manage.service", service_id=found.id))


@bp.post("/services/<id:service_id>/confirm")
@roles_required(*STAFF)
def confirm_listing(service_id: int):
    found = _confirmed_action(service_id)
    lifecycle.confirm_correct(found, current_user, current_app.config["REVIEW_INTERVAL_MONTHS"])
    db.session.commit()
    flash(
        f"Thank you. {found.name} is confirmed as correct; the next check is due "
        f"{found.review_due_on.strftime('%-d %B %Y')}.",
        "success",
    )
    return redirect(url_for("manage.service", service_id=found.id))


@bp.get("/services/<id:service_id>/history")
@roles_required(*STAFF)
def service_history(service_id: int):
    found = service_or_404(service_id)
    return render_template(
        "manage/history.html",
        record=found,
        title=found.name,
        back=url_for("manage.service", service_id=found.id),
        events=lifecycle.history(found),
        field_label=field_label,
        describe=describe,
    )


@bp.get("/services/<id:service_id>/preview")
@roles_required(*STAFF)
def preview_service(service_id: int):
    """The public page as it will look, for drafts too."""
    found = service_or_404(service_id)
    return render_template(
        "directory/service.html",
        service=found,
        send_questions=list(SendQuestion),
        preview=True,
    )
