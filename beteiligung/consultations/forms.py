from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN


class ConsultationForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int)
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                 Length(min=TITLE_MIN, max=TITLE_MAX)])
    summary = TextAreaField(_l("Kurzbeschreibung"), validators=[Length(max=SUMMARY_MAX)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=BODY_MAX)])
    opens_at = DateTimeLocalField(_l("Beginn (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Ende (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    published = BooleanField(_l("Veröffentlicht"))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    region = SelectField(_l("Region"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
