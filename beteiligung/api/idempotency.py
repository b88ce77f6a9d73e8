"""``Idempotency-Key`` for API writes: a retry after a lost answer gets the first answer, not a second write.

A write (POST, PUT, PATCH, DELETE under /api/v1) that carries ``Idempotency-Key: <key>`` is remembered
with its answer: a second request with the same key, by the same sender, to the same method and path,
with the same body, is not run again; it gets the stored status and JSON body and the header
``Idempotent-Replayed: true``. GET, HEAD and OPTIONS ignore the header.

* **Who.** The key counts per sender: the token's account (any token of it), else the access code,
  else the client's address. Only digests are stored (``accounts.services.digest``): one of sender,
  method, path and key (``key_hash``, unique) and one of the request (query string and body). The
  account's rows go with the account (foreign key, ``ON DELETE CASCADE``).
* **One transaction.** While such a request runs, the view's ``db.session.commit()`` only marks a
  point (flush and savepoint) and its ``rollback()`` goes back to the last point, as a real commit and
  rollback would; after the view the answer is stored with the key and everything is committed at
  once. A write that rolls back stores no key, and no key is stored without its write.
* **Not stored:** error answers (4xx: a corrected retry may succeed; 5xx never: after a server
  error nothing of the write is kept either, so that a retry runs cleanly), and the answers
  that hold a secret (``POST /auth/token``, ``POST /polls/{id}/access-codes``: there the header is
  ignored, as no token or code may be stored).
* **At the same time.** Requests with the same key wait for each other (PostgreSQL: an advisory
  lock of the transaction, at most ``IDEMPOTENCY_WAIT_SECONDS``, else 409 "wird gerade bearbeitet");
  the unique ``key_hash`` decides in any case: a request that finds the key stored when it commits
  rolls back its own write and answers with the stored answer.
* **Expiry.** A key is kept ``IDEMPOTENCY_HOURS`` (24) hours; an older one counts as new (the write
  that reuses it deletes it). ``flask api purge-idempotency`` deletes the expired rows (cron).
"""

import hashlib
import logging
from datetime import timedelta

import click
from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, Text, delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..accounts.services import digest
from ..errors import DomainError, json_error
from ..extensions import db, savepoint
from ..timeutil import utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 200
#: writes whose answer holds a secret (a token, access codes): the header is ignored there
SECRET_ANSWERS = frozenset({"api.create_token", "api.create_access_codes"})
_STATE = "_idempotency"


class IdempotencyKey(db.Model):
    """An API write made with an ``Idempotency-Key``, with the answer it got (see the module)."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of sender, method, path and key: never the key's sender in the clear, never a token or code
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the account of the token, so that the rows go with the account (None: an access code, an address)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)
    #: SHA-256 of the query string and the body: a retry must send the same
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)


def expiry_cutoff():
    """Keys created before this moment have expired (IDEMPOTENCY_HOURS, default 24)."""
    return utcnow() - timedelta(hours=float(current_app.config.get("IDEMPOTENCY_HOURS", 24)))


def purge_expired():
    """Delete the expired keys; returns how many. The caller commits."""
    return db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < expiry_cutoff())).rowcount


def key_digest(scope, method, path, value):
    """The stored digest of a key: sender, method, path and the key itself."""
    return digest("\n".join((scope, method, path, value)))


def lock_id(key_hash):
    """The number of the key's PostgreSQL advisory lock (a signed 64-bit integer from its digest)."""
    return int.from_bytes(bytes.fromhex(key_hash[:16]), "big", signed=True)


def valid_key(value):
    """1 to 200 printable ASCII characters (space to tilde)."""
    return 1 <= len(value) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in value)


class _State:
    """What one request with a key needs: its hashes, and the session's last commit point."""

    def __init__(self, key_hash, request_hash, user_id):
        self.key_hash, self.request_hash, self.user_id = key_hash, request_hash, user_id
        self.point = None  # the savepoint of the view's last commit; None: the view has not committed
        self.jobs = 0  # how many background jobs were waiting at that commit
        self.session = None
        self.done = False


def _sender():
    """(scope, user id) of the request's sender, or None when the view will refuse it anyway (a bad token)."""
    from . import api_token

    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    scheme = scheme.strip().lower()
    if scheme == "accesscode":
        from ..polls.services import normalise_code

        code = normalise_code(value)
        return ("code:" + digest(code), None) if code else None
    if scheme == "bearer" and value.strip():
        try:
            row = api_token()
        except DomainError:  # unknown or expired: the view answers 401
            return None
        return (f"account:{row.user_id}", row.user_id) if row is not None else None
    return "address:" + digest(request.remote_addr or "unknown"), None


def _request_hash():
    sha = hashlib.sha256()
    sha.update(request.query_string)
    sha.update(b"\n")
    sha.update(request.get_data(cache=True))
    return sha.hexdigest()


def _error(status, code, message, fields=None):
    return json_error(status, message, fields, code)


def _invalid_key():
    message = _("Der Idempotency-Key muss aus 1 bis 200 druckbaren ASCII-Zeichen bestehen.")
    return _error(400, "idempotency_key_invalid", message, {HEADER: [message]})


def _reused():
    return _error(422, "idempotency_key_reused",
                  _("Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet. Bitte senden Sie eine "
                    "neue Anfrage mit einem neuen Schlüssel."))


def _in_progress():
    response, status = _error(409, "idempotency_in_progress",
                              _("Eine Anfrage mit diesem Idempotency-Key wird gerade bearbeitet. Bitte versuchen "
                                "Sie es gleich noch einmal."))
    response.headers["Retry-After"] = "1"
    return response, status


def _replay(row):
    response = current_app.response_class(row.body, status=row.status, content_type=row.content_type or None)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _stored(key_hash):
    """The unexpired row of a key (an expired one is deleted in this transaction), or None."""
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key_hash == key_hash))
    if row is not None and row.created_at < expiry_cutoff():
        db.session.delete(row)
        db.session.flush()  # now, before the new row of the same key is inserted
        return None
    return row


def _answer_for(state, row):
    """The answer to a request whose key is stored already: the stored one, or 422 for another request."""
    if row.request_hash != state.request_hash:
        return _reused()
    return _replay(row)


def _wait_for_key(key_hash):
    """PostgreSQL: wait (at most IDEMPOTENCY_WAIT_SECONDS) until no other transaction works on this key; the
    lock is held until this request's transaction ends. False: still busy. Other databases: True (the
    unique key_hash decides when the answer is stored)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return True
    wait_ms = max(1, int(float(current_app.config.get("IDEMPOTENCY_WAIT_SECONDS", 10)) * 1000))
    previous = connection.execute(text("SELECT current_setting('lock_timeout')")).scalar()
    connection.execute(text("SELECT set_config('lock_timeout', :value, true)"), {"value": f"{wait_ms}ms"})
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id(key_hash)})
    except OperationalError:  # lock_timeout: the transaction is aborted
        db.session.rollback()
        return False
    connection.execute(text("SELECT set_config('lock_timeout', :value, true)"), {"value": previous})
    return True


# --- the view's commit and rollback while a request with a key runs ---

def _open(session, transaction):
    """True while ``transaction`` (a savepoint) is the session's innermost one or encloses it."""
    current = session.get_nested_transaction()
    while current is not None:
        if current is transaction:
            return True
        current = current.parent
    return False


def _new_point(state):
    from ..jobs import _SESSION_KEY

    state.point = savepoint()
    state.jobs = len(state.session.info.get(_SESSION_KEY, ()))


def _back_to_point(state):
    """Undo what was done since the view's last commit, as a rollback would; False: it never committed."""
    from ..jobs import _SESSION_KEY

    if state.point is None:
        return False
    if _open(state.session, state.point):
        state.point.rollback()  # a savepoint that a failed flush deactivated is only closed
    waiting = state.session.info.get(_SESSION_KEY)
    if waiting is not None:
        del waiting[state.jobs:]  # the jobs of what was undone are dropped, as a rollback drops them
    return True


def _defer_commits(state):
    """Make the session's commit() a commit point and its rollback() a return to the last point."""
    session = state.session = db.session()
    original_rollback = session.rollback

    def commit():
        session.flush()
        while state.point is not None and _open(session, state.point):
            innermost = session.get_nested_transaction()
            innermost.commit()
            if innermost is state.point:
                break
        _new_point(state)
        session.expire_all()  # as after a commit: what the view reads next comes from the database

    def rollback():
        if _back_to_point(state):
            _new_point(state)
        else:
            original_rollback()

    session.commit, session.rollback = commit, rollback


def _restore(state):
    """The session's own commit() and rollback() again."""
    if state.session is not None:
        for name in ("commit", "rollback"):
            state.session.__dict__.pop(name, None)


def _finish(state, response):
    """After the view: store the answer with the key and commit; an error answer commits only what the view
    committed. Returns the response to send."""
    session = state.session
    _restore(state)
    try:
        if response.status_code >= 500:
            session.rollback()  # the whole write: the client was told it failed, so a retry may run again
            return response
        if response.status_code >= 400:
            if _back_to_point(state):
                session.commit()  # what the view committed before it refused stays, as without a key
            else:
                session.rollback()
            return response
        if not _back_to_point(state):
            session.rollback()  # the view stored nothing: the key is stored alone
        session.add(IdempotencyKey(key_hash=state.key_hash, user_id=state.user_id, request_hash=state.request_hash,
                                   status=response.status_code, content_type=response.content_type or "",
                                   body=response.get_data(as_text=True)))
        session.commit()
        return response
    except IntegrityError:
        # Another request with the same key committed first: this one's write goes, its answer counts.
        session.rollback()
        row = _stored(state.key_hash)
        answer = _in_progress() if row is None else _answer_for(state, row)
        session.rollback()
        return current_app.make_response(answer)
    except SQLAlchemyError:
        log.exception("Idempotente Anfrage konnte nicht gespeichert werden: %s %s", request.method, request.path)
        session.rollback()
        return current_app.make_response(json_error(500))


def register(bp):
    """Hook the requests of the API blueprint and add ``flask api purge-idempotency``."""

    @bp.before_request
    def idempotency_before():
        if request.method not in WRITE_METHODS or request.endpoint in SECRET_ANSWERS:
            return None
        value = request.headers.get(HEADER)  # several such headers arrive as one, joined with ", "
        if value is None:
            return None
        if not valid_key(value):
            return _invalid_key()
        sender = _sender()
        if sender is None:
            return None  # the view refuses the credentials (401): nothing to remember
        scope, user_id = sender
        key_hash = key_digest(scope, request.method, request.path, value)
        state = _State(key_hash, _request_hash(), user_id)
        if not _wait_for_key(key_hash):
            return _in_progress()
        row = _stored(key_hash)
        if row is not None:
            answer = _answer_for(state, row)
            db.session.rollback()  # a replay writes nothing (not even the token's last use)
            return answer
        setattr(g, _STATE, state)
        _defer_commits(state)
        return None

    @bp.after_request
    def idempotency_after(response):
        state = g.get(_STATE)
        if state is None or state.done:
            return response
        state.done = True
        return _finish(state, response)

    @bp.teardown_request
    def idempotency_teardown(exc):
        state = g.get(_STATE)
        if state is not None:
            _restore(state)

    @bp.cli.command("purge-idempotency")
    def purge_command():
        """Delete the expired Idempotency-Keys of API writes (older than IDEMPOTENCY_HOURS)."""
        removed = purge_expired()
        db.session.commit()
        click.echo(f"Abgelaufene Idempotency-Keys gelöscht: {removed}")
