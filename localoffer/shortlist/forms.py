"""The small POST forms behind the shortlist buttons."""

from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from localoffer.base_form import BaseForm
from localoffer.urls import MAX_ID


class ShortlistChangeForm(BaseForm):
    service_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    next = HiddenField()


class ShortlistClearForm(BaseForm):
    pass
