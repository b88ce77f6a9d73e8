from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
                                                         Length(max=254)],
                       render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"})
    pseudonym = StringField(_l("Öffentlicher Name (Pseudonym)"),
                            validators=[DataRequired(_l("Bitte wählen Sie einen Namen.")), Length(max=40)],
                            render_kw={"autocomplete": "nickname"})
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte wählen Sie ein Passwort.")),
                                                         Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte wiederholen Sie das Passwort.")),
        EqualTo("password", _l("Die Passwörter stimmen nicht überein."))], render_kw={"autocomplete": "new-password"})
    accept_terms = BooleanField(_l("Ich stimme den Nutzungsbedingungen und der Datenschutzerklärung zu."))


class LoginForm(FlaskForm):
    # "username": password managers pair the sign-in name (here the e-mail address) with the password.
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an."))],
                       render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an."))],
                             render_kw={"autocomplete": "current-password"})


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Ihr Passwort zur Bestätigung"),
                             validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort an."))],
                             render_kw={"autocomplete": "current-password"})
    delete_texts = BooleanField(_l("Auch den Text meiner Beiträge löschen"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Aktuelles Passwort"),
                                     validators=[DataRequired(_l("Bitte geben Sie Ihr aktuelles Passwort an.")),
                                                 Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("Neues Passwort"), validators=[
        DataRequired(_l("Bitte wählen Sie ein neues Passwort.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Neues Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte wiederholen Sie das neue Passwort.")),
        EqualTo("password", _l("Die Passwörter stimmen nicht überein."))], render_kw={"autocomplete": "new-password"})
