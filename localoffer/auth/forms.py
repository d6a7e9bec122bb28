"""Account forms, with GOV.UK error wording."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import FieldList, FormField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from localoffer.auth.passwords import password_problem
from localoffer.base_form import BaseForm
from localoffer.form_rules import at_most

EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def error_list(form: BaseForm) -> list[dict]:
    """The form's errors for the GOV.UK error summary, each linking to its field.

    Repeated groups (a FieldList of FormFields, such as opening times) are walked, so each
    row's errors link to the row's own field.
    """
    items: list[dict] = []

    def walk(field) -> None:
        if isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        elif isinstance(field, FormField):
            for subfield in field.form:
                walk(subfield)
        elif field.errors:
            items.append({"text": field.errors[0], "href": f"#{field.id}"})

    for field in form:
        walk(field)
    return items


def _new_password_check(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignInForm(BaseForm):
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


class NewPasswordForm(BaseForm):
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Save password", widget=GovSubmitInput())


class AcceptInvitationForm(BaseForm):
    name = StringField(
        "Your name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your name"),
            at_most(200, "Name"),
        ],
    )
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class PasswordResetRequestForm(BaseForm):
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


class SignOutForm(BaseForm):
    pass
