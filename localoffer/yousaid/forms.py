"""Officers' forms for an item and its response, and the public list's filters."""

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
from localoffer.models import SourceType, WeDidStatus
from localoffer.urls import parse_id, safe_next

SUMMARY_MAX = 2000
ACTION_MAX = 5000


def parse_date(text: str | None) -> date | None:
    """14/3/2026, 14 3 2026, 14 March 2026 or 2026-03-14 as a date; None if it is not one."""
    cleaned = " ".join(re.split(r"[\s/.]+", (text or "").strip()))
    for pattern in ("%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def _date_field(label: str, required: bool) -> StringField:
    validators = [Length(max=30)]
    if required:
        validators.insert(0, DataRequired(f"Enter the {label.lower()}"))
    return StringField(
        label if required else f"{label} (optional)",
        description="For example, 14 3 2026",
        widget=GovTextInput(),
        validators=validators,
    )


def _check_date(field, label: str) -> None:
    if field.data and parse_date(field.data) is None:
        raise ValidationError(f"{label} must be a real date, like 14 3 2026")


def _feedback_label(item) -> str:
    said = {True: "helpful", False: "not helpful", None: "problem"}[item.helpful]
    problem = f": {item.problem[:80]}" if item.problem else ""
    return f"{item.created_at:%d %B %Y}, {said}{problem}"


class YouSaidForm(BaseForm):
    source_type = RadioField(
        "Where did this come from?",
        choices=[(s.value, s.label) for s in SourceType],
        widget=GovRadioInput(),
        validators=[DataRequired("Select where this came from")],
    )
    said_on = _date_field("Date", required=True)
    summary = TextAreaField(
        "What families told us, in plain words",
        description=(
            "This is published. Summarise in your own words: never copy what someone wrote, "
            "and never include names or details of a child."
        ),
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter a summary of what families told us"),
            at_most(SUMMARY_MAX, "Summary"),
        ],
    )
    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput(), validate_choice=False)
    service_id = StringField(
        "Service number (optional)",
        description="The number in the service's address, like 12 in /services/12",
        widget=GovTextInput(),
        validators=[Length(max=9, message="Enter the service number, like 12")],
    )
    page_path = StringField(
        "Page concerned (optional)",
        description="An address on this site, like /guides/ehc-plans",
        widget=GovTextInput(),
        validators=[at_most(500, "Page")],
    )
    # Evidence outside the offered choices is ignored when saving, never linked.
    reviews = SelectMultipleField(
        "Reviews behind it (officers only)", widget=GovCheckboxesInput(), validate_choice=False
    )
    feedback = SelectMultipleField(
        "Page feedback behind it (officers only)",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, themes, reviews, feedback, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = [(str(t.id), t.name) for t in themes]
        self.reviews.choices = [
            (str(r.id), f"Review {r.id} ({r.template.title.lower()})") for r in reviews
        ]
        self.feedback.choices = [(str(f.id), _feedback_label(f)) for f in feedback]

    def validate_said_on(self, field) -> None:
        _check_date(field, "Date")

    def validate_service_id(self, field) -> None:
        field.data = (field.data or "").strip()
        if field.data and parse_id(field.data) is None:
            raise ValidationError("Enter the service number, like 12")

    def validate_page_path(self, field) -> None:
        field.data = (field.data or "").strip()
        if field.data and safe_next(field.data, "") != field.data:
            raise ValidationError("Enter the page as an address on this site, like /guides")


class WeDidForm(BaseForm):
    action = TextAreaField(
        "What we did, or will do",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter what we did or will do"),
            at_most(ACTION_MAX, "This"),
        ],
    )
    team = StringField(
        "Team responsible",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the team responsible"),
            at_most(200, "Team"),
        ],
    )
    status = RadioField(
        "Status",
        choices=[(s.value, s.label) for s in WeDidStatus],
        widget=GovRadioInput(),
        validators=[DataRequired("Select the status")],
    )
    reason = TextAreaField(
        "Why it is not possible",
        description="Needed when the status is not possible. This is published.",
        widget=GovTextArea(),
        validators=[at_most(ACTION_MAX, "Reason")],
    )
    target_on = _date_field("Target date", required=False)
    completed_on = _date_field("Date completed", required=False)
    submit = SubmitField("Save response", widget=GovSubmitInput())

    def validate_reason(self, field) -> None:
        field.data = (field.data or "").strip()
        if self.status.data == WeDidStatus.NOT_POSSIBLE.value and not field.data:
            raise ValidationError("Enter why it is not possible")

    def validate_target_on(self, field) -> None:
        _check_date(field, "Target date")

    def validate_completed_on(self, field) -> None:
        _check_date(field, "Date completed")

    def values(self) -> dict:
        return {
            "action": self.action.data.strip(),
            "team": self.team.data.strip(),
            "status": self.status.data,
            "reason": self.reason.data or None,
            "target_on": parse_date(self.target_on.data),
            "completed_on": parse_date(self.completed_on.data),
        }


class PublicFilterForm(BaseForm):
    """The public list's filters, read from the query string."""

    class Meta:
        csrf = False

    year = SelectField("Year", widget=GovSelect(), validate_choice=False)
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False)
    status = SelectField("Status", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, years, themes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [("", "Any year")] + [(str(y), str(y)) for y in years]
        self.theme.choices = [("", "Any theme")] + [(t.slug, t.name) for t in themes]
        self.status.choices = [("", "Any status")] + [(s.value, s.label) for s in WeDidStatus]
        for field, message in (
            (self.year, "Select a year from the list"),
            (self.theme, "Select a theme from the list"),
            (self.status, "Select a status from the list"),
        ):
            field.gov_error = message

    def validate_year(self, field) -> None:
        text = field.data or ""
        # isascii: str.isdigit alone takes "²", which int() refuses.
        if text and not (
            text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100
        ):
            raise ValidationError(field.gov_error)
        if text and (text, text) not in field.choices:
            field.choices.append((text, text))

    def validate_theme(self, field) -> None:
        self._in_choices(field)

    def validate_status(self, field) -> None:
        self._in_choices(field)

    @staticmethod
    def _in_choices(field) -> None:
        if (field.data or "") not in {value for value, _ in field.choices}:
            raise ValidationError(field.gov_error)
