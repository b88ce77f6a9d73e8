from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import BODY_MAX, IMAGE_ALT_MAX, PHASE_DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN


def _title():
    return StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                Length(min=TITLE_MIN, max=TITLE_MAX)])


class ProcessForm(FlaskForm):
    title = _title()
    summary = TextAreaField(_l("Kurzbeschreibung"), validators=[Length(max=SUMMARY_MAX)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=BODY_MAX)])


class NewProcessForm(ProcessForm):
    template = SelectField(_l("Vorlage"), validators=[Optional()])


class PhaseForm(FlaskForm):
    title = _title()
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=PHASE_DESCRIPTION_MAX)])
    starts_at = DateTimeLocalField(_l("Beginn (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ende (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class AttachForm(FlaskForm):
    instrument = SelectField(_l("Beteiligung, Umfrage oder Vorschlagssammlung"), validate_choice=False)
    follows_phase_dates = BooleanField(_l("Beginnt und endet mit der Phase"), default=True)


class HeaderImageForm(FlaskForm):
    image = FileField(_l("Bilddatei (JPEG, PNG oder WebP)"))
    alt = StringField(_l("Bildbeschreibung (Alternativtext)"), validators=[Length(max=IMAGE_ALT_MAX)])
