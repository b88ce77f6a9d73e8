from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import (
    ANSWER_MAX,
    BODY_MAX,
    BODY_MIN,
    DESCRIPTION_MAX,
    IMAGE_ALT_MAX,
    PLACE_MAX,
    REASON_MAX,
    REASON_MIN,
    TITLE_MAX,
    TITLE_MIN,
)


class CollectionForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                 Length(min=TITLE_MIN, max=TITLE_MAX)])
    description = TextAreaField(_l("Beschreibung der Sammlung (Markdown)"), validators=[Length(max=DESCRIPTION_MAX)])
    categories = TextAreaField(_l("Kategorien (eine je Zeile, optional)"), validators=[Length(max=5000)])
    premoderated = BooleanField(_l("Neue Vorschläge erst nach Freigabe durch die Moderation zeigen"))
    opens_at = DateTimeLocalField(_l("Beginn (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Ende (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    published = BooleanField(_l("Veröffentlicht"))


class ProposalForm(FlaskForm):
    title = StringField(_l("Titel Ihres Vorschlags"), validators=[
        DataRequired(_l("Bitte geben Sie einen Titel an.")), Length(min=TITLE_MIN, max=TITLE_MAX)])
    body = TextAreaField(_l("Beschreibung Ihres Vorschlags (Markdown)"), validators=[
        DataRequired(_l("Bitte beschreiben Sie Ihren Vorschlag.")), Length(min=BODY_MIN, max=BODY_MAX)])
    category = SelectField(_l("Kategorie (optional)"), validators=[Optional()])
    place = StringField(_l("Ort (optional)"), validators=[Optional(), Length(max=PLACE_MAX)])
    image = FileField(_l("Bild (optional; JPEG, PNG oder WebP)"))
    image_alt = StringField(_l("Bildbeschreibung (nötig, wenn Sie ein Bild hochladen)"),
                            validators=[Optional(), Length(max=IMAGE_ALT_MAX)])


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Begründung"), validators=[DataRequired(_l("Bitte geben Sie eine Begründung an.")),
                                                       Length(min=REASON_MIN, max=REASON_MAX)])


class MergeForm(FlaskForm):
    target = SelectField(_l("Zusammenführen mit"), coerce=int)


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"))
    answer = TextAreaField(_l("Offizielle Antwort (Markdown; bei „abgelehnt“ Pflicht)"),
                           validators=[Length(max=ANSWER_MAX)])
