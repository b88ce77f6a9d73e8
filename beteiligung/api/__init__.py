"""The JSON API under /api/v1: bearer tokens, the error format of DESIGN.md, pagination."""

import json

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError, validate
from marshmallow import fields as mfields

from ..accounts.services import mark_token_used, resolve_token
from ..errors import DomainError, Invalid, Unauthorized, json_error, with_allow_header
from ..extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


# Methods that only read: a request with one of them never writes, not even the token's last use.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_token():
    """The ApiToken row of the request's bearer token, or None (no token); an unknown or expired token: 401.

    A request that may write (not GET/HEAD/OPTIONS) notes the token's last use on the row; the
    request's own commit stores it and a refused write rolls it back, so no extra commit is made.
    """
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        row = None
        if scheme.lower() == "bearer" and token.strip():
            row = resolve_token(token.strip())
            if row is None:
                raise Unauthorized(_("Das Zugangstoken ist ungültig oder abgelaufen."))
            if request.method not in READ_METHODS:
                mark_token_used(row)
        g.api_token = row
    return g.api_token


def api_user():
    """The user of the request's bearer token, or None. Cookies never authenticate API calls."""
    if "api_user" not in g:
        row = api_token()
        g.api_user = None if row is None else row.user
    return g.api_user


def write_limit():
    """The rate limit of API writes (WRITE_RATE_LIMIT), for ``limiter.limit``."""
    return current_app.config["WRITE_RATE_LIMIT"]


def write_key():
    """Who an API write is counted for: the token's account, the access code (as a digest, however it is
    spelled), else the client's address. Never a raw header: ``bearer``/``BEARER``/extra spaces are one
    token, and no token or code appears in the limit's storage (Redis key names)."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    scheme = scheme.strip().lower()
    if scheme == "accesscode" and value.strip():
        from ..accounts.services import digest
        from ..polls.services import normalise_code

        return "code:" + digest(normalise_code(value))
    if scheme == "bearer" and value.strip():
        try:
            user = api_user()
        except DomainError:  # an unknown or expired token: refused by the view (401); counted per address
            user = None
        if user is not None:
            return f"account:{user.id}"
    return "address:" + (request.remote_addr or "unknown")


#: the methods that write; one shared limit (WRITE_RATE_LIMIT) counts them across the whole API
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def require_api_user():
    user = api_user()
    if user is None:
        raise Unauthorized(_("Für diese Aktion ist ein Zugangstoken nötig (Authorization: Bearer …)."))
    return user


def _has_lone_surrogate(value):
    """True if any string in the parsed JSON holds an unpaired surrogate (which no database stores).

    One pass of the C encoder over the whole value (keys included): fast even for a 1 MB body.
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
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


# Request bodies: every API write gets a limit that fits what it takes (bytes); a larger body is
# refused with 413 before it is read. MAX_CONTENT_LENGTH (1 MiB) stays the limit of everything else.
DEFAULT_BODY_LIMIT = 16 * 1024
BODY_LIMITS = {
    "api.create_comment": 64 * 1024,      # COMMENT_MAX_LENGTH characters, JSON-escaped
    "api.patch_comment": 64 * 1024,
    "api.create_proposal_comment": 64 * 1024,
    "api.create_consultation": 1024 * 1024,
    "api.update_consultation": 1024 * 1024,
    "api.create_poll": 512 * 1024,        # 50 questions of 50 options
    "api.update_poll": 512 * 1024,
    "api.submit_ballot": 256 * 1024,      # 200 answers, free texts included
    "api.create_region": 64 * 1024,       # a description of 5000 characters, JSON-escaped
    "api.update_region": 64 * 1024,
    "api.create_process": 1024 * 1024,   # a body of 100,000 characters, as a consultation's
    "api.update_process": 1024 * 1024,
    "api.create_phase": 64 * 1024,       # a description of 5000 characters, JSON-escaped
    "api.update_phase": 64 * 1024,
    "api.create_measure": 256 * 1024,    # a description of 20,000 characters, JSON-escaped
    "api.update_measure": 256 * 1024,
    "api.add_measure_update": 64 * 1024,  # a text of 5000 characters, JSON-escaped
    "api.create_proposal": 64 * 1024,    # a text of 10,000 characters, JSON-escaped
    "api.set_proposal_status": 64 * 1024,
}


def body_limit(endpoint):
    return BODY_LIMITS.get(endpoint, DEFAULT_BODY_LIMIT)


@bp.before_request
def limit_body():
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        request.max_content_length = min(body_limit(request.endpoint), current_app.config["MAX_CONTENT_LENGTH"])


def _check_lengths(schema, data, path=""):
    """Refuse over-long lists before marshmallow looks at a single item (cheap, whatever the body holds)."""
    if not isinstance(data, dict):
        return
    for name, field in schema.fields.items():
        raw = data.get(field.data_key or name)
        where = f"{path}{field.data_key or name}"
        if isinstance(field, mfields.List) and isinstance(raw, list):
            for validator in field.validators:
                if isinstance(validator, validate.Length) and validator.max is not None and len(raw) > validator.max:
                    raise Invalid(_("Einige Angaben sind ungültig."),
                                  {where: [_("Höchstens %(n)d Einträge erlaubt.", n=validator.max)]})
            if isinstance(field.inner, mfields.Nested):
                for index, item in enumerate(raw):
                    _check_lengths(field.inner.schema, item, f"{where}.{index}.")
        elif isinstance(field, mfields.Nested) and not field.many:
            _check_lengths(field.schema, raw, f"{where}.")


def field_errors(messages, path=""):
    """marshmallow's nested messages as ``{"answers.0.value": ["…"]}``: dotted paths, lists of sentences."""
    flat = {}

    def walk(value, where):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, where if key == "_schema" else f"{where}.{key}" if where else str(key))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, where)
        else:
            flat.setdefault(where or "_schema", []).append(str(value))

    walk(messages, path)
    return flat


def load(schema, data=None):
    data = json_body() if data is None else data
    _check_lengths(schema, data)
    try:
        return schema.load(data)
    except ValidationError as error:
        raise Invalid(_("Einige Angaben sind ungültig."), field_errors(error.messages)) from None


def load_changes(schema):
    """The fields a PATCH changes, validated; a body that changes nothing is refused (422)."""
    data = load(schema)
    if not data:
        raise Invalid(_("Keine Änderung angegeben."))
    return data


MAX_PAGE = 100_000


def page_args():
    def number(name, default):
        raw = request.args.get(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or int(raw[:12]) < 1:
            raise BadRequest(_("%(name)s muss eine positive ganze Zahl sein.", name=name),
                             {name: [_("Positive ganze Zahl erwartet.")]})
        return int(raw) if len(raw) <= 12 else MAX_PAGE + 1  # thousands of digits: too large, not a 500

    page = number("page", 1)
    per_page = number("per_page", 20)
    problems = {}
    if page > MAX_PAGE:
        problems["page"] = [_("Höchstens %(n)d.", n=MAX_PAGE)]
    if per_page > current_app.config["API_MAX_PER_PAGE"]:
        problems["per_page"] = [_("Höchstens %(n)d Einträge je Seite.", n=current_app.config["API_MAX_PER_PAGE"])]
    if problems:
        raise Invalid(_("Einige Angaben sind ungültig."), problems)
    return page, per_page


def paged(page, items):
    return jsonify({"items": items, "page": page.page, "per_page": page.per_page, "total": page.total})


@bp.errorhandler(404)
def not_found(error):
    return json_error(404)


@bp.errorhandler(405)
def method_not_allowed(error):
    return with_allow_header(error, json_error(405))


from ..accounts import api as accounts_api  # noqa: E402,F401
from ..comments import api as comments_api  # noqa: E402,F401
from ..consultations import api as consultations_api  # noqa: E402,F401
from ..discovery import api as discovery_api  # noqa: E402,F401
from ..measures import api as measures_api  # noqa: E402,F401
from ..notifications import api as notifications_api  # noqa: E402,F401
from ..polls import api as polls_api  # noqa: E402,F401
from ..processes import api as processes_api  # noqa: E402,F401
from ..proposals import api as proposals_api  # noqa: E402,F401
from ..regions import api as regions_api  # noqa: E402,F401
from . import openapi  # noqa: E402,F401

# One write limit for the whole API: every write of an account (or code, or address) counts in one bucket,
# whatever the route. Routes with limits of their own declare them with override_defaults=False so that this
# one applies as well.
# Asking for a token is a log-in (LOGIN_RATE_LIMIT per address and the log-in throttle), not a write.
limiter.shared_limit(write_limit, scope="api-write", key_func=write_key, methods=WRITE_METHODS,
                     exempt_when=lambda: request.endpoint == "api.create_token")(bp)

# Idempotency-Key for every API write (a retry after a lost answer gets the first answer): beteiligung.api.idempotency
from .idempotency import register as _idempotency  # noqa: E402

_idempotency(bp)
