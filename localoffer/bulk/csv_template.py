"""The CSV template for importing and exporting services: its columns, in order, and their rules.

``docs/csv-template.md`` documents the same columns for officers; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from localoffer.models import SendQuestion
from localoffer.seeding.loader import TAXONOMY_KEYS


@dataclass(frozen=True)
class Column:
    name: str
    example: str = ""
    required: bool = False


# Columns that only make sense together: a file has all of a group's columns or none of them.
GROUPS: dict[str, tuple[str, ...]] = {
    "ages": ("min_age", "max_age", "age_description"),
    "cost": ("cost", "cost_amount", "cost_unit", "cost_description"),
    "contact": ("contact_name", "phone"),
    "location": ("location_name", "address", "town", "postcode", "mask_address"),
}

# Column name -> the vocabulary (taxonomy slug) its term slugs come from.
TAXONOMY_COLUMNS: dict[str, str] = dict(TAXONOMY_KEYS)

# Column name -> the SEND question it answers.
SEND_COLUMNS: dict[str, SendQuestion] = {
    "send_staff_training": SendQuestion.STAFF_TRAINING,
    "send_involvement": SendQuestion.INVOLVEMENT,
    "send_accessibility": SendQuestion.ACCESSIBILITY,
    "send_transitions": SendQuestion.TRANSITIONS,
    "send_contact": SendQuestion.SEND_CONTACT,
}

COLUMNS: tuple[Column, ...] = (
    Column("slug", "portage-home-visiting-example"),
    Column("version"),
    Column("name", "Portage home visiting (example)", required=True),
    Column("alternate_name", "Portage"),
    Column("organisation", "edu-portsmouth-portage", required=True),
    Column(
        "description",
        "Home visits for young children with special educational needs.\n\n"
        "A Portage worker visits **every two weeks**.",
        required=True,
    ),
    Column("how_to_access", "Ask your health visitor or GP to refer you."),
    Column("website", "https://portage.example.org/home-visiting"),
    Column("email", "portage@portsmouth.example.org"),
    Column("contact_name", "Portage team"),
    Column("phone", "01632 960124"),
    Column("status", "active"),
    Column("information_incomplete", "no"),
    Column("diagnosis_needed", "no"),
    Column("ehc_plan_needed", "no"),
    Column("sen_information_report_url"),
    Column("visible_from"),
    Column("visible_to"),
    Column("min_age", "0"),
    Column("max_age", "5"),
    Column("age_description", "Children from birth until they start school."),
    Column("cost", "free"),
    Column("cost_amount"),
    Column("cost_unit"),
    Column("cost_description", "Free"),
    Column("categories", "early-years; education"),
    Column("needs", "communication-and-interaction; autism"),
    Column("levels", "specialist"),
    Column("access", "professional-referral"),
    Column("who_can_refer", "self; gp; health-professional"),
    Column("circumstances"),
    Column("pfa_themes"),
    Column("languages", "English; British Sign Language"),
    Column("service_areas", "Portsmouth"),
    Column("location_name", "Cosham Children's Centre"),
    Column("address", "1 Example Road"),
    Column("town", "Portsmouth"),
    Column("postcode", "PO6 3XX"),
    Column("mask_address", "no"),
    Column("send_staff_training", "All Portage workers are trained in early years SEND."),
    Column("send_involvement", "Parents set the goals with the Portage worker."),
    Column("send_accessibility", "Visits happen at home."),
    Column("send_transitions", "We meet the nursery or school before your child starts."),
    Column("send_contact", "The Portage team leader, on 01632 960124."),
)

# What the export adds after the template's columns. An import accepts and ignores them, so an
# exported file can be changed and imported again as it is.
READ_ONLY_COLUMNS: tuple[str, ...] = (
    "listing",
    "last_reviewed_on",
    "review_due_on",
    "page_address",
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
EXPORT_COLUMNS: tuple[str, ...] = COLUMN_NAMES + READ_ONLY_COLUMNS


def example_row() -> dict[str, str]:
    """The template's example service, one value per column."""
    return {column.name: column.example for column in COLUMNS}
