"""Officers' forms: a new exercise, and the decision on a review, with GOV.UK error wording."""

from __future__ import annotations

import re
from datetime import date, datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from localoffer.base_form import BaseForm
from localoffer.form_rules import at_most
from localoffer.urls import safe_next

SERVICE_PATH = re.compile(r"^/services/(\d{1,9})(?:/[\w-]*)?$")
COMMENT_MAX = 2000


def parse_month(text: str) -> date | None:
    """2026-11, November 2026 or Nov 2026 as the first day of that month."""
    for pattern in ("%Y-%m", "%B %Y", "%b %Y", "%m %Y", "%m/%Y"):
        try:
            parsed = datetime.strptime(" ".join(text.split()), pattern)
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    return None


class ExerciseForm(BaseForm):
    month = StringField(
        "Month",
        description="For example, November 2026",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the month"), Length(max=30)],
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title"),
            at_most(200, "Title"),
        ],
    )
    case_study = TextAreaField(
        "Case study",
        description="The family the volunteers imagine they are.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the case study"),
            at_most(5000, "Case study"),
        ],
    )
    task = TextAreaField(
        "Task",
        description="What they try to do on the site or with the services.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the task"),
            at_most(5000, "Task"),
        ],
    )
    template_id = SelectField(
        "Questions",
        widget=GovSelect(),
        validators=[DataRequired("Select the questions to ask")],
    )
    targets = TextAreaField(
        "Pages or services to try (optional)",
        description="One address a line, like /services/12 or /young-people.",
        widget=GovTextArea(),
        validators=[at_most(5000, "Pages or services")],
    )
    assignees = SelectMultipleField(
        "Volunteers and Young Inspectors",
        widget=GovCheckboxesInput(),
        validators=[DataRequired("Select at least one person")],
    )
    submit = SubmitField("Create exercise", widget=GovSubmitInput())

    def __init__(self, templates, people, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template_id.choices = [("", "Select the questions")] + [
            (str(t.id), f"{t.title} (version {t.version})") for t in templates
        ]
        self.assignees.choices = [(str(p.id), f"{p.name} ({p.role.label.lower()})") for p in people]

    def validate_month(self, field) -> None:
        if parse_month(field.data or "") is None:
            raise ValidationError("Enter the month as a month and year, like November 2026")

    def target_lines(self) -> list[str]:
        return [line.strip() for line in (self.targets.data or "").splitlines() if line.strip()]

    def validate_targets(self, field) -> None:
        for line in self.target_lines():
            if len(line) > 500 or safe_next(line, "") != line:
                raise ValidationError(
                    f"Enter each page as an address on this site, not {line[:60]}"
                )

    def service_ids(self) -> list[int]:
        return [int(m.group(1)) for line in self.target_lines() if (m := SERVICE_PATH.match(line))]

    def page_paths(self) -> list[str]:
        return [line for line in self.target_lines() if not SERVICE_PATH.match(line)]


class ModerationForm(BaseForm):
    decision = RadioField(
        "Decision",
        choices=[
            ("accept", "Accept: it counts in results, and only the redacted text is ever shown"),
            ("send_back", "Send it back to the author with a comment"),
            ("complaint", "It is an individual complaint: signpost the author to complaints"),
            ("reject", "Reject it: it is abusive or unusable and is never published"),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired("Select a decision")],
    )
    comment = TextAreaField(
        "Comment to the author",
        description="Needed when you send it back: say what to change.",
        widget=GovTextArea(),
        validators=[at_most(COMMENT_MAX, "Comment")],
    )
    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput())
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def __init__(self, themes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = [(str(t.id), t.name) for t in themes]

    def validate_comment(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.decision.data == "send_back" and not field.data:
            raise ValidationError("Enter a comment saying what the author should change")


class ThemeForm(BaseForm):
    name = StringField(
        "Name of the theme",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the name of the theme"),
            at_most(100, "Name"),
        ],
    )
    submit = SubmitField("Add theme", widget=GovSubmitInput())

    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.data.lower()).strip("-")[:60]

    def validate_name(self, field) -> None:
        field.data = " ".join((field.data or "").split())
        if field.data and not self.slug():
            raise ValidationError("Enter a name with letters or numbers in it")


class ConfirmForm(BaseForm):
    """A button-only POST form: CSRF is its only field."""
