"""Forms for managing accounts, with GOV.UK error wording."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from localoffer.auth.forms import EMAIL_FORMAT
from localoffer.base_form import BaseForm
from localoffer.models import Role


class _RoleFields:
    def _set_choices(self, roles, organisations: list[tuple[str, str]]) -> None:
        self.role.choices = [("", "Select a role")] + [(r.value, r.label) for r in roles]
        self.organization_id.choices = [("", "Select an organisation")] + organisations

    def validate_organization_id(self, field) -> None:
        if self.role.data == Role.PROVIDER.value and not field.data:
            raise ValidationError("Select the organisation the provider works for")


def _role_field() -> SelectField:
    return SelectField("Role", widget=GovSelect(), validators=[DataRequired("Select a role")])


def _organisation_field() -> SelectField:
    return SelectField(
        "Organisation",
        description="Only for providers: the organisation whose listings they look after.",
        widget=GovSelect(),
        validate_choice=True,
    )


class InviteForm(_RoleFields, BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter an email address"),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=254, message=EMAIL_FORMAT),
        ],
    )
    role = _role_field()
    organization_id = _organisation_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, roles, organisations, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(roles, organisations)


class RoleForm(_RoleFields, BaseForm):
    role = _role_field()
    organization_id = _organisation_field()
    submit = SubmitField("Change role", widget=GovSubmitInput())

    def __init__(self, organisations, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(tuple(Role), organisations)


class ConfirmForm(BaseForm):
    """A button-only POST form (deactivate, reactivate): CSRF is its only field."""
