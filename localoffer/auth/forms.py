"""Account forms, with GOV.UK error wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from localoffer.auth.passwords import password_problem

EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def error_list(form: FlaskForm) -> list[dict]:
    """The form's errors for the GOV.UK error summary, each linking to its field."""
    return [
        {"text": messages[0], "href": f"#{getattr(form, name).id}"}
        for name, messages in form.errors.items()
        if messages
    ]


def _new_password_check(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(EMAIL_REQUIRED), Length(max=254, message=EMAIL_FORMAT)],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _password_field() -> PasswordField:
    return PasswordField(
        "Create a password",
        description="Use 12 characters or more. A few unrelated words together work well.",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter a password"), _new_password_check],
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Save password", widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class PasswordResetRequestForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(EMAIL_REQUIRED),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=254, message=EMAIL_FORMAT),
        ],
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    pass
