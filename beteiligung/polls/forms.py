from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

AUDIENCE_CHOICES = [("accounts", _l("Registrierte Bürgerinnen und Bürger")),
                    ("access_codes", _l("Mit Zugangscode (Veranstaltung)")),
                    ("both", _l("Beides"))]
VISIBILITY_CHOICES = [("after_close", _l("Nach dem Ende")), ("live", _l("Sofort (laufend)")),
                      ("moderators", _l("Nur für die Moderation"))]
KIND_CHOICES = [("survey", _l("Umfrage")), ("problem_definition", _l("Problemsammlung mit Paarvergleich"))]


class PollForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int)
    template = HiddenField()
    kind = SelectField(_l("Art"), choices=KIND_CHOICES)
    title = StringField(_l("Titel"), validators=[Optional(), Length(min=3, max=200)])
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=5000)])
    consultation_id = SelectField(_l("Zugehörige Beteiligung (optional)"), coerce=int, validators=[Optional()])
    audience = SelectField(_l("Wer darf teilnehmen?"), choices=AUDIENCE_CHOICES)
    results_visibility = SelectField(_l("Wann sind die Ergebnisse sichtbar?"), choices=VISIBILITY_CHOICES)
    opens_at = DateTimeLocalField(_l("Beginn (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Ende (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class TemplateChoiceForm(FlaskForm):
    """Step one of a new poll: pick a plugin's template, whose values the poll form then shows."""

    class Meta:
        csrf = False  # a GET form: it only fills in the poll form, nothing is stored

    vorlage = SelectField(_l("Vorlage"), validators=[Optional()])


class QuestionForm(FlaskForm):
    type = SelectField(_l("Fragetyp"))
    text = StringField(_l("Frage"), validators=[DataRequired(_l("Bitte geben Sie die Frage ein.")),
                                                 Length(min=3, max=500)])
    help_text = StringField(_l("Erläuterung (optional)"), validators=[Length(max=1000)])
    required = BooleanField(_l("Pflichtfrage"))
    allow_other = BooleanField(_l("Eigene Antwort („Sonstiges“) erlauben"))
    options = TextAreaField(_l("Antwortmöglichkeiten (eine pro Zeile)"), validators=[Length(max=20000)])
    minimum = IntegerField(_l("Mindestens (Mehrfachauswahl) bzw. kleinster Wert (Skala)"),
                           validators=[Optional(), NumberRange(min=-10, max=50)])
    maximum = IntegerField(_l("Höchstens (Mehrfachauswahl) bzw. größter Wert (Skala)"),
                           validators=[Optional(), NumberRange(min=-10, max=50)])
    low_label = StringField(_l("Beschriftung des kleinsten Werts (Skala)"), validators=[Length(max=60)])
    high_label = StringField(_l("Beschriftung des größten Werts (Skala)"), validators=[Length(max=60)])
    top = IntegerField(_l("Wie viele Plätze? (Rangfolge, leer: alle)"), validators=[Optional(), NumberRange(1, 50)])
    max_length = IntegerField(_l("Höchstzahl Zeichen (Freitext)"), validators=[Optional(), NumberRange(10, 10000)])


class AccessCodeForm(FlaskForm):
    code = StringField(_l("Zugangscode"), validators=[DataRequired(_l("Bitte geben Sie Ihren Zugangscode ein.")),
                                                       Length(max=20)])


class CodeCountForm(FlaskForm):
    count = IntegerField(_l("Anzahl neuer Zugangscodes"), default=30,
                         validators=[DataRequired(_l("Bitte eine Zahl von 1 bis 500.")), NumberRange(1, 500)])


class ProblemForm(FlaskForm):
    text = TextAreaField(_l("Ihr Problem"), validators=[DataRequired(_l("Bitte beschreiben Sie das Problem.")),
                                                        Length(min=10, max=500)])


class ProblemModerationForm(FlaskForm):
    status = SelectField(_l("Entscheidung"), choices=[("approved", _l("Freigeben")), ("rejected", _l("Ablehnen")),
                                                     ("merged", _l("Mit anderem zusammenführen"))])
    reason = StringField(_l("Begründung (bei Ablehnen und Zusammenführen)"), validators=[Length(max=1000)])
    merged_into = SelectField(_l("Zusammenführen mit"), coerce=int, validators=[Optional()])
