"""Review templates as data: the question types, and checking a template file before loading it.

A template file (``seed/review_templates/*.yaml``) holds one version of one template. Each
question has a ``key`` that stays the same across versions; questions the annual report counts
also carry a ``report_key`` (found what you needed, satisfied with the information, felt listened
to) so results can be compared between versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUESTION_TYPES = (
    "scale",
    "yes_partly_no",
    "single",
    "multiple",
    "number",
    "short_text",
    "long_text",
)
TEXT_TYPES = ("short_text", "long_text")
YES_PARTLY_NO = (("yes", "Yes"), ("partly", "Partly"), ("no", "No"))
DONT_KNOW = "dont_know"
REPORT_KEYS = ("found_what_needed", "satisfied_with_information", "felt_listened_to")
AUDIENCES = ("volunteer", "young_inspector", "peer")
TARGETS = ("service", "site")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
NUMBER_LIMIT = 100_000


class TemplateError(ValueError):
    """A template file that cannot be loaded, with the reason."""


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: str
    hint: str = ""
    required: bool = False
    report_key: str | None = None
    # (value, label) pairs for scale, yes/partly/no, single and multiple choice.
    options: tuple[tuple[str, str], ...] = ()
    dont_know: bool = False
    style: str = ""
    minimum: int = 0
    maximum: int = NUMBER_LIMIT
    suffix: str = ""
    # Shown (and required) only when the question ``show_if[0]`` has one of the values given.
    show_if: tuple[str, tuple[str, ...]] | None = None

    @property
    def max_length(self) -> int:
        return SHORT_TEXT_MAX if self.type == "short_text" else LONG_TEXT_MAX

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """Every value a choice question accepts, with its label (Don't know last)."""
        extra = ((DONT_KNOW, "Don't know"),) if self.dont_know else ()
        return self.options + extra

    def label_for(self, value) -> str:
        return dict(self.choices).get(str(value), str(value))

    def shown_for(self, answers: dict) -> bool:
        """Whether this question applies, given the other answers."""
        if self.show_if is None:
            return True
        other, values = self.show_if
        answer = answers.get(other)
        if isinstance(answer, list):
            return any(str(a) in values for a in answer)
        return answer is not None and str(answer) in values


@dataclass(frozen=True)
class TemplateSpec:
    slug: str
    version: int
    title: str
    audience: str
    target: str
    introduction: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


def _text(data: dict, name: str, where: str, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise TemplateError(f"{where}: '{name}' must be text")
    return value.strip()


def _options(data: dict, kind: str, where: str) -> tuple[tuple[str, str], ...]:
    if kind == "yes_partly_no":
        return YES_PARTLY_NO
    raw = data.get("labels" if kind == "scale" else "options")
    if not isinstance(raw, list) or len(raw) < 2:
        raise TemplateError(f"{where}: a {kind} question needs at least two options")
    if kind == "scale":
        if len(raw) != 5:
            raise TemplateError(f"{where}: a scale has five labels, from 1 to 5")
        return tuple((str(n), str(label)) for n, label in enumerate(raw, start=1))
    options = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("value") or not item.get("label"):
            raise TemplateError(f"{where}: each option needs a value and a label")
        options.append((str(item["value"]), str(item["label"])))
    values = [v for v, _ in options]
    if len(set(values)) != len(values) or DONT_KNOW in values:
        raise TemplateError(f"{where}: option values must be different from each other")
    return tuple(options)


def _question(data: dict, earlier: dict[str, Question], number: int) -> Question:
    where = f"question {number}"
    if not isinstance(data, dict):
        raise TemplateError(f"{where}: must be a mapping")
    key = _text(data, "key", where)
    where = f"question {number} ({key})"
    if not key.replace("_", "").isalnum() or len(key) > 60 or key in earlier:
        raise TemplateError(f"{where}: keys are unique words_with_underscores")
    kind = data.get("type")
    if kind not in QUESTION_TYPES:
        raise TemplateError(f"{where}: type must be one of {', '.join(QUESTION_TYPES)}")
    report_key = data.get("report_key")
    if report_key is not None and report_key not in REPORT_KEYS:
        raise TemplateError(f"{where}: report_key must be one of {', '.join(REPORT_KEYS)}")
    options = (
        _options(data, kind, where)
        if kind in {"scale", "yes_partly_no", "single", "multiple"}
        else ()
    )
    show_if = None
    if data.get("show_if") is not None:
        condition = data["show_if"]
        other = earlier.get(condition.get("question")) if isinstance(condition, dict) else None
        values = condition.get("in") if isinstance(condition, dict) else None
        if other is None or not isinstance(values, list) or not values:
            raise TemplateError(f"{where}: show_if names an earlier question and values 'in'")
        known = {v for v, _ in other.choices}
        if not known or not {str(v) for v in values} <= known:
            raise TemplateError(f"{where}: show_if values must be answers of {other.key}")
        show_if = (other.key, tuple(str(v) for v in values))
    minimum = int(data.get("min", 0))
    maximum = int(data.get("max", NUMBER_LIMIT))
    if minimum > maximum:
        raise TemplateError(f"{where}: min is more than max")
    return Question(
        key=key,
        type=kind,
        label=_text(data, "label", where),
        hint=_text(data, "hint", where, required=False),
        required=bool(data.get("required", False)),
        report_key=report_key,
        options=options,
        dont_know=bool(data.get("dont_know", False)) and kind == "scale",
        style=str(data.get("style", "")),
        minimum=minimum,
        maximum=maximum,
        suffix=str(data.get("suffix", "")),
        show_if=show_if,
    )


def parse_template(data: dict, source: str = "template") -> TemplateSpec:
    """Check a template file and return it; a ``TemplateError`` says what is wrong."""
    if not isinstance(data, dict):
        raise TemplateError(f"{source}: must be a mapping")
    try:
        version = int(data.get("version", 0))
    except (TypeError, ValueError):
        version = 0
    if version < 1:
        raise TemplateError(f"{source}: version must be a whole number from 1")
    audience, target = data.get("audience"), data.get("target")
    if audience not in AUDIENCES:
        raise TemplateError(f"{source}: audience must be one of {', '.join(AUDIENCES)}")
    if target not in TARGETS:
        raise TemplateError(f"{source}: target must be one of {', '.join(TARGETS)}")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise TemplateError(f"{source}: it has no questions")
    questions: dict[str, Question] = {}
    try:
        for number, item in enumerate(raw, start=1):
            question = _question(item, questions, number)
            questions[question.key] = question
    except TemplateError as error:
        raise TemplateError(f"{source}: {error}") from error
    report_keys = [q.report_key for q in questions.values() if q.report_key]
    if len(set(report_keys)) != len(report_keys):
        raise TemplateError(f"{source}: a report_key is used twice")
    return TemplateSpec(
        slug=_text(data, "slug", source),
        version=version,
        title=_text(data, "title", source),
        audience=audience,
        target=target,
        introduction=_text(data, "introduction", source, required=False),
        questions=tuple(questions.values()),
    )


def questions_from_json(raw: list) -> tuple[Question, ...]:
    """The questions of a stored template version (as saved by ``questions_to_json``)."""
    return tuple(
        Question(
            **{
                **item,
                "options": tuple(tuple(o) for o in item["options"]),
                "show_if": (item["show_if"][0], tuple(item["show_if"][1]))
                if item.get("show_if")
                else None,
            }
        )
        for item in raw
    )


def questions_to_json(questions: tuple[Question, ...]) -> list[dict]:
    """The questions as plain JSON for the ``review_template.questions`` column."""
    result = []
    for q in questions:
        item = dict(q.__dict__)
        item["options"] = [list(o) for o in q.options]
        item["show_if"] = [q.show_if[0], list(q.show_if[1])] if q.show_if else None
        result.append(item)
    return result
