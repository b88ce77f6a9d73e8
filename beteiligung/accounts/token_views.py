"""The account page's API tokens: listed there (``account_tokens()`` in the template) and revoked one by one.

Imported at the end of accounts/views.py, so the routes hang on the accounts blueprint.
"""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from . import services
from .views import bp


@bp.context_processor
def token_helpers():
    # A callable, so that only the page that shows the tokens reads them.
    return {"account_tokens": lambda: services.list_tokens(current_user)}


@bp.route("/tokens/<token_id>/widerrufen", methods=["POST"])
@login_required
def revoke_token(token_id):
    """Revoke one of the account's own tokens; another account's or an unknown id: 404, nothing changed."""
    row = services.revoke_token(current_user._get_current_object(), token_id)
    name = row.name
    db.session.commit()
    flash(_("Das Zugangstoken „%(name)s“ ist widerrufen.", name=name) if name
          else _("Das Zugangstoken ist widerrufen."), "success")
    return redirect(url_for("accounts.account"), code=303)
