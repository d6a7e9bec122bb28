"""Choosing a report's period, and its narrative (one Markdown field per theme and heading)."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from localoffer.base_form import BaseForm
from localoffer.form_rules import at_most
from localoffer.reports.periods import LONGEST_DAYS, academic_year, academic_year_of, dates_period
from localoffer.reports.service import HEADINGS, THEMES
from localoffer.yousaid.forms import parse_date

NARRATIVE_MAX = 5000


class PeriodForm(BaseForm):
    academic_year = SelectField("Academic year (September to August)", widget=GovSelect())
    starts_on = StringField(
        "Or from (optional)",
        description="For example, 1 4 2025",
        widget=GovTextInput(),
        validators=[Length(max=30)],
    )
    ends_on = StringField(
        "To (optional)",
        description="For example, 31 3 2026",
        widget=GovTextInput(),
        validators=[Length(max=30)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, today: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = academic_year_of(today or date.today())
        first = current.starts_on.year
        self.academic_year.choices = [
            (p.label, p.title) for p in (academic_year(y) for y in range(first, first - 6, -1))
        ]
        if not self.academic_year.data:
            self.academic_year.data = current.label

    def validate_starts_on(self, field) -> None:
        if field.data and parse_date(field.data) is None:
            raise ValidationError("The start date must be a real date, like 1 4 2025")
        if bool(field.data) != bool(self.ends_on.data):
            raise ValidationError("Enter both dates, or neither to use the academic year")

    def validate_ends_on(self, field) -> None:
        if not field.data:
            return
        ends_on = parse_date(field.data)
        if ends_on is None:
            raise ValidationError("The end date must be a real date, like 31 3 2026")
        starts_on = parse_date(self.starts_on.data)
        if starts_on is not None and ends_on < starts_on:
            raise ValidationError("The end date must be after the start date")
        if starts_on is not None and (ends_on - starts_on).days > LONGEST_DAYS:
            raise ValidationError("A report can cover three years at most")

    def period(self):
        if self.starts_on.data:
            return dates_period(parse_date(self.starts_on.data), parse_date(self.ends_on.data))
        return next(
            academic_year(int(label[:4]))
            for label, _ in self.academic_year.choices
            if label == self.academic_year.data
        )


def field_name(theme: str, heading: str) -> str:
    return f"{theme}__{heading}"


def narrative_form_class() -> type[BaseForm]:
    """A form with one text area per theme and heading."""

    class NarrativeForm(BaseForm):
        submit = SubmitField("Save narrative", widget=GovSubmitInput())

        def narrative(self) -> dict:
            return {
                theme: {
                    heading: (getattr(self, field_name(theme, heading)).data or "").strip()
                    for heading, _ in HEADINGS
                }
                for theme, _ in THEMES
            }

    for theme, _ in THEMES:
        for heading, label in HEADINGS:
            setattr(
                NarrativeForm,
                field_name(theme, heading),
                TextAreaField(
                    label,
                    widget=GovTextArea(),
                    validators=[at_most(NARRATIVE_MAX, f"{label}")],
                ),
            )
    return NarrativeForm


NarrativeForm = narrative_form_class()


def narrative_data(narrative: dict) -> dict:
    return {
        field_name(theme, heading): narrative.get(theme, {}).get(heading, "")
        for theme, _ in THEMES
        for heading, _ in HEADINGS
    }


class SearchWordsDecisionForm(BaseForm):
    """Approve or hide one phrase families searched for (the report builder's review list)."""

    phrase = StringField(validators=[Length(min=1, max=200)])
    decision = SelectField(choices=[("approve", "Approve"), ("hide", "Hide")])

    @property
    def approved(self) -> bool:
        return self.decision.data == "approve"
