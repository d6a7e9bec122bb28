"""/sign-in, /sign-out, /invitations/<token> and /password-reset."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from localoffer.auth import bp, service
from localoffer.auth.email import send_password_reset
from localoffer.auth.forms import (
    AcceptInvitationForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
    SignOutForm,
    error_list,
)
from localoffer.extensions import db, limiter
from localoffer.urls import safe_next

WRONG_DETAILS = "Enter a correct email address and password"
LOCKED = (
    "This account is locked because of too many attempts to sign in. Wait 15 minutes and try "
    "again, or reset your password"
)


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def landing_page(user) -> str:
    """Where a person goes after signing in when no page was asked for."""
    return url_for("manage.dashboard") if user.is_staff else url_for("pages.home")


def _start_session(user) -> None:
    login_user(user)
    session.permanent = True


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    next_page = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(next_page, landing_page(current_user)))
    form = SignInForm()
    if form.validate_on_submit():
        result = service.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if result.user is not None:
            _start_session(result.user)
            return redirect(safe_next(next_page, landing_page(result.user)))
        form.email.errors = [LOCKED if result.locked else WRONG_DETAILS]
    status = 400 if form.errors else 200
    return render_template(
        "auth/sign_in.html", form=form, next_page=next_page, errors=error_list(form)
    ), status


@bp.post("/sign-out")
def sign_out():
    if not SignOutForm().validate():
        abort(400)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


def _link_not_working(code: int):
    return render_template("auth/link_not_working.html"), code


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = service.find_invitation(token)
    if found is None:
        abort(404)
    if not service.invitation_usable(found) or service.user_by_email(found.email):
        return _link_not_working(410)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = service.accept_invitation(found, form.name.data, form.password.data)
        db.session.commit()
        _start_session(user)
        flash("Your account has been created and you are signed in.", "success")
        return redirect(landing_page(user))
    return render_template(
        "auth/invitation.html", form=form, invitation=found, errors=error_list(form)
    ), 400 if form.errors else 200


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def password_reset_request():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        user = service.user_by_email(form.email.data)
        # The same answer whether or not the address has an account.
        # The email is queued here and sent after the response (see localoffer/outbox), so
        # the answer cannot depend on whether the mail server is up.
        if user is not None and user.is_active and user.password_hash:
            send_password_reset(user)
            db.session.commit()
        return render_template("auth/password_reset_sent.html", email=form.email.data)
    return render_template(
        "auth/password_reset_request.html", form=form, errors=error_list(form)
    ), 400 if form.errors else 200


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    user = service.user_for_reset_token(token)
    if user is None:
        return _link_not_working(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        service.set_password(user, form.password.data)
        db.session.commit()
        logout_user()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template(
        "auth/password_reset.html", form=form, errors=error_list(form)
    ), 400 if form.errors else 200
