from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
                                                         Length(max=254)])
    pseudonym = StringField(_l("Öffentlicher Name (Pseudonym)"),
                            validators=[DataRequired(_l("Bitte wählen Sie einen Namen.")), Length(max=40)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte wählen Sie ein Passwort.")),
                                                         Length(max=200)])
    password_confirm = PasswordField(_l("Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte wiederholen Sie das Passwort.")),
        EqualTo("password", _l("Die Passwörter stimmen nicht überein."))])
    accept_terms = BooleanField(_l("Ich stimme den Nutzungsbedingungen und der Datenschutzerklärung zu."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an."))])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an."))])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Ihr Passwort zur Bestätigung"),
                             validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an."))])
