"""Account operations: invitations, signing in, locks, password resets, roles, deactivation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from sqlalchemy import func, select

from localoffer import audit
from localoffer.auth.passwords import hash_password, password_matches
from localoffer.extensions import db, limiter
from localoffer.models import Invitation, Organization, Role, User

RESET_SALT = "localoffer.password-reset"
# Officers may bring in the people they work with; only admins create officers and admins.
INVITABLE_BY = {
    Role.OFFICER: (Role.VOLUNTEER, Role.YOUNG_INSPECTOR, Role.PROVIDER),
    Role.ADMIN: tuple(Role),
}


def now() -> datetime:
    """The current time in UTC; tests replace it to move the clock."""
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def load_session_user(session_id: str) -> User | None:
    """The user behind a session id ``"<id>:<session version>"``; None ends the session."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = get_user(int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


# Invitations


def invitable_roles(inviter: User) -> tuple[Role, ...]:
    return INVITABLE_BY.get(inviter.role, ())


def create_invitation(
    email: str, role: Role, organization: Organization | None, invited_by: User | None
) -> tuple[Invitation, str]:
    """A new invitation and its token (the token is only ever shown in the email)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=normalise_email(email),
        role=role,
        organization=organization if role == Role.PROVIDER else None,
        invited_by=invited_by,
        token_hash=token_digest(token),
        expires_at=now() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.created",
        actor=invited_by,
        subject=invitation,
        changes={"email": [None, invitation.email], "role": [None, role.value]},
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))


def invitation_usable(invitation: Invitation) -> bool:
    """Not yet accepted and not expired."""
    return invitation.accepted_at is None and _aware(invitation.expires_at) > now()


def new_invitation_token(invitation: Invitation) -> str:
    """A new token for the invitation's link; the old link stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_digest(token)
    return token


def renew_invitation(invitation: Invitation, actor: User) -> str:
    """A fresh link for an invitation (the old one stops working); returns the new token."""
    token = new_invitation_token(invitation)
    invitation.expires_at = now() + timedelta(days=current_app.config["INVITATION_DAYS"])
    audit.record("invitation.resent", actor=actor, subject=invitation)
    return token


def cancel_invitation(invitation: Invitation, actor: User) -> None:
    """The link stops working at once."""
    invitation.expires_at = now()
    audit.record("invitation.cancelled", actor=actor, subject=invitation)


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    """Create the account the invitation promised; the invitation cannot be used again."""
    user = User(
        email=invitation.email,
        name=name.strip(),
        role=invitation.role,
        organization_id=invitation.organization_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    invitation.accepted_at = now()
    db.session.flush()
    audit.record(
        "invitation.accepted",
        actor=user,
        subject=user,
        changes={"email": [None, user.email], "role": [None, user.role.value]},
    )
    return user


# Signing in


@dataclass
class SignInResult:
    user: User | None
    locked: bool = False


def _unknown_email_lock():
    minutes = current_app.config["SIGN_IN_LOCK_MINUTES"]
    return parse(f"{current_app.config['SIGN_IN_MAX_FAILURES']} per {minutes} minutes")


def authenticate(email: str, password: str) -> SignInResult:
    """Check the email and password, counting failures; a locked account stays locked."""
    user = user_by_email(email)
    if user is None:
        password_matches(None, password)
        # Unknown addresses lock just as accounts do, so the lock reveals nothing.
        digest = token_digest(normalise_email(email))
        lock = _unknown_email_lock()
        limiter.limiter.hit(lock, "sign-in-unknown", digest)
        locked = not limiter.limiter.test(lock, "sign-in-unknown", digest)
        audit.record("sign_in.failed", changes={})
        return SignInResult(None, locked=locked)
    moment = now()
    if user.locked_until is not None and _aware(user.locked_until) > moment:
        audit.record("sign_in.locked", subject=user)
        return SignInResult(None, locked=True)
    if not (user.is_active and password_matches(user.password_hash, password)):
        user.failed_sign_ins += 1
        changes = {"failed_sign_ins": [user.failed_sign_ins - 1, user.failed_sign_ins]}
        locked = user.failed_sign_ins >= current_app.config["SIGN_IN_MAX_FAILURES"]
        if locked:
            lock = timedelta(minutes=current_app.config["SIGN_IN_LOCK_MINUTES"])
            user.locked_until = moment + lock
            user.failed_sign_ins = 0
            changes["locked_until"] = [None, user.locked_until.isoformat()]
        audit.record("sign_in.failed", subject=user, changes=changes)
        return SignInResult(None, locked=locked)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = moment
    audit.record("sign_in.succeeded", actor=user, subject=user)
    return SignInResult(user)


# Passwords


def set_password(user: User, password: str, actor: User | None = None) -> None:
    """Change the password and end every session the account has open."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record("user.password_changed", actor=actor or user, subject=user)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    """A signed token naming the account and its session version, so it works only once."""
    return _reset_serializer().dumps({"user": user.id, "version": user.session_version})


def user_for_reset_token(token: str) -> User | None:
    """The account a reset token is for, while it is unexpired and unused."""
    max_age = current_app.config["PASSWORD_RESET_HOURS"] * 3600
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = get_user(data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or not user.is_active or user.session_version != data.get("version"):
        return None
    return user


# Managing accounts


class AccountChangeRefused(Exception):
    """A role change or deactivation the rules forbid; ``str()`` is the message to show.

    Raised after the change may have been flushed: the caller rolls the transaction back.
    """


def change_role(
    user: User, role: Role, organization: Organization | None, actor: User | None
) -> None:
    """Give ``user`` a new role (and organisation, for providers).

    Nobody changes their own role, and the last active admin stays an admin.
    """
    if actor is not None and user.id == actor.id:
        raise AccountChangeRefused("You cannot change your own role. Ask another admin")
    demoting = role != Role.ADMIN and _is_active_admin(user)
    if demoting:
        _keep_an_admin(user, "so their role cannot change")
    before = {"role": user.role.value, "organization_id": user.organization_id}
    user.role = role
    user.organization_id = organization.id if role == Role.PROVIDER and organization else None
    after = {"role": user.role.value, "organization_id": user.organization_id}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        # A new role takes effect at once: sessions carrying the old one end.
        user.session_version += 1
        audit.record("user.role_changed", actor=actor, subject=user, changes=changes)
    if demoting:
        _check_an_admin_remains(user, "so their role cannot change")


def set_active(user: User, active: bool, actor: User | None) -> None:
    """Deactivate (ending the account's sessions at their next request) or reactivate.

    Nobody deactivates their own account, and the last active admin cannot be deactivated.
    """
    if user.is_active == active:
        return
    if not active and actor is not None and user.id == actor.id:
        raise AccountChangeRefused("You cannot deactivate your own account. Ask another admin")
    removing_admin = not active and _is_active_admin(user)
    if removing_admin:
        _keep_an_admin(user, "so their account cannot be deactivated")
    user.is_active = active
    if not active:
        user.session_version += 1
    action = "user.reactivated" if active else "user.deactivated"
    audit.record(action, actor=actor, subject=user, changes={"is_active": [not active, active]})
    if removing_admin:
        _check_an_admin_remains(user, "so their account cannot be deactivated")


def _is_active_admin(user: User) -> bool:
    return user.role == Role.ADMIN and user.is_active


def _active_admin_ids(lock: bool) -> list[int]:
    query = select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True))
    if lock:
        # PostgreSQL: the rows stay locked until this transaction ends, so two admins acting on
        # each other at once queue here and the second sees the first one's change.
        # (SQLite has no row locks and ignores this; see _check_an_admin_remains.)
        query = query.order_by(User.id).with_for_update()
    return list(db.session.scalars(query))


def _only_admin(user: User, why: str) -> AccountChangeRefused:
    return AccountChangeRefused(
        f"{user.name} is the only active admin, {why}. Make someone else an admin first"
    )


def _keep_an_admin(user: User, why: str) -> None:
    """Refuse, before changing anything, to take away the last active admin."""
    if not [admin for admin in _active_admin_ids(lock=True) if admin != user.id]:
        raise _only_admin(user, why)


def _check_an_admin_remains(user: User, why: str) -> None:
    """After the change, in the same transaction: is an active admin left?

    On SQLite the check above reads outside any transaction, so another change may have been
    committed since; once this transaction has written it holds the database's write lock,
    and what it reads now no other writer can change before it commits.
    """
    db.session.flush()
    if not _active_admin_ids(lock=False):
        raise _only_admin(user, why)


def create_admin(email: str, name: str, password: str) -> User:
    """The first account, made from the command line."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=Role.ADMIN,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", subject=user, changes={"role": [None, Role.ADMIN.value]})
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.name), User.id)))


def _pending():
    return select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at > now())


def pending_invitations() -> list[Invitation]:
    """Invitations not yet accepted and still in date, newest first."""
    return list(db.session.scalars(_pending().order_by(Invitation.created_at.desc())))


def pending_invitation(invitation_id: int) -> Invitation | None:
    """One invitation, if it is still pending (not accepted, cancelled or expired)."""
    return db.session.scalars(_pending().where(Invitation.id == invitation_id)).one_or_none()
