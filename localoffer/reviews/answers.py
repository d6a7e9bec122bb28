"""Reading a review form: raw answers kept exactly as typed, and checking them for submission."""

from __future__ import annotations

from dataclasses import dataclass, field

from localoffer.control_characters import (
    control_character_message,
    has_control_characters,
    without_control_characters,
)
from localoffer.reviews.questions import DONT_KNOW, Question

# A draft keeps what was typed even when it is too long to submit, up to this many characters.
DRAFT_TEXT_CAP = 20_000


def field_name(question: Question) -> str:
    return f"answer-{question.key}"


def read_raw(questions: tuple[Question, ...], formdata) -> dict:
    """What the person typed or chose, per question key (choices not offered are dropped)."""
    raw: dict = {}
    for question in questions:
        name = field_name(question)
        if question.type == "multiple":
            offered = {value for value, _ in question.choices}
            chosen = [v for v in formdata.getlist(name) if v in offered]
            if chosen:
                raw[question.key] = list(dict.fromkeys(chosen))
            continue
        value = (formdata.get(name) or "").strip()[:DRAFT_TEXT_CAP]
        if question.options and value not in {v for v, _ in question.choices}:
            continue
        if value:
            raw[question.key] = value
    return raw


def control_character_errors(questions: tuple[Question, ...], raw: dict) -> dict[str, str]:
    """An error for each answer holding hidden control characters, which are never saved, not
    even in a draft."""
    errors = {}
    for question in questions:
        values = raw.get(question.key)
        values = values if isinstance(values, list) else [values]
        if any(isinstance(v, str) and has_control_characters(v) for v in values):
            errors[question.key] = control_character_message(f"‘{question.label}’")
    return errors


def without_hidden_characters(raw: dict) -> dict:
    """``raw`` with hidden control characters taken out of every answer."""
    return {
        key: [without_control_characters(v) for v in value]
        if isinstance(value, list)
        else without_control_characters(value)
        for key, value in raw.items()
    }


def raw_from_stored(stored: dict) -> dict:
    """Stored answers back into what the form shows (numbers and scale points as text)."""
    return {key: value if isinstance(value, list) else str(value) for key, value in stored.items()}


@dataclass
class Checked:
    answers: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _missing(question: Question) -> str:
    verb = "Select" if question.options else "Enter"
    return f"{verb} an answer for ‘{question.label}’"


def check_for_submission(questions: tuple[Question, ...], raw: dict) -> Checked:
    """Typed answers for a complete review, or an error per question that needs fixing.

    Questions whose condition is not met are left out of the answers.
    """
    result = Checked()
    for question in questions:
        if not question.shown_for(raw):
            continue
        value = raw.get(question.key)
        if value in (None, "", []):
            if question.required:
                result.errors[question.key] = _missing(question)
            continue
        error, typed = _typed(question, value)
        if error:
            result.errors[question.key] = error
        else:
            result.answers[question.key] = typed
    return result


def _typed(question: Question, value) -> tuple[str | None, object]:
    if question.type == "scale":
        return None, DONT_KNOW if value == DONT_KNOW else int(value)
    if question.type == "number":
        try:
            number = int(value.replace(",", ""))
        except ValueError:
            return f"‘{question.label}’ must be a whole number, like 5", None
        if not question.minimum <= number <= question.maximum:
            return (
                f"‘{question.label}’ must be between {question.minimum} and {question.maximum}",
                None,
            )
        return None, number
    if question.is_text and len(value) > question.max_length:
        return f"‘{question.label}’ must be {question.max_length:,} characters or fewer", None
    return None, value
