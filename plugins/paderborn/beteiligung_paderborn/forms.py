"""Page forms (Flask-WTF, with CSRF). The catalogue's rules themselves live in services.py."""

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .services import DEPARTMENT_MAX, DESCRIPTION_MAX, NAME_MAX, URL_MAX


class ServiceForm(FlaskForm):
    name = StringField("Name des Online-Dienstes",
                       validators=[DataRequired("Bitte geben Sie den Namen des Dienstes an."),
                                   Length(max=NAME_MAX, message=f"Höchstens {NAME_MAX} Zeichen.")])
    department = StringField("Zuständiger Fachbereich oder Amt",
                             validators=[DataRequired("Bitte nennen Sie den zuständigen Fachbereich oder das Amt."),
                                         Length(max=DEPARTMENT_MAX, message=f"Höchstens {DEPARTMENT_MAX} Zeichen.")])
    online_since = DateField("Online seit", format=["%Y-%m-%d", "%d.%m.%Y"],
                             invalid_value_message="Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ).",
                             validators=[InputRequired("Bitte geben Sie an, seit wann der Dienst online ist.")])
    url = URLField("Internetadresse (Link zum Dienst)",
                   validators=[DataRequired("Bitte geben Sie die Internetadresse des Dienstes an.")])
    description = TextAreaField("Kurzbeschreibung (optional)",
                                validators=[Optional(), Length(max=DESCRIPTION_MAX,
                                                               message=f"Höchstens {DESCRIPTION_MAX} Zeichen.")])

    def values(self):
        return {"name": self.name.data, "department": self.department.data, "online_since": self.online_since.data,
                "url": self.url.data, "description": self.description.data or ""}


class ToggleForm(FlaskForm):
    """Deactivate or reactivate a service: a button, protected by the CSRF token."""


URL_HINT = f"Beginnt mit https:// oder http://, höchstens {URL_MAX} Zeichen."
