"""Results of accepted reviews: each question's distribution, percentages and means, and themes.

Only accepted reviews count, and only redacted text is ever returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from localoffer.models import Review, ReviewStatus
from localoffer.reviews.questions import DONT_KNOW, Question
from localoffer.reviews.service import questions_of


@dataclass
class OptionCount:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    # Scales: the mean of 1 to 5, leaving out "Don't know". Numbers: mean, lowest, highest.
    mean: float | None = None
    lowest: int | None = None
    highest: int | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class TemplateResult:
    slug: str
    title: str
    reviews: int
    questions: list[QuestionResult]


@dataclass
class ThemeCount:
    name: str
    count: int
    percent: int


@dataclass
class Results:
    reviews: int
    templates: list[TemplateResult]
    themes: list[ThemeCount]


def percent(count: int, total: int) -> int:
    """A whole-number percentage, halves rounded up (3 of 8 is 38%)."""
    return (200 * count + total) // (2 * total) if total else 0


def _questions(reviews: list[Review]) -> list[Question]:
    """Questions in the newest version's order; keys only older versions asked come after."""
    ordered: dict[str, Question] = {}
    for review in sorted(reviews, key=lambda r: -r.template.version):
        for question in questions_of(review.template):
            ordered.setdefault(question.key, question)
    return list(ordered.values())


def _question_result(question: Question, reviews: list[Review]) -> QuestionResult:
    answers = [r.answer(question.key) for r in reviews]
    answers = [a for a in answers if a is not None]
    result = QuestionResult(question, answered=len(answers))
    if question.options:
        counts: Counter = Counter()
        for answer in answers:
            for value in answer.value if isinstance(answer.value, list) else [answer.value]:
                counts[str(value)] += 1
        result.options = [
            OptionCount(value, label, counts[value], percent(counts[value], len(answers)))
            for value, label in question.choices
        ]
        if question.type == "scale":
            points = [a.value for a in answers if a.value != DONT_KNOW]
            result.mean = round(sum(points) / len(points), 1) if points else None
    elif question.type == "number":
        numbers = [a.value for a in answers]
        if numbers:
            result.mean = round(sum(numbers) / len(numbers), 1)
            result.lowest, result.highest = min(numbers), max(numbers)
    else:
        result.texts = [a.redacted for a in answers if a.redacted]
    return result


def summarise(reviews: list[Review]) -> Results:
    """Results over ``reviews``; anything not accepted is left out."""
    accepted = [r for r in reviews if r.status == ReviewStatus.ACCEPTED]
    by_slug: dict[str, list[Review]] = {}
    for review in accepted:
        by_slug.setdefault(review.template.slug, []).append(review)
    templates = []
    for slug, group in sorted(by_slug.items()):
        newest = max(group, key=lambda r: r.template.version).template
        questions = [_question_result(q, group) for q in _questions(group)]
        templates.append(TemplateResult(slug, newest.title, len(group), questions))
    themes: Counter = Counter()
    for review in accepted:
        for theme in review.themes:
            themes[theme.name] += 1
    theme_counts = [
        ThemeCount(name, count, percent(count, len(accepted)))
        for name, count in sorted(themes.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Results(len(accepted), templates, theme_counts)
