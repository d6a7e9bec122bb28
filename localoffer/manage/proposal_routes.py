"""/manage/proposals: the queue of providers' proposals, shown as field-by-field differences."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.manage import bp, proposals
from localoffer.manage.forms import ConfirmForm
from localoffer.manage.listing_forms import ReasonForm
from localoffer.manage.listings import difference_rows
from localoffer.models import ChangeKind, ChangeRequest, ChangeStatus
from localoffer.outbox import sender as outbox


def _proposal_or_404(proposal_id: int) -> ChangeRequest:
    proposal = db.session.get(ChangeRequest, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/proposals")
@roles_required(*STAFF)
def proposals_list():
    return render_template("manage/proposals.html", proposals=proposals.pending())


def _render(proposal: ChangeRequest, reason_form: ReasonForm, status: int = 200):
    before, after = proposals.proposed_changes(proposal)
    moved_on = (
        proposal.kind == ChangeKind.EDIT
        and proposal.status == ChangeStatus.PENDING
        and proposal.service.version != proposal.base_version
    )
    return render_template(
        "manage/proposal.html",
        proposal=proposal,
        rows=difference_rows(before, after),
        moved_on=moved_on,
        confirm_form=ConfirmForm(),
        reason_form=reason_form,
        errors=error_list(reason_form),
    ), status


@bp.get("/proposals/<id:proposal_id>")
@roles_required(*STAFF)
def proposal(proposal_id: int):
    return _render(_proposal_or_404(proposal_id), ReasonForm(formdata=None))


@bp.post("/proposals/<id:proposal_id>/approve")
@roles_required(*STAFF)
def approve_proposal(proposal_id: int):
    found = _proposal_or_404(proposal_id)
    if not ConfirmForm().validate():
        abort(400)
    if found.status != ChangeStatus.PENDING:
        flash("This proposal has already been decided.", "error")
        return redirect(url_for("manage.proposal", proposal_id=found.id))
    service = proposals.approve(found, current_user)
    db.session.commit()
    if found.kind == ChangeKind.NEW:
        flash(f"Approved. {service.name} is saved as a draft: publish it when ready.", "success")
    else:
        flash(f"Approved. {service.name} is updated.", "success")
    return redirect(url_for("manage.service", service_id=service.id))


@bp.post("/proposals/<id:proposal_id>/reject")
@roles_required(*STAFF)
def reject_proposal(proposal_id: int):
    found = _proposal_or_404(proposal_id)
    form = ReasonForm()
    if found.status != ChangeStatus.PENDING:
        flash("This proposal has already been decided.", "error")
        return redirect(url_for("manage.proposal", proposal_id=found.id))
    if not form.validate_on_submit():
        return _render(found, form, 400)
    proposals.reject(found, current_user, form.reason.data)
    db.session.commit()
    emailed = outbox.send_committed()
    if emailed.waiting:
        flash(
            "Rejected. The email giving the provider your reason could not be sent yet: we "
            "will keep trying.",
            "info",
        )
    elif emailed.sent:
        flash("Rejected. We have emailed the provider with your reason.", "success")
    else:
        flash("Rejected.", "success")
    return redirect(url_for("manage.proposals_list"))
