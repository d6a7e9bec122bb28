"""The account emails, password resets and invitations: composed, and queued for sending.

They carry a link that lets someone in, so the queue never stores them: a retry composes the
email again with a new link (see ``localoffer/models/outbox.py``).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, url_for

from localoffer.auth import service
from localoffer.models import EmailKind, Invitation, User
from localoffer.outbox.queue import send_later
from localoffer.outbox.transport import Email


def password_reset_email(user: User) -> Email:
    """A password reset email with a new link for ``user``."""
    link = url_for("auth.password_reset", token=service.make_reset_token(user), _external=True)
    return Email(
        user.email,
        f"Reset your password for {current_app.config['SITE_NAME']}",
        render_template("auth/email/password_reset.txt", user=user, link=link),
    )


def send_password_reset(user: User) -> None:
    """Queue a reset link for ``user``, tried again until a link made now would expire."""
    life = timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"])
    send_later(
        password_reset_email(user), EmailKind.PASSWORD_RESET, service.now() + life, user=user
    )


def password_reset_again(user: User | None) -> Email | None:
    """A retry's reset email, or None when the account can no longer reset its password."""
    if user is None or not user.is_active or not user.password_hash:
        return None
    return password_reset_email(user)


def invitation_email(invitation: Invitation, token: str) -> Email:
    """The invitation email carrying ``token``'s link."""
    return Email(
        invitation.email,
        f"You are invited to {current_app.config['SITE_NAME']}",
        render_template(
            "auth/email/invitation.txt",
            invitation=invitation,
            inviter=invitation.invited_by,
            link=url_for("auth.invitation", token=token, _external=True),
        ),
    )


def send_invitation(invitation: Invitation, token: str) -> None:
    """Queue the invitation email, tried again until the invitation expires."""
    send_later(
        invitation_email(invitation, token),
        EmailKind.INVITATION,
        invitation.expires_at,
        invitation=invitation,
    )


def invitation_again(invitation: Invitation | None) -> Email | None:
    """A retry's invitation email with a new link (the unsent one stops working), or None
    when the invitation has been accepted, cancelled or has expired."""
    if invitation is None or not service.invitation_usable(invitation):
        return None
    return invitation_email(invitation, service.new_invitation_token(invitation))
