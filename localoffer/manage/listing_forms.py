"""Forms for listings: services, organisations and locations, with GOV.UK error wording.

The service form's field names are the keys of ``listings.listing_values``, so a valid form's
``values()`` can be applied to a service, stored as a provider's proposal, or compared.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from localoffer.base_form import BaseForm
from localoffer.date_fields import DayMonthYearField
from localoffer.directory.forms import POSTCODE_PATTERN
from localoffer.form_rules import at_most
from localoffer.manage.listings import (
    COST_CHOICES,
    DIAGNOSIS_CHOICES,
    SEND_FIELDS,
    taxonomies,
    taxonomy_field,
)
from localoffer.models import SendQuestion
from localoffer.search.geocoding import normalise_postcode

MARKDOWN_HINT = (
    "You can use a blank line between paragraphs, * at the start of a line for a list, "
    "**bold** and [link text](https://example.org)."
)
WEB_ADDRESS = "Enter a web address starting with https:// or http://"
DATE_FORMAT = "Enter a real date, like 27 3 2027"
EMAIL_ADDRESS = "Enter an email address in the correct format, like name@example.org"


def _url_field(label: str, description: str = "") -> StringField:
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[Optional(), URL(require_tld=True, message=WEB_ADDRESS), Length(max=500)],
        filters=[lambda v: v.strip() if v else v],
    )


def _email_field() -> StringField:
    return StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Email(EMAIL_ADDRESS, check_deliverability=False),
            Length(max=254, message=EMAIL_ADDRESS),
        ],
    )


def _age_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(0, 25 if "Youngest" in label else 120, "Enter an age from 0 to 25"),
        ],
    )


DAY_CHOICES = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
TIME_FORMAT = "Enter a time like 9:30am or 17:00"


def parse_clock(text: str) -> time:
    """'9', '9:30', '09.30', '9am', '5:30pm', '17:00' -> a time; ValueError otherwise."""
    match = CLOCK.match((text or "").strip().lower().replace(" ", ""))
    if not match:
        raise ValueError(TIME_FORMAT)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(TIME_FORMAT)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(TIME_FORMAT)
    return time(hour, minute)


class ScheduleRowForm(Form):
    """One line of regular opening times: the days, from, until, and a note."""

    days = SelectMultipleField("Days", choices=DAY_CHOICES, widget=GovCheckboxesInput())
    opens_at = StringField(
        "Opens", description="For example, 9am", widget=GovTextInput(), validators=[Length(max=10)]
    )
    closes_at = StringField(
        "Closes", description="For example, 5pm", widget=GovTextInput(), validators=[Length(max=10)]
    )
    description = StringField(
        "Note (optional)",
        description="For example, term time only",
        widget=GovTextInput(),
        validators=[Length(max=200)],
    )

    def is_blank(self) -> bool:
        return not (self.days.data or self.opens_at.data or self.closes_at.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_blank():
            return valid
        if not self.days.data:
            self.days.errors = [*self.days.errors, "Choose the days it is open"]
            valid = False
        times = {}
        for field in (self.opens_at, self.closes_at):
            try:
                times[field.short_name] = parse_clock(field.data)
            except ValueError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
        if len(times) == 2 and times["opens_at"] >= times["closes_at"]:
            self.closes_at.errors = [*self.closes_at.errors, "Closing time must be after opening"]
            valid = False
        return valid

    def value(self) -> dict[str, str]:
        order = [code for code, _ in DAY_CHOICES]
        return {
            "byday": ",".join(sorted(self.days.data, key=order.index)),
            "opens_at": parse_clock(self.opens_at.data).strftime("%H:%M"),
            "closes_at": parse_clock(self.closes_at.data).strftime("%H:%M"),
            "description": (self.description.data or "").strip(),
        }


class ServiceForm(BaseForm):
    """A service listing. Taxonomy checkboxes are added per vocabulary by ``service_form``."""

    version = HiddenField()
    organization_id = SelectField(
        "Organisation", widget=GovSelect(), validators=[DataRequired("Select the organisation")]
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the name of the service"),
            at_most(200, "Name"),
        ],
    )
    alternate_name = StringField(
        "Other name (optional)",
        description="Another name families may know it by, or an acronym.",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    description = TextAreaField(
        "Description",
        description="What the service does and who it is for. " + MARKDOWN_HINT,
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter a description"),
            at_most(10000, "Description"),
        ],
    )
    how_to_access = TextAreaField(
        "How to get it (optional)",
        description="Who can refer, and what happens next. " + MARKDOWN_HINT,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    url = _url_field("Website (optional)")
    email = _email_field()
    contact_name = StringField(
        "Contact name or team (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    phone = StringField(
        "Phone number (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            at_most(40, "Phone number"),
        ],
    )
    min_age = _age_field("Youngest age (optional)")
    max_age = _age_field("Oldest age (optional)")
    age_description = StringField(
        "Who it is for, in words (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500)],
    )
    cost = RadioField(
        "Does it cost anything?",
        choices=list(COST_CHOICES.items()),
        widget=GovRadioInput(),
        default="",
        validators=[Optional()],
    )
    cost_description = StringField(
        "What it costs (optional)",
        description="For example, £5 a session. Say if funding can help.",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500)],
    )
    location_ids = SelectMultipleField(
        "Where it runs",
        description="Leave all unticked for services delivered at home or online.",
        widget=GovCheckboxesInput(),
        coerce=int,
    )
    schedules = FieldList(FormField(ScheduleRowForm), min_entries=3, max_entries=14)
    service_areas = StringField(
        "Areas served (optional)",
        description="Separate places with a semicolon, for example: Portsmouth; Havant",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500)],
    )
    languages = StringField(
        "Languages spoken (optional)",
        description="Separate languages with a semicolon, for example: English; Polish",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500)],
    )
    diagnosis_needed = RadioField(
        "Is a diagnosis needed?",
        choices=list(DIAGNOSIS_CHOICES.items()),
        widget=GovRadioInput(),
        default="",
        validators=[Optional()],
    )
    ehc_plan_needed = BooleanField("An EHC plan is needed", widget=GovCheckboxInput())
    information_incomplete = BooleanField(
        "Mark as information incomplete",
        description="Families see that the details are still being checked.",
        widget=GovCheckboxInput(),
    )
    sen_information_report_url = _url_field(
        "SEN Information Report (optional)",
        "For schools and colleges: the web address of their published report.",
    )
    visible_from = DayMonthYearField(
        "Show from (optional)", DATE_FORMAT, description="For example, 1 9 2027"
    )
    visible_to = DayMonthYearField("Show until (optional)", DATE_FORMAT)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_max_age(self, field) -> None:
        if (
            field.data is not None
            and self.min_age.data is not None
            and self.min_age.data > field.data
        ):
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def validate_visible_to(self, field) -> None:
        if field.data and self.visible_from.data and self.visible_from.data > field.data:
            raise ValidationError("‘Show until’ must be the same as or after ‘Show from’")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is blank, so this one lives here.
        if self.cost.data == "paid" and not (self.cost_description.data or "").strip():
            self.cost_description.errors = [*self.cost_description.errors, "Say what it costs"]
            valid = False
        return valid

    def taxonomy_fields(self) -> list:
        return [field for field in self if field.name.startswith("terms_")]

    def send_fields(self) -> list:
        return [getattr(self, name) for name in SEND_FIELDS]

    def values(self) -> dict[str, Any]:
        """The submitted listing, shaped like ``listings.listing_values``."""
        values: dict[str, Any] = {}
        for field in self:
            if field.name in ("csrf_token", "version", "submit"):
                continue
            data = field.data
            if field.name == "organization_id":
                data = int(data)
            elif field.name in ("visible_from", "visible_to"):
                data = data.isoformat() if data else ""
            elif field.name == "schedules":
                data = [row.form.value() for row in field.entries if not row.form.is_blank()]
            elif field.name == "location_ids" or field.name.startswith("terms_"):
                data = sorted(data or [])
            elif isinstance(data, str):
                data = data.strip()
            values[field.name] = data
        return values


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Listing values as WTForms wants them for display (dates as dates, ids as text)."""
    data = dict(values)
    data["organization_id"] = str(values.get("organization_id") or "")
    for name in ("visible_from", "visible_to"):
        data[name] = date.fromisoformat(values[name]) if values.get(name) else None
    rows = [
        {
            "days": row["byday"].split(","),
            "opens_at": row["opens_at"],
            "closes_at": row["closes_at"],
            "description": row.get("description", ""),
        }
        for row in values.get("schedules") or []
    ]
    # Two spare rows for new opening times (and at least three in all).
    data["schedules"] = rows + [{}] * max(2, 3 - len(rows))
    return data


def service_form(organisations, locations, **kwargs) -> ServiceForm:
    """A service form with a checkbox group for each vocabulary and a box per SEND question."""

    class Form(ServiceForm):
        pass

    for question in SendQuestion:
        setattr(
            Form,
            f"send_{question.value}",
            TextAreaField(
                f"{question.question} (optional)",
                widget=GovTextArea(),
                validators=[Optional(), Length(max=5000)],
            ),
        )
    for taxonomy in taxonomies():
        choices = [(term.slug, _term_label(term)) for term in _ordered_terms(taxonomy)]
        setattr(
            Form,
            taxonomy_field(taxonomy.slug),
            SelectMultipleField(taxonomy.name, choices=choices, widget=GovCheckboxesInput()),
        )
    form = Form(**kwargs)
    form.organization_id.choices = [("", "Select an organisation")] + organisations
    form.location_ids.choices = locations
    return form


def _ordered_terms(taxonomy) -> list:
    ordered = []
    for term in taxonomy.terms:
        if term.parent_id is None:
            ordered.append(term)
            ordered.extend(term.children)
    return ordered


def _term_label(term) -> str:
    return f"{term.name} ({term.parent.name})" if term.parent else term.name


class OrganizationForm(BaseForm):
    version = HiddenField()
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the organisation’s name"), Length(max=200)],
    )
    description = TextAreaField(
        "Description (optional)",
        description=MARKDOWN_HINT,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    website = _url_field("Website (optional)")
    email = _email_field()
    phone = StringField(
        "Phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=40)]
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class LocationForm(BaseForm):
    version = HiddenField()
    name = StringField(
        "Name of the place",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the name of the place"), Length(max=200)],
    )
    address_1 = StringField(
        "Address line", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    city = StringField(
        "Town or city",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the town or city"), Length(max=100)],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the postcode")],
        filters=[lambda v: normalise_postcode(v) if v else v],
    )
    mask_address = BooleanField(
        "Show the town only",
        description="For home-based providers such as childminders: families see the town and "
        "the first half of the postcode, never the street address.",
        widget=GovCheckboxInput(),
    )
    description = TextAreaField(
        "How to find it (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    accessibility = TextAreaField(
        "Accessibility (optional)",
        description="One feature a line, for example: Step-free entrance.",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_postcode(self, field) -> None:
        if not POSTCODE_PATTERN.match(field.data or "") or " " not in (field.data or ""):
            raise ValidationError("Enter a full UK postcode, like PO4 8LD")


class ReasonForm(BaseForm):
    """Rejecting a proposal: the reason is emailed to the provider."""

    reason = TextAreaField(
        "Why are you rejecting it?",
        description="The provider will see this in the email we send them.",
        widget=GovTextArea(),
        validators=[DataRequired("Say why you are rejecting the change"), Length(max=2000)],
    )
    submit = SubmitField("Reject change", widget=GovSubmitInput())


class ProposalNoteForm(BaseForm):
    """A provider's note with a closure proposal."""

    note = TextAreaField(
        "Why is it closing, and from when?",
        widget=GovTextArea(),
        validators=[DataRequired("Say why the service is closing"), Length(max=2000)],
    )
    submit = SubmitField("Send to the council", widget=GovSubmitInput())
