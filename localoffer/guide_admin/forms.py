"""Forms for writing guides, with GOV.UK error wording."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from localoffer.base_form import BaseForm
from localoffer.date_fields import DayMonthYearField
from localoffer.form_rules import at_most
from localoffer.models import GuideAudience

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_BODY = 50_000


def _slug_check(form, field) -> None:
    if field.data and not SLUG.match(field.data):
        raise ValidationError(
            "Web address must only include lower-case letters, numbers and hyphens, "
            "like ehc-needs-assessment"
        )


class GuideForm(BaseForm):
    """A guide's words and details; saving always adds a new version."""

    slug = StringField(
        "Web address",
        description="The end of the guide's address: /guides/ followed by this. "
        "It cannot be changed later.",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the web address"),
            at_most(120, "Web address"),
            _slug_check,
        ],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title"),
            at_most(200, "Title"),
        ],
    )
    summary = TextAreaField(
        "Summary",
        description="One or two sentences, shown under the title and in search results.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter a summary"),
            at_most(600, "Summary"),
        ],
    )
    body = TextAreaField(
        "Guide",
        description="Markdown: ## for a heading, - for a list, [words](address) for a link, "
        "| for table columns, and <details><summary>Question</summary> answer </details> "
        "for a question and answer.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the guide"),
            at_most(MAX_BODY, "The guide"),
        ],
    )
    section_id = SelectField("Section", widget=GovSelect(), validate_choice=True)
    audience = RadioField(
        "Written for",
        choices=[(a.value, a.label) for a in GuideAudience],
        widget=GovRadioInput(),
        validators=[DataRequired("Select who the guide is written for")],
    )
    young_people_version_id = SelectField(
        "Young people's version",
        description="A guide written for young people aged 14 to 25 on the same subject. "
        "Each page links to the other.",
        widget=GovSelect(),
        validate_choice=True,
    )
    owner_team = StringField(
        "Owner team",
        description="The team that keeps this guide right.",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the owner team"),
            at_most(200, "Owner team"),
        ],
    )
    review_due_on = DayMonthYearField(
        "Review due", description="For example, 27 3 2027.", validators=[Optional()]
    )
    term_ids = SelectMultipleField(
        "Areas of need and types of help",
        description="Used to suggest services on the guide and to find it in search.",
        widget=GovCheckboxesInput(),
        coerce=str,
    )
    related_service_ids = SelectMultipleField(
        "Related services", widget=GovCheckboxesInput(), coerce=str
    )
    note = StringField(
        "What did you change? (optional)",
        widget=GovTextInput(),
        validators=[at_most(300, "What you changed")],
    )
    based_on = HiddenField()
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def __init__(self, sections, young_people_guides, terms, services, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section_id.choices = [("", "Select a section")] + sections
        self.young_people_version_id.choices = [("", "None")] + young_people_guides
        self.term_ids.choices = terms
        self.related_service_ids.choices = services

    def validate_section_id(self, field) -> None:
        if not field.data:
            raise ValidationError("Select a section")

    def validate_young_people_version_id(self, field) -> None:
        if field.data and self.audience.data == GuideAudience.YOUNG_PEOPLE.value:
            raise ValidationError(
                "A guide for young people cannot have a young people's version. Select None"
            )


class ConfirmForm(BaseForm):
    """A button-only POST form (publish, unpublish, restore, reviewed): CSRF is its only field."""


class CompareForm(BaseForm):
    """Which two versions to compare; sent by GET, so no CSRF."""

    class Meta:
        csrf = False

    old = SelectField("Compare version", widget=GovSelect(), coerce=int, validate_choice=True)
    new = SelectField("with version", widget=GovSelect(), coerce=int, validate_choice=True)
