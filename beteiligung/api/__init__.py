"""The JSON API under /api/v1: bearer tokens, the error format of DESIGN.md, pagination."""

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..accounts.services import user_for_token
from ..errors import DomainError, Invalid, Unauthorized, json_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


def api_user():
    """The user of the request's bearer token, or None. Cookies never authenticate API calls."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        user = None
        if scheme.lower() == "bearer" and token.strip():
            user = user_for_token(token.strip())
            if user is None:
                raise Unauthorized(_("Das Zugangstoken ist ungültig oder abgelaufen."))
        g.api_user = user
    return g.api_user


def require_api_user():
    user = api_user()
    if user is None:
        raise Unauthorized(_("Für diese Aktion ist ein Zugangstoken nötig (Authorization: Bearer …)."))
    return user


def _has_lone_surrogate(value):
    """True if any string in the parsed JSON holds an unpaired surrogate (which no database stores)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_body():
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None
    if not isinstance(data, dict):
        raise BadRequest(_("Der Inhalt der Anfrage muss ein JSON-Objekt sein."))
    if _has_lone_surrogate(data):
        raise BadRequest(_("Der Inhalt der Anfrage enthält ungültige Unicode-Zeichen."))
    return data


def load(schema, data=None):
    try:
        return schema.load(json_body() if data is None else data)
    except ValidationError as error:
        fields = {key: value if isinstance(value, list) else [str(value)] for key, value in error.messages.items()}
        raise Invalid(_("Einige Angaben sind ungültig."), fields) from None


def page_args():
    def number(name, default):
        raw = request.args.get(name)
        if raw is None or raw == "":
            return default
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise BadRequest(_("%(name)s muss eine positive ganze Zahl sein.", name=name),
                             {name: [_("Positive ganze Zahl erwartet.")]})
        return int(raw)

    page = min(number("page", 1), 100_000)
    per_page = min(number("per_page", 20), current_app.config["API_MAX_PER_PAGE"])
    return page, per_page


def paged(page, items):
    return jsonify({"items": items, "page": page.page, "per_page": page.per_page, "total": page.total})


@bp.errorhandler(404)
def not_found(error):
    return json_error(404)


@bp.errorhandler(405)
def method_not_allowed(error):
    return json_error(405)


from ..accounts import api as accounts_api  # noqa: E402,F401
from ..comments import api as comments_api  # noqa: E402,F401
from ..consultations import api as consultations_api  # noqa: E402,F401
from ..polls import api as polls_api  # noqa: E402,F401
from ..regions import api as regions_api  # noqa: E402,F401
from . import openapi  # noqa: E402,F401
