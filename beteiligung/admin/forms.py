from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
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
    theme = StringField(_l("Schwerpunkt"), validators=[Length(max=120)], render_kw={"list": "programme-themes"})
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=5000)])
    contact_name = StringField(_l("Ansprechpartner des Moderationsteams"), validators=[Length(max=120)])
    contact_email = EmailField(_l("E-Mail-Adresse des Moderationsteams"), validators=[Length(max=254)],
                               render_kw={"autocomplete": "off"})
    contact_phone = StringField(_l("Telefon des Moderationsteams"), validators=[Length(max=40)],
                                render_kw={"type": "tel", "autocomplete": "off"})


class RegionAdminForm(FlaskForm):
    """An existing account by its e-mail address (for a region's administration and its moderation)."""

    email = EmailField(_l("E-Mail-Adresse des Kontos"),
                       validators=[DataRequired(_l("Bitte geben Sie die E-Mail-Adresse eines Kontos an.")),
                                   Length(max=254, message=_l("Höchstens 254 Zeichen."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
