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

from .models import (
    DESCRIPTION_MAX,
    HELP_TEXT_MAX,
    PROBLEM_MAX,
    PROBLEM_MIN,
    QUESTION_TEXT_MAX,
    QUESTION_TEXT_MIN,
    REASON_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Audience,
    PollKind,
    ProblemStatus,
    ResultsVisibility,
)
from .types import DefinitionError

AUDIENCE_CHOICES = [(Audience.ACCOUNTS, _l("Registrierte Bürgerinnen und Bürger")),
                    (Audience.ACCESS_CODES, _l("Mit Zugangscode (Veranstaltung)")),
                    (Audience.BOTH, _l("Beides"))]
VISIBILITY_CHOICES = [(ResultsVisibility.AFTER_CLOSE, _l("Nach dem Ende")),
                      (ResultsVisibility.LIVE, _l("Sofort (laufend)")),
                      (ResultsVisibility.MODERATORS, _l("Nur für die Moderation"))]
KIND_CHOICES = [(PollKind.SURVEY, _l("Umfrage")),
                (PollKind.PROBLEM_DEFINITION, _l("Problemsammlung mit Paarvergleich"))]


class PollForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int)
    template = HiddenField()
    kind = SelectField(_l("Art"), choices=KIND_CHOICES)
    title = StringField(_l("Titel"), validators=[Optional(), Length(min=TITLE_MIN, max=TITLE_MAX)])
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=DESCRIPTION_MAX)])
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


def setting_field_name(type_key, setting_key):
    """The form field of a type's declared setting: ``setting__aachen_matrix__scale_max``."""
    return f"setting__{type_key.replace('.', '_')}__{setting_key}"


def _setting_field(setting):
    hint = setting.help or ""
    if setting.kind == "choice":
        choices = [(value, label) for value, label in setting.choices]
        if setting.default is None:
            return SelectField(setting.label, description=hint, default="",
                               choices=[("", _l("– bitte wählen –")), *choices])
        return SelectField(setting.label, description=hint, default=setting.default, choices=choices)
    attrs = {"inputmode": "numeric"} if setting.kind == "int" else {}
    default = "" if setting.default is None else str(setting.default)
    # Text on purpose: the type's Setting.clean() checks the value, for the page as for the API.
    return StringField(setting.label, description=hint, default=default, render_kw=attrs,
                       validators=[Length(max=1000)])


class QuestionForm(FlaskForm):
    type = SelectField(_l("Fragetyp"))
    text = StringField(_l("Frage"), validators=[DataRequired(_l("Bitte geben Sie die Frage ein.")),
                                                 Length(min=QUESTION_TEXT_MIN, max=QUESTION_TEXT_MAX)])
    help_text = StringField(_l("Erläuterung (optional)"), validators=[Length(max=HELP_TEXT_MAX)])
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

    def __init__(self, *args, types=None, **kwargs):
        """``types``: the question types whose declared settings (``settings_fields``) the form carries
        (default: every type of the app); the page shows those of the types offered in ``type.choices``."""
        if types is None:
            from .services import question_types

            types = question_types().types
        self.setting_types = {key: qtype for key, qtype in types.items() if qtype.settings_fields}
        extra = [(setting_field_name(key, setting.key), _setting_field(setting))
                 for key, qtype in self.setting_types.items() for setting in qtype.settings_fields]
        self._unbound_fields = [*type(self)._unbound_fields, *extra]
        super().__init__(*args, **kwargs)

    def type_settings(self):
        """``[(type, [field, …])]`` of the offered types that declare settings, in the order of the choices."""
        offered = [key for key, _label in (self.type.choices or [])]
        return [(self.setting_types[key], [self[setting_field_name(key, setting.key)]
                                           for setting in self.setting_types[key].settings_fields])
                for key in offered if key in self.setting_types]

    def declared_settings(self):
        """The chosen type's declared settings as the form gives them (empty fields left out): the
        values the type's ``clean_settings`` then checks, as it checks those of the API."""
        qtype = self.setting_types.get(self.type.data)
        if qtype is None:
            return {}
        values = {}
        for setting in qtype.settings_fields:
            value = setting.from_form(self[setting_field_name(self.type.data, setting.key)].data)
            if value is not None:
                values[setting.key] = value
        return values

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        qtype = self.setting_types.get(self.type.data)
        if qtype is None:
            return valid
        values = self.declared_settings()
        for setting in qtype.settings_fields:
            field = self[setting_field_name(self.type.data, setting.key)]
            try:
                setting.clean(values.get(setting.key))
            except DefinitionError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
        return valid

    def definition(self):
        """The question definition the form describes. The generic settings fields (smallest and largest
        value, their labels, places, length) go to every type, whose clean_definition takes what it uses;
        the chosen type's declared settings come on top."""
        low = self.minimum.data if self.minimum.data is not None else 1
        high = self.maximum.data if self.maximum.data is not None else 5
        labels = {str(step): text.strip() for step, text in ((low, self.low_label.data), (high, self.high_label.data))
                  if text and text.strip()}
        settings = {key: value for key, value in (("min", self.minimum.data), ("max", self.maximum.data),
                                                  ("labels", labels or None), ("top", self.top.data),
                                                  ("max_length", self.max_length.data)) if value is not None}
        settings.update(self.declared_settings())
        options = [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]
        return {"type": self.type.data, "text": self.text.data, "help_text": self.help_text.data or "",
                "required": self.required.data, "allow_other": self.allow_other.data, "options": options,
                "settings": settings}


class AccessCodeForm(FlaskForm):
    code = StringField(_l("Zugangscode"), validators=[DataRequired(_l("Bitte geben Sie Ihren Zugangscode ein.")),
                                                       Length(max=20)])


class CodeCountForm(FlaskForm):
    count = IntegerField(_l("Anzahl neuer Zugangscodes"), default=30,
                         validators=[DataRequired(_l("Bitte eine Zahl von 1 bis 500.")), NumberRange(1, 500)])


class ProblemForm(FlaskForm):
    text = TextAreaField(_l("Ihr Problem"), validators=[DataRequired(_l("Bitte beschreiben Sie das Problem.")),
                                                        Length(min=PROBLEM_MIN, max=PROBLEM_MAX)])


class ProblemModerationForm(FlaskForm):
    status = SelectField(_l("Entscheidung"), choices=[(ProblemStatus.APPROVED, _l("Freigeben")),
                                                     (ProblemStatus.REJECTED, _l("Ablehnen")),
                                                     (ProblemStatus.MERGED, _l("Mit anderem zusammenführen"))])
    reason = StringField(_l("Begründung (bei Ablehnen und Zusammenführen)"), validators=[Length(max=REASON_MAX)])
    merged_into = SelectField(_l("Zusammenführen mit"), coerce=int, validators=[Optional()])
