"""The base of every form on the site: no value holding hidden control characters gets through.

Every field of the form, including the rows of repeated groups, is checked against the rule in
``localoffer.control_characters`` before anything else. A field that breaks it gets
"<label> must not contain hidden control characters", and then no other check runs at all, so
no validator (some query the database) ever sees such a value; the form shows again with what
was typed, and the other fields' own errors follow once those characters are gone.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField

from localoffer.control_characters import control_character_message, has_control_characters


class BaseForm(FlaskForm):
    """``FlaskForm`` with the control character check; every form on the site derives from it."""

    # Fields whose value is checked by the code that uses it instead (say why where it is set).
    unchecked_fields: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        if refuse_control_characters(self):
            return False
        return super().validate(extra_validators)


def refuse_control_characters(form) -> bool:
    """Give each field whose submitted text breaks the rule its error; whether any did."""
    refused = False
    unchecked = getattr(form, "unchecked_fields", ())
    for field in _leaf_fields(form):
        if field.name in unchecked:
            continue
        typed = [value for value in field.raw_data or () if isinstance(value, str)]
        if any(has_control_characters(value) for value in typed):
            field.errors = [control_character_message(field_label(field))]
            refused = True
    return refused


def field_label(field: Field) -> str:
    """How an error names the field: its label without "(optional)" or a question mark."""
    text = str(field.label.text).strip().removesuffix("(optional)").strip().rstrip("?:.").strip()
    return text or field.name.replace("_", " ").capitalize()


def _leaf_fields(form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _leaf_fields([entry])
        elif isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        else:
            yield field
