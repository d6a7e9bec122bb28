"""The GOV.UK date input (day, month and year boxes) as a WTForms field, shared by every form."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField


class DayMonthYearField(DateField):
    """A date typed in three boxes. All boxes empty is no date; a date that does not exist, or
    a request that does not carry the three boxes, gets ``invalid_message`` (by default
    "<label> must be a real date"). The boxes always show again, so the form never fails to
    re-render."""

    def __init__(self, label: str, invalid_message: str | None = None, **kwargs) -> None:
        kwargs.setdefault("format", "%d %m %Y")
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message or f"{label} must be a real date"

    def process_formdata(self, valuelist) -> None:
        typed = any(str(value).strip() for value in valuelist)
        if len(valuelist) != 3:
            self.raw_data = ([*valuelist, "", "", ""])[:3]
            if typed:
                raise ValueError(self.invalid_message)
        if not typed:
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error
