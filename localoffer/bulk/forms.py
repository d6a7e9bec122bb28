"""The upload form and the confirmation form for an import."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired

from localoffer.base_form import BaseForm


class UploadForm(BaseForm):
    file = FileField(
        "Upload a CSV file",
        description="Save your spreadsheet as CSV UTF-8 (comma delimited).",
        widget=GovFileInput(),
        validators=[FileRequired("Select a CSV file")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(BaseForm):
    """Carries the checked file, signed, so confirming imports exactly what was checked."""

    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Import these services", widget=GovSubmitInput())
