"""/manage: the dashboard and account management."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from localoffer.auth import email as account_emails
from localoffer.auth import service as accounts
from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.manage import bp, proposals
from localoffer.manage.forms import ConfirmForm, InviteForm, RoleForm
from localoffer.manage.service import drafts, get_organization, organisation_choices, reviews_due
from localoffer.models import Role
from localoffer.outbox import sender as outbox


@bp.get("")
@roles_required(*STAFF)
def dashboard():
    due = reviews_due(date.today(), current_app.config["REVIEW_DUE_SOON_DAYS"])
    return render_template(
        "manage/dashboard.html", due=due, drafts=drafts(), waiting=len(proposals.pending())
    )


@bp.get("/users")
@roles_required(*STAFF)
def users():
    return render_template(
        "manage/users.html",
        users=accounts.list_users(),
        invitations=accounts.pending_invitations(),
        invitable=accounts.invitable_roles(current_user),
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(*STAFF)
def invite():
    form = InviteForm(accounts.invitable_roles(current_user), organisation_choices())
    if form.validate_on_submit():
        if accounts.user_by_email(form.email.data):
            form.email.errors = ["There is already an account with this email address"]
        else:
            role = Role(form.role.data)
            organization = get_organization(int(form.organization_id.data or 0))
            invitation, token = accounts.create_invitation(
                form.email.data, role, organization, current_user
            )
            _email_invitation(invitation, token)
            flash(
                *_invitation_sent(invitation, f"We have sent an invitation to {invitation.email}.")
            )
            return redirect(url_for("manage.users"))
    return render_template(
        "manage/invite.html", form=form, errors=error_list(form)
    ), 400 if form.errors else 200


def _email_invitation(invitation, token: str) -> None:
    """Queue the invitation's email and commit; it is sent by ``_invitation_sent``."""
    account_emails.send_invitation(invitation, token)
    db.session.commit()


def _invitation_sent(invitation, sent: str) -> tuple[str, str]:
    """Send the committed invitation email now: the flash message saying what happened."""
    if not outbox.send_committed().waiting:
        return sent, "success"
    return (
        f"The invitation to {invitation.email} is saved, but the email could not be sent yet. "
        "We will keep trying while the invitation lasts, or you can send it again below.",
        "info",
    )


def _pending_invitation(invitation_id: int):
    """A pending invitation this person may manage (an officer cannot touch an admin's)."""
    invitation = accounts.pending_invitation(invitation_id)
    if invitation is None:
        abort(404)
    if invitation.role not in accounts.invitable_roles(current_user):
        abort(403)
    if not ConfirmForm().validate():
        abort(400)
    return invitation


@bp.post("/users/invitations/<id:invitation_id>/resend")
@roles_required(*STAFF)
def resend_invitation(invitation_id: int):
    invitation = _pending_invitation(invitation_id)
    _email_invitation(invitation, accounts.renew_invitation(invitation, current_user))
    sent = f"We have sent a new invitation to {invitation.email}. The old link no longer works."
    flash(*_invitation_sent(invitation, sent))
    return redirect(url_for("manage.users"))


@bp.post("/users/invitations/<id:invitation_id>/cancel")
@roles_required(*STAFF)
def cancel_invitation(invitation_id: int):
    invitation = _pending_invitation(invitation_id)
    accounts.cancel_invitation(invitation, current_user)
    db.session.commit()
    flash(f"The invitation to {invitation.email} is cancelled.", "success")
    return redirect(url_for("manage.users"))


def _user_or_404(user_id: int):
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _render_user(user, role_form: RoleForm, status: int = 200, errors: list | None = None):
    return render_template(
        "manage/user.html",
        user=user,
        role_form=role_form,
        confirm_form=ConfirmForm(),
        errors=errors if errors is not None else error_list(role_form),
    ), status


def _refused(user, refusal: Exception, anchor: str) -> list[dict]:
    """The error summary for a refused change, linking to its form when the page shows it."""
    item = {"text": str(refusal)}
    # After the rollback current_user is read again: a concurrent change may have demoted them.
    if current_user.role == Role.ADMIN and user.id != current_user.id:
        item["href"] = anchor
    return [item]


def _role_form(user) -> RoleForm:
    return RoleForm(
        organisation_choices(),
        data={"role": user.role.value, "organization_id": str(user.organization_id or "")},
    )


@bp.get("/users/<id:user_id>")
@roles_required(*STAFF)
def user(user_id: int):
    found = _user_or_404(user_id)
    return _render_user(found, _role_form(found))


@bp.post("/users/<id:user_id>/role")
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    found = _user_or_404(user_id)
    form = RoleForm(organisation_choices())
    if not form.validate_on_submit():
        return _render_user(found, form, 400)
    organization = get_organization(int(form.organization_id.data or 0))
    try:
        accounts.change_role(found, Role(form.role.data), organization, current_user)
    except accounts.AccountChangeRefused as refusal:
        db.session.rollback()
        form.role.errors = [str(refusal)]
        return _render_user(found, form, 400, _refused(found, refusal, "#role"))
    db.session.commit()
    flash(f"{found.name} is now {found.role.label.lower()}.", "success")
    return redirect(url_for("manage.user", user_id=found.id))


def _set_active(user_id: int, active: bool):
    found = _user_or_404(user_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        accounts.set_active(found, active, current_user)
    except accounts.AccountChangeRefused as refusal:
        db.session.rollback()
        return _render_user(found, _role_form(found), 400, _refused(found, refusal, "#deactivate"))
    db.session.commit()
    state = "reactivated" if active else "deactivated"
    flash(f"The account for {found.name} has been {state}.", "success")
    return redirect(url_for("manage.user", user_id=found.id))


@bp.post("/users/<id:user_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<id:user_id>/reactivate")
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    return _set_active(user_id, True)
