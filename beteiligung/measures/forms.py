from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import DESCRIPTION_MAX, OFFICE_MAX, TITLE_MAX, TITLE_MIN, UPDATE_MAX, UPDATE_MIN, MeasureStatus
from .services import status_label


def _statuses():
    return [(member.value, status_label(member)) for member in MeasureStatus]


def _progress(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100, message=_l(
        "Der Fortschritt liegt zwischen 0 und 100 Prozent."))])


class MeasureForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                 Length(min=TITLE_MIN, max=TITLE_MAX)])
    office = StringField(_l("Zuständige Stelle"), validators=[Length(max=OFFICE_MAX)])
    description = TextAreaField(_l("Beschreibung (Markdown)"), validators=[Length(max=DESCRIPTION_MAX)])
    status = SelectField(_l("Stand"), choices=_statuses)
    progress = _progress(_l("Fortschritt in Prozent (0 bis 100)"))
    starts_on = DateField(_l("Beginn (optional)"), validators=[Optional()])
    ends_on = DateField(_l("Ende (optional)"), validators=[Optional()])


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("Was ist geschehen?"), validators=[
        DataRequired(_l("Bitte beschreiben Sie den neuen Stand.")), Length(min=UPDATE_MIN, max=UPDATE_MAX)])
    status = SelectField(_l("Neuer Stand (optional)"), choices=lambda: [("", _l("unverändert"))] + _statuses())
    progress = _progress(_l("Neuer Fortschritt in Prozent (optional)"))


class LinkForm(FlaskForm):
    target = SelectField(_l("Woraus die Maßnahme entstand"), validate_choice=False)
