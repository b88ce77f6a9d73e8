from flask import current_app, jsonify
from flask_babel import gettext as _

from ..api import api_token, bp, load
from ..errors import Unauthorized
from ..extensions import db, limiter
from ..timeutil import isoformat
from . import services
from .schemas import TokenRequestSchema


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], override_defaults=False)
def create_token():
    from flask import request

    from ..errors import json_error
    from . import throttle  # failed log-ins per account and per known device, as on the log-in page

    data = load(TokenRequestSchema())
    try:
        user = throttle.log_in(data["email"], data["password"], request.cookies.get(throttle.DEVICE_COOKIE))
    except throttle.LoginBlocked as blocked:
        response, status = json_error(429, blocked.message, code=blocked.code)
        response.headers["Retry-After"] = str(blocked.retry_after)
        return response, status
    db.session.commit()  # a failure is counted, a success ends the count
    if user is None:
        raise Unauthorized(_("E-Mail-Adresse oder Passwort sind nicht richtig."))
    token, row = services.issue_named_token(user, current_app.config["API_TOKEN_DAYS"], data["name"])
    db.session.commit()
    return jsonify({"token": token, "id": row.id, "name": row.name, "created_at": isoformat(row.created_at),
                    "expires_at": isoformat(row.expires_at)}), 201


@bp.route("/auth/token", methods=["DELETE"])
def revoke_token():
    """Revoke the token this request is made with (log-out of a script); 204."""
    row = api_token()
    if row is None:
        raise Unauthorized(_("Für diese Aktion ist ein Zugangstoken nötig (Authorization: Bearer …)."))
    services.revoke_token(row.user, row.id)
    db.session.commit()
    return "", 204


# The account page's token routes (accounts blueprint). Imported here because this module is loaded by
# create_app before the blueprints are registered; it would sit as well at the end of accounts/views.py.
from . import token_views  # noqa: E402,F401
