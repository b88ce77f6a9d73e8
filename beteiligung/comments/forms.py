from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Ihr Beitrag"), validators=[DataRequired(_l("Bitte schreiben Sie einen Text."))])
    parent_id = HiddenField()
    section_id = HiddenField()
    official = BooleanField(_l("Als offizielle Stellungnahme kennzeichnen"))


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Ihr Beitrag"), validators=[DataRequired(_l("Bitte schreiben Sie einen Text."))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Begründung"), validators=[
        DataRequired(_l("Bitte geben Sie eine Begründung an.")), Length(min=3, max=1000)])


class ResolveReportForm(FlaskForm):
    action = RadioField(_l("Entscheidung"), choices=[
        ("dismiss", _l("Meldung zurückweisen, Beitrag bleibt sichtbar")),
        ("hide", _l("Beitrag ausblenden"))], validators=[DataRequired(_l("Bitte wählen Sie eine Entscheidung."))])
    reason = TextAreaField(_l("Begründung für das Ausblenden (wird öffentlich angezeigt)"),
                           validators=[Length(max=1000)])


class ActionForm(FlaskForm):
    """A button that only needs CSRF protection."""


class DeleteCommentForm(FlaskForm):
    """The confirmation page's button sends confirm=ja; a POST without it deletes nothing."""

    confirm = HiddenField(validators=[AnyOf(["ja"], message=_l("Bitte bestätigen Sie das Löschen mit der "
                                                                  "Schaltfläche „Ja, Beitrag löschen“."))])
