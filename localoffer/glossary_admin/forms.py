"""The glossary entry form. Its checks are the glossary's rules (``localoffer.glossary.rules``),
the same ones the seed loader applies, so the two cannot drift."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from localoffer.base_form import BaseForm
from localoffer.glossary import rules
from localoffer.models import GlossaryTerm


class GlossaryEntryForm(BaseForm):
    """Add or change an entry. Synonyms and the words to search for are one per line."""

    term = StringField(
        rules.LABELS["term"],
        description="The word or phrase as the glossary shows it, for example ASD or Short breaks.",
        widget=GovTextInput(),
    )
    meaning = TextAreaField(
        rules.LABELS["meaning"],
        description="One sentence in plain English, ending with a full stop. Explain any "
        "other short words you use.",
        widget=GovTextArea(),
    )
    synonyms = TextAreaField(
        f"{rules.LABELS['synonyms']} (optional)",
        description="What families type that means the same: short forms, other spellings and "
        "everyday words. One on each line. A synonym can belong to one entry only.",
        widget=GovTextArea(),
    )
    expands_to = TextAreaField(
        rules.LABELS["expands_to"],
        description="The words a search should look for as well, usually the words the "
        "listings use. One on each line.",
        widget=GovTextArea(),
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_term(self, field) -> None:
        _refuse(rules.term_problem(field.data or ""))

    def validate_meaning(self, field) -> None:
        _refuse(rules.meaning_problem(field.data or ""))

    def validate_synonyms(self, field) -> None:
        _refuse(rules.phrases_problem("synonyms", rules.phrases_from_lines(field.data)))

    def validate_expands_to(self, field) -> None:
        _refuse(rules.phrases_problem("expands_to", rules.phrases_from_lines(field.data)))

    def values(self) -> rules.Entry:
        """The entry as typed, tidied: lower case, one phrase per line, blanks and repeats gone."""
        return rules.entry(
            self.term.data,
            self.meaning.data,
            rules.phrases_from_lines(self.synonyms.data),
            rules.phrases_from_lines(self.expands_to.data),
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put the rules' messages (between entries) on their fields."""
        for field, message in problems.items():
            getattr(self, field).errors = [message]


def form_data(entry: GlossaryTerm) -> dict:
    """The edit form's values for a saved entry."""
    return {
        "term": entry.term,
        "meaning": entry.meaning,
        "synonyms": rules.lines_from_phrases(entry.synonyms),
        "expands_to": rules.lines_from_phrases(entry.expands_to),
        "version": str(entry.version),
    }


def _refuse(message: str | None) -> None:
    if message:
        raise ValidationError(message)


class ConfirmForm(BaseForm):
    """A button-only POST form (retire, bring back): CSRF is its only field."""
