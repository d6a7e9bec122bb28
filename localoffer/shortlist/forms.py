"""The small POST forms behind the shortlist buttons."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from localoffer.urls import MAX_ID


class ShortlistChangeForm(FlaskForm):
    service_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    next = HiddenField()


class ShortlistClearForm(FlaskForm):
    pass
