"""The page feedback form: yes or no, what went wrong, and a honeypot field for bots."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from localoffer.base_form import BaseForm
from localoffer.form_rules import at_most

PROBLEM_MAX = 1200


class PageFeedbackForm(BaseForm):
    # The path is not checked here, not even for control characters: service.page_of keeps only
    # a served page's path (a path holding them is none) and files the rest as the unknown page,
    # so a family's answer is never refused for the address the page sent with it.
    unchecked_fields = ("path",)
    path = HiddenField()
    helpful = RadioField(
        "Was this page helpful?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],
        validate_choice=True,
    )
    problem = TextAreaField(
        "What went wrong?",
        description=(
            "Do not include personal information, like names or health details. "
            "We cannot reply to this form."
        ),
        widget=GovTextArea(),
        validators=[at_most(PROBLEM_MAX, "What went wrong")],
    )
    # The honeypot: hidden from people, filled in by bots that fill in everything.
    website = StringField("Leave this empty")

    def validate_problem(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data and not self.helpful.data:
            raise ValidationError("Select yes or no, or tell us what went wrong")

    def caught_a_bot(self) -> bool:
        return bool((self.website.data or "").strip())
