"""Page forms (Flask-WTF, with CSRF). The catalogue's rules themselves live in services.py."""

from wtforms import DateField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from beteiligung.plugin_api import FlaskForm
from beteiligung.plugin_api import lazy_gettext as _l

from .services import DEPARTMENT_MAX, DESCRIPTION_MAX, NAME_MAX, URL_MAX


class ServiceForm(FlaskForm):
    name = StringField(_l("Name des Online-Dienstes"),
                       validators=[DataRequired(_l("Bitte geben Sie den Namen des Dienstes an.")),
                                   Length(max=NAME_MAX, message=_l("Höchstens %(max)d Zeichen.", max=NAME_MAX))])
    department = StringField(_l("Zuständiger Fachbereich oder Amt"),
                             validators=[DataRequired(_l("Bitte nennen Sie den zuständigen Fachbereich oder das Amt.")),
                                         Length(max=DEPARTMENT_MAX,
                                                message=_l("Höchstens %(max)d Zeichen.", max=DEPARTMENT_MAX))])
    online_since = DateField(_l("Online seit"), format=["%Y-%m-%d", "%d.%m.%Y"],
                             invalid_value_message=_l("Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."),
                             validators=[InputRequired(_l("Bitte geben Sie an, seit wann der Dienst online ist."))])
    url = URLField(_l("Internetadresse (Link zum Dienst)"),
                   validators=[DataRequired(_l("Bitte geben Sie die Internetadresse des Dienstes an."))])
    description = TextAreaField(_l("Kurzbeschreibung (optional)"),
                                validators=[Optional(), Length(max=DESCRIPTION_MAX,
                                                               message=_l("Höchstens %(max)d Zeichen.",
                                                                          max=DESCRIPTION_MAX))])

    def values(self):
        return {"name": self.name.data, "department": self.department.data, "online_since": self.online_since.data,
                "url": self.url.data, "description": self.description.data or ""}


class ToggleForm(FlaskForm):
    """Deactivate or reactivate a service: a button, protected by the CSRF token."""


URL_HINT = _l("Beginnt mit https:// oder http://, höchstens %(max)d Zeichen.", max=URL_MAX)
