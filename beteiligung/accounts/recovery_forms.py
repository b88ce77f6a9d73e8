from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse Ihres Kontos"),
                       validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
                       render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Neues Passwort"), validators=[
        DataRequired(_l("Bitte wählen Sie ein neues Passwort.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Neues Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte wiederholen Sie das neue Passwort.")),
        EqualTo("password", _l("Die Passwörter stimmen nicht überein."))], render_kw={"autocomplete": "new-password"})


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("Neue E-Mail-Adresse"),
                       validators=[DataRequired(_l("Bitte geben Sie die neue E-Mail-Adresse an.")), Length(max=254)],
                       render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"})
    current_password = PasswordField(_l("Aktuelles Passwort"),
                                     validators=[DataRequired(_l("Bitte geben Sie Ihr aktuelles Passwort an.")),
                                                 Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})


class ConfirmForm(FlaskForm):
    """Only the CSRF token: confirming what a mailed link shows is a POST of its own."""


class ProfileForm(FlaskForm):
    pseudonym = StringField(_l("Öffentlicher Name (Pseudonym)"),
                            validators=[DataRequired(_l("Bitte wählen Sie einen Namen.")), Length(max=40)],
                            render_kw={"autocomplete": "nickname"})
    locale = SelectField(_l("Sprache der E-Mails"), choices=[("de", "Deutsch"), ("en", "English")],
                         validators=[DataRequired(_l("Bitte wählen Sie eine Sprache."))])
