"""What the service modules share."""

from flask_babel import gettext as _


def check_message():
    return _("Bitte prüfen Sie die markierten Angaben.")
