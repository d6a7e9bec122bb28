"""The directory's query-string arguments, validated as a WTForms form (GET, so no CSRF)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length as LengthValidator
from wtforms.validators import NumberRange, Optional, ValidationError

from localoffer.base_form import BaseForm
from localoffer.directory.service import COST_VALUES, MAX_AGE, DirectoryFilters
from localoffer.directory.vocabulary import FILTER_TAXONOMIES, Vocabulary
from localoffer.search.geocoding import normalise_postcode

AGE_PATTERN = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$")
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(?: \d[A-Z]{2})?$")
SORT_CHOICES = [
    ("relevance", "Best match"),
    ("distance", "Nearest first"),
    ("name", "Name (A to Z)"),
]
WITHIN_CHOICES = (1, 2, 3, 5, 10, 20)
# The checkbox groups of the filters, in the order the page shows them, with their legends.
FACET_LEGENDS = (
    ("category", "Type of help"),
    ("need", "Area of need"),
    ("level", "Support level"),
    ("access", "How to get it"),
    ("cost", "Cost"),
)
# The arguments set in the filters (everything but the search words, the sort and the page).
FILTER_ARGUMENTS = ("age", "postcode", "within", *FILTER_TAXONOMIES, "cost")


@dataclass(frozen=True)
class SelectedFilter:
    """One filter in force, as the page shows it: "Area of need: Autism", and the arguments
    (``kept_arguments`` without it) for the link that removes it."""

    group: str
    label: str
    remaining: dict[str, list[str] | str]


def parse_age(raw: str) -> tuple[int, int] | None:
    """``"7"`` -> (7, 7); ``"5-10"`` -> (5, 10); None when the text is not an age or range."""
    match = AGE_PATTERN.match(raw or "")
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > high or high > MAX_AGE:
        return None
    return low, high


class _MultiChoice(SelectMultipleField):
    """A multi-value argument whose unknown values are reported, not raised."""

    def pre_validate(self, form) -> None:
        known = {value for value, _ in self.choices or []}
        unknown = [v for v in self.data or [] if v not in known]
        if unknown:
            raise ValidationError(
                f"We do not recognise the {self.label.text.lower()} "
                + ", ".join(f"‘{v[:40]}’" for v in unknown)
                + ". Choose from the list."
            )


class DirectoryArgumentsForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search",
        validators=[
            Optional(),
            LengthValidator(max=200, message="Search words must be 200 characters or fewer"),
        ],
    )
    # "1": search the words as typed, without correcting them ("Search instead for ...").
    exact = StringField("Exact words")
    category = _MultiChoice("Category")
    need = _MultiChoice("Area of need")
    level = _MultiChoice("Support level")
    access = _MultiChoice("How to get it")
    cost = _MultiChoice("Cost", choices=list(COST_VALUES.items()))
    age = StringField("Age")
    postcode = StringField("Postcode", validators=[Optional(), LengthValidator(max=10)])
    within = IntegerField(
        "Within (miles)",
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message="Enter a distance from 1 to 100 miles"),
        ],
    )
    sort = SelectField("Sort by", choices=SORT_CHOICES, validators=[Optional()])
    page = IntegerField(
        "Page",
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message="Enter a page number of 1 or more"),
        ],
    )

    def __init__(self, vocabularies: dict[str, Vocabulary], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for slug in FILTER_TAXONOMIES:
            getattr(self, slug).choices = [(t.slug, t.name) for t in vocabularies[slug].ordered()]

    def validate_exact(self, field: StringField) -> None:
        if field.data not in (None, "", "1"):
            raise ValidationError("Leave out ‘exact’, or set it to 1 to search the exact words")

    def validate_age(self, field: StringField) -> None:
        if field.data and parse_age(field.data) is None:
            raise ValidationError(f"Enter an age from 0 to {MAX_AGE}, like 7, or a range like 5-10")

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not POSTCODE_PATTERN.match(normalise_postcode(field.data)):
            raise ValidationError(
                "Enter a real postcode, like PO4 8LD, or the first part, like PO4"
            )

    def filters(self) -> DirectoryFilters:
        """The filters from every argument that passed validation; invalid ones are dropped."""
        terms = {}
        for slug in FILTER_TAXONOMIES:
            field = getattr(self, slug)
            terms[slug] = () if field.errors else tuple(dict.fromkeys(field.data or []))
        return DirectoryFilters(
            q="" if self.q.errors else (self.q.data or "").strip(),
            terms=terms,
            cost=() if self.cost.errors else tuple(dict.fromkeys(self.cost.data or [])),
            age=None if self.age.errors else parse_age(self.age.data or ""),
            exact=self.exact.data == "1",
        )

    def kept_arguments(self) -> dict[str, list[str] | str]:
        """The valid arguments, for links that change one thing (such as the page)."""
        kept: dict[str, list[str] | str] = {}
        for name in ("q", "exact", "age", "postcode", "within", "sort"):
            field = getattr(self, name)
            raw = field.raw_data[0] if field.raw_data else ""
            if raw and not field.errors:
                kept[name] = raw
        for name in (*FILTER_TAXONOMIES, "cost"):
            field = getattr(self, name)
            if field.data and not field.errors:
                kept[name] = list(dict.fromkeys(field.data))
        return kept

    def search_arguments(self) -> dict[str, list[str] | str]:
        """What a new search from the results page keeps: every valid argument but the words,
        and ``exact`` (new words may be corrected again; the page is never kept)."""
        return {
            name: value
            for name, value in self.kept_arguments().items()
            if name not in ("q", "exact")
        }

    def has_filter_errors(self) -> bool:
        """True when an argument set in the filters was refused, so the filters must be shown."""
        return any(getattr(self, name).errors for name in FILTER_ARGUMENTS)

    def selected_filters(self) -> list[SelectedFilter]:
        """The filters in force, one per removable tag, in the order of the form.

        A distance counts only with a postcode (without one it changes nothing), and removing
        the postcode removes the distance too.
        """
        kept = self.kept_arguments()
        selected: list[SelectedFilter] = []

        def without(name: str, value: str | None = None) -> dict[str, list[str] | str]:
            remaining = dict(kept)
            if value is None:
                remaining.pop(name, None)
            else:
                remaining[name] = [v for v in remaining[name] if v != value]
            return remaining

        if "age" in kept:
            low, high = parse_age(kept["age"])
            label = f"{low} years" if low == high else f"{low} to {high} years"
            selected.append(SelectedFilter("Age", label, without("age")))
        if "postcode" in kept:
            remaining = without("postcode")
            remaining.pop("within", None)
            postcode = normalise_postcode(kept["postcode"])
            selected.append(SelectedFilter("Postcode", postcode, remaining))
            if "within" in kept:
                miles = self.within.data
                label = f"Within {miles} {'mile' if miles == 1 else 'miles'}"
                selected.append(SelectedFilter("Distance", label, without("within")))
        for name, legend in FACET_LEGENDS:
            names = dict(getattr(self, name).choices or [])
            for value in kept.get(name, []):
                selected.append(SelectedFilter(legend, names[value], without(name, value)))
        return selected

    def postcode_value(self) -> str | None:
        if self.postcode.errors or not self.postcode.data:
            return None
        return normalise_postcode(self.postcode.data)

    def page_number(self) -> int:
        return 1 if self.page.errors or not self.page.data else self.page.data

    def error_list(self) -> list[dict]:
        """Errors in the shape the GOV.UK error summary wants, read fresh from each field."""
        return [
            {"text": message, "href": f"#{field.id}"} for field in self for message in field.errors
        ]
