from flask import current_app, jsonify
from flask_babel import gettext as _

from ..api import bp, load
from ..errors import Unauthorized
from ..extensions import db, limiter
from . import services
from .schemas import TokenRequestSchema


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_token():
    data = load(TokenRequestSchema())
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthorized(_("E-Mail-Adresse oder Passwort sind nicht richtig."))
    token = services.issue_token(user, current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return jsonify({"token": token}), 201
