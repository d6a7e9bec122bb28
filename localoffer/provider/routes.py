"""/provider: a provider's listings, their proposals, and "still correct" confirmations."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import roles_required
from localoffer.extensions import db
from localoffer.manage import lifecycle, proposals
from localoffer.manage.forms import ConfirmForm
from localoffer.manage.listing_forms import ProposalNoteForm, form_data, service_form
from localoffer.manage.listings import difference_rows, differences, listing_values
from localoffer.manage.service import location_choices
from localoffer.models import ChangeKind, Role, SendQuestion, Service, ServiceStatus
from localoffer.provider import bp


def _own_service(service_id: int) -> Service:
    """The provider's own organisation's listing; anyone else's is not found."""
    service = db.session.get(Service, service_id)
    if service is None or service.organization_id != current_user.organization_id:
        abort(404)
    return service


def _form(values=None):
    organisation = current_user.organization
    choices = [(str(organisation.id), organisation.name)]
    if request.method == "POST":
        return service_form(choices, location_choices())
    data = form_data(values) if values else {"organization_id": str(organisation.id)}
    return service_form(choices, location_choices(), data=data)


@bp.get("")
@roles_required(Role.PROVIDER)
def index():
    organisation = current_user.organization
    return render_template(
        "provider/index.html",
        organisation=organisation,
        services=organisation.services,
        pending=proposals.pending(organisation.id),
        today=date.today(),
    )


def _render_form(form, heading: str, action: str, service=None):
    return render_template(
        "manage/service_form.html",
        form=form,
        errors=error_list(form),
        heading=heading,
        action=action,
        service=None,
        back_url=url_for("provider.index"),
        intro="The council checks every change before families see it. We will email you when "
        "it has been approved or if there is a question.",
        send_questions=list(SendQuestion),
    ), 400 if form.errors else 200


@bp.route("/services/<id:service_id>/change", methods=["GET", "POST"])
@roles_required(Role.PROVIDER)
def propose_change(service_id: int):
    service = _own_service(service_id)
    current = listing_values(service)
    form = _form(current)
    if form.validate_on_submit():
        submitted = form.values()
        changed = {name: submitted[name] for name in differences(current, submitted)}
        if not changed:
            form.name.errors = [*form.name.errors, "You have not changed anything yet"]
        else:
            proposals.propose(ChangeKind.EDIT, current_user, service, changed)
            db.session.commit()
            flash("Thank you. We have sent your changes to the council to check.", "success")
            return redirect(url_for("provider.index"))
    return _render_form(
        form,
        f"Suggest changes to {service.name}",
        url_for("provider.propose_change", service_id=service.id),
    )


@bp.route("/services/new", methods=["GET", "POST"])
@roles_required(Role.PROVIDER)
def propose_new():
    form = _form()
    if form.validate_on_submit():
        values = {**form.values(), "organization_id": current_user.organization_id}
        proposals.propose(ChangeKind.NEW, current_user, None, values)
        db.session.commit()
        flash("Thank you. We have sent your new listing to the council to check.", "success")
        return redirect(url_for("provider.index"))
    return _render_form(form, "Suggest a new listing", url_for("provider.propose_new"))


@bp.route("/services/<id:service_id>/closure", methods=["GET", "POST"])
@roles_required(Role.PROVIDER)
def propose_closure(service_id: int):
    service = _own_service(service_id)
    form = ProposalNoteForm()
    if form.validate_on_submit():
        proposals.propose(ChangeKind.CLOSURE, current_user, service, note=form.note.data)
        db.session.commit()
        flash(f"Thank you. We will check with you before we close {service.name}.", "success")
        return redirect(url_for("provider.index"))
    return render_template(
        "provider/closure.html", form=form, service=service, errors=error_list(form)
    ), 400 if form.errors else 200


@bp.route("/services/<id:service_id>/still-correct", methods=["GET", "POST"])
@roles_required(Role.PROVIDER)
def still_correct(service_id: int):
    """The link in the reminder email: one button confirms the listing is still right."""
    service = _own_service(service_id)
    if request.method == "POST":
        if not ConfirmForm().validate():
            abort(400)
        if service.status == ServiceStatus.CLOSED:
            abort(404)
        lifecycle.confirm_correct(
            service, current_user, current_app.config["REVIEW_INTERVAL_MONTHS"]
        )
        db.session.commit()
        flash(f"Thank you. {service.name} is confirmed as correct.", "success")
        return redirect(url_for("provider.index"))
    return render_template(
        "provider/still_correct.html",
        service=service,
        values=listing_values(service),
        rows=difference_rows({}, listing_values(service)),
    )
