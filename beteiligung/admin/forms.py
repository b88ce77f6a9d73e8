from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class RegionForm(FlaskForm):
    slug = StringField(_l("Kurzbezeichnung (für Adressen)"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    theme = StringField(_l("Schwerpunkt"), validators=[Length(max=120)])
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=5000)])


class ModeratorForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int)
    action = SelectField(_l("Aktion"), choices=[("add", _l("zur Moderation hinzufügen")),
                                                 ("remove", _l("aus der Moderation entfernen"))])


class RegionSettingsForm(FlaskForm):
    """What a region's administrators may change (the slug, part of every address, stays)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    theme = StringField(_l("Schwerpunkt"), validators=[Length(max=120)])
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=5000)])


class RegionAdminForm(FlaskForm):
    email = StringField(_l("E-Mail-Adresse des Kontos"), validators=[DataRequired(), Length(max=254)])
