from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from .models import (
    CONTACT_EMAIL_MAX,
    CONTACT_NAME_MAX,
    CONTACT_PHONE_MAX,
    DESCRIPTION_MAX,
    LINK_TITLE_MAX,
    MATERIAL_TITLE_MAX,
    OFFICE_MAX,
    SUMMARY_MAX,
    SUMMARY_MIN,
    TITLE_MAX,
    TITLE_MIN,
    URL_MAX,
    ProjectStatus,
)
from .services import status_label

DATE_MESSAGE = _l("Bitte geben Sie ein Datum an (TT.MM.JJJJ oder JJJJ-MM-TT).")


def _statuses():
    return [(member.value, status_label(member)) for member in ProjectStatus]


class ProjectForm(FlaskForm):
    region = SelectField(_l("Region"), validate_choice=False)
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                 Length(min=TITLE_MIN, max=TITLE_MAX)])
    summary = TextAreaField(_l("Kurzbeschreibung"), validators=[
        DataRequired(_l("Bitte beschreiben Sie das Projekt kurz.")), Length(min=SUMMARY_MIN, max=SUMMARY_MAX)])
    description = TextAreaField(_l("Beschreibung (Markdown)"), validators=[Length(max=DESCRIPTION_MAX)])
    status = SelectField(_l("Stand"), choices=_statuses)
    starts_on = DateField(_l("Förderbeginn"), validators=[DataRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("Förderende"), validators=[DataRequired(DATE_MESSAGE)])
    office = StringField(_l("Zuständige Stelle"), validators=[Length(max=OFFICE_MAX)])
    contact_name = StringField(_l("Ansprechperson: Name"), validators=[Length(max=CONTACT_NAME_MAX)])
    contact_email = StringField(_l("Ansprechperson: E-Mail"), validators=[Length(max=CONTACT_EMAIL_MAX)])
    contact_phone = StringField(_l("Ansprechperson: Telefon"), validators=[Length(max=CONTACT_PHONE_MAX)])
    contact_consent = BooleanField(_l("Die Ansprechperson ist einverstanden, dass Name, E-Mail und Telefon "
                                      "veröffentlicht werden"))
    published = BooleanField(_l("Veröffentlicht (sonst nur für die Moderation der Region sichtbar)"))


class LinkForm(FlaskForm):
    title = StringField(_l("Titel des Links"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                          Length(max=LINK_TITLE_MAX)])
    url = StringField(_l("Adresse (http:// oder https://)"), validators=[
        DataRequired(_l("Bitte geben Sie eine Adresse an.")), Length(max=URL_MAX)])


class MaterialForm(FlaskForm):
    title = StringField(_l("Titel des Materials"), validators=[
        DataRequired(_l("Bitte geben Sie einen Titel an.")), Length(max=MATERIAL_TITLE_MAX)])
    file = FileField(_l("Datei (PDF, JPEG, PNG oder WebP)"))


class RelationForm(FlaskForm):
    target = SelectField(_l("Beteiligungsprozess oder Maßnahme der Region"), validate_choice=False)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the confirmation is the submission itself."""
