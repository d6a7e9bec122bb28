"""What the review form templates need for each question: its field, value, error and wording."""

from __future__ import annotations

from dataclasses import dataclass

from localoffer.reviews.answers import field_name
from localoffer.reviews.questions import Question

SMILEYS = ("😞", "🙁", "😐", "🙂", "😀")


@dataclass
class QuestionView:
    question: Question
    name: str
    value: str | list | None
    error: str | None
    condition: str

    @property
    def smileys(self) -> bool:
        return self.question.style == "smiley"

    @property
    def display(self) -> str:
        """The answer as the person chose it, in words."""
        if self.value in (None, "", []):
            return "Not answered"
        values = self.value if isinstance(self.value, list) else [self.value]
        words = [self.question.label_for(v) if self.question.options else str(v) for v in values]
        return ", ".join(words)


def _condition_text(question: Question, by_key: dict[str, Question]) -> str:
    if question.show_if is None:
        return ""
    other = by_key[question.show_if[0]]
    labels = [f"‘{other.label_for(v)}’" for v in question.show_if[1]]
    said = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    return f"Only answer this if you answered {said} to ‘{other.label}’."


def question_views(questions: tuple[Question, ...], raw: dict, errors: dict) -> list[QuestionView]:
    by_key = {q.key: q for q in questions}
    return [
        QuestionView(
            question=q,
            name=field_name(q),
            value=raw.get(q.key),
            error=errors.get(q.key),
            condition=_condition_text(q, by_key),
        )
        for q in questions
    ]


def error_summary(questions: tuple[Question, ...], errors: dict) -> list[dict]:
    """The GOV.UK error summary, in question order, each linking to its first input."""
    summary = [{"text": errors["_template"], "href": "#questions"}] if "_template" in errors else []
    if "_service" in errors:
        summary.append({"text": errors["_service"], "href": "#service_id"})
    summary += [
        {"text": errors[q.key], "href": f"#{field_name(q)}"} for q in questions if q.key in errors
    ]
    return summary


def smiley(position: int) -> str:
    return SMILEYS[position - 1] if 1 <= position <= len(SMILEYS) else ""


def format_month(value) -> str:
    """November 2026."""
    return f"{value:%B %Y}" if value else ""
