"""Domain errors raised by services, and their one mapping to HTTP (pages and JSON API)."""

from flask import flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def store_once(obj, message):
    """Add and flush ``obj``; if that breaks a unique constraint, roll back and raise Conflict(message).

    The database decides who was first (one ballot, one report, one account per e-mail), also
    under concurrent requests. No savepoint: on SQLite, releasing one that holds a transaction's
    first write would commit it, even if the caller refuses later.
    """
    from sqlalchemy.exc import IntegrityError

    from .extensions import db

    try:
        db.session.add(obj)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None
    return obj


HTTP_CODES = {
    400: ("bad_request", _l("Die Anfrage ist fehlerhaft.")),
    401: ("unauthorized", _l("Bitte melden Sie sich an.")),
    403: ("forbidden", _l("Dafür fehlt Ihnen die Berechtigung.")),
    404: ("not_found", _l("Die Seite oder der Eintrag wurde nicht gefunden.")),
    405: ("method_not_allowed", _l("Diese Methode ist hier nicht erlaubt.")),
    409: ("conflict", _l("Die Aktion widerspricht dem aktuellen Stand.")),
    413: ("too_large", _l("Die Anfrage ist zu groß.")),
    415: ("unsupported_media_type", _l("Bitte senden Sie JSON.")),
    422: ("invalid", _l("Einige Angaben sind ungültig.")),
    429: ("rate_limited", _l("Zu viele Anfragen. Bitte warten Sie einen Moment.")),
    500: ("server_error", _l("Ein unerwarteter Fehler ist aufgetreten.")),
}


def json_error(status, message=None, fields=None, code=None):
    default_code, default_message = HTTP_CODES.get(status, ("error", _l("Fehler.")))
    body = {"error": {"code": code or default_code, "message": str(message or default_message),
                      "fields": fields or {}}}
    return jsonify(body), status


def retry_after_seconds():
    """Seconds until the rate limit that refused this request lets it through again (as Retry-After)."""
    import time

    from .extensions import limiter

    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))


def retry_message():
    """The 429 message, saying in words when to try again."""
    seconds = retry_after_seconds()
    if seconds is None:
        return None
    return ngettext("Zu viele Anfragen. Bitte versuchen Sie es in %(num)d Sekunde erneut.",
                    "Zu viele Anfragen. Bitte versuchen Sie es in %(num)d Sekunden erneut.", seconds)


def with_allow_header(error, response):
    """A 405 names the methods the URL has (RFC 9110), for pages and the API alike."""
    methods = getattr(error, "valid_methods", None)
    if error.code == 405 and methods:
        body, status = response if isinstance(response, tuple) else (response, 405)
        response = make_response(body, status)
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response


def wants_json():
    return request.path.startswith("/api/")


def render_error_page(status, message=None):
    _code, default_message = HTTP_CODES.get(status, ("error", _l("Fehler.")))
    return render_template("errors/error.html", status=status, message=message or default_message), status


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        from .extensions import db

        db.session.rollback()
        if wants_json():
            return json_error(error.status, error.message, error.fields, error.code)
        if error.status in (409, 422) and request.method == "POST" and request.referrer:
            # A refused form action: tell the user and go back to where they came from.
            flash(error.message, "error")
            return redirect(request.referrer, code=303)
        return render_error_page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error):
        return render_error_page(
            400, _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es erneut."))

    @app.errorhandler(HTTPException)
    def handle_http_exception(error):
        message = retry_message() if error.code == 429 else None
        if wants_json():
            response = json_error(error.code, message)
        elif error.code == 401:
            return redirect(url_for("accounts.login", next=request.full_path))
        else:
            response = render_error_page(error.code, message)
        return with_allow_header(error, response)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        from .extensions import db

        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if wants_json():
            return json_error(500)
        return render_error_page(500)
