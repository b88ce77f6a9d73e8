import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import delete, func, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..errors import Conflict, Invalid, store_once
from ..extensions import db
from ..markup import clean_text
from ..policy import require_region_admin
from ..timeutil import isoformat, utcnow
from .models import ROLES, ApiToken, User
from .passwords import hash_password, verify_password

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
PSEUDONYM_PATTERN = re.compile(r"^[\w][\w .\-]{1,38}[\w.]$")


def normalize_email(email):
    return clean_text(email).strip().lower()


def _check_email(email):
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid(_("Bitte geben Sie eine gültige E-Mail-Adresse an."),
                      {"email": [_("Ungültige E-Mail-Adresse.")]}) from None


def _check_password(password):
    if not isinstance(password, str) or not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise Invalid(_("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=PASSWORD_MIN_LENGTH),
                      {"password": [_("Mindestens %(n)d Zeichen.", n=PASSWORD_MIN_LENGTH)]})


def _check_pseudonym(pseudonym):
    pseudonym = clean_text(pseudonym).strip()
    if not PSEUDONYM_PATTERN.match(pseudonym):
        raise Invalid(_("Der Name muss 3 bis 40 Zeichen lang sein und darf Buchstaben, Ziffern, Leerzeichen, "
                        "Punkt, Binde- und Unterstrich enthalten."),
                      {"pseudonym": [_("3 bis 40 Zeichen: Buchstaben, Ziffern, Leerzeichen, . - _")]})
    return pseudonym


def register_user(email, password, pseudonym, accepted_terms, role="citizen", confirmed=True, locale="de"):
    """Create an account. The e-mail is stored lower-case; the pseudonym is the public name.

    Accounts made by operators, the demo and tests count as confirmed; self-registration passes
    ``confirmed=False`` (accounts.confirmation mails the link). A taken pseudonym is refused before a
    taken address, so that the answer to a taken pseudonym says nothing about the address.
    """
    if not accepted_terms:
        raise Invalid(_("Bitte stimmen Sie den Nutzungsbedingungen und der Datenschutzerklärung zu."),
                      {"accept_terms": [_("Zustimmung erforderlich.")]})
    if role not in ROLES:
        raise Invalid(_("Unbekannte Rolle."), {"role": [_("Unbekannte Rolle.")]})
    email = _check_email(normalize_email(email))
    _check_password(password)
    pseudonym = _check_pseudonym(pseudonym)
    if db.session.scalar(select(User.id).where(User.pseudonym_key == pseudonym.lower())) is not None:
        raise Conflict(_("Dieser Name ist bereits vergeben."), {"pseudonym": [_("Bereits vergeben.")]})
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("Für diese E-Mail-Adresse gibt es bereits ein Konto."),
                       {"email": [_("Bereits registriert.")]})
    user = User(email=email, pseudonym=pseudonym, pseudonym_key=pseudonym.lower(),
                password_hash=hash_password(password), role=role, terms_accepted_at=utcnow(),
                email_confirmed_at=utcnow() if confirmed else null(), locale=locale if locale in ("de", "en") else "de")
    return store_once(user, _("E-Mail-Adresse oder Name sind bereits vergeben."))


def authenticate(email, password):
    """The user with this e-mail and password, or None."""
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX_LENGTH:
        return None
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        # Same work as for a known address, so response times do not reveal which addresses exist.
        verify_password(_dummy_hash(), password)
        return None
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        return None
    if new_hash:
        user.password_hash = new_hash
    return user


@functools.cache
def _dummy_hash():
    return hash_password(secrets.token_hex(8))


def digest(value):
    """SHA-256 hex digest of a secret or an address (stored and used as a key instead of the value)."""
    return hashlib.sha256(value.encode()).hexdigest()


def issue_token(user, days):
    """A new unnamed token (its value, shown once); see :func:`issue_named_token`."""
    return issue_named_token(user, days)[0]


def user_for_token(token):
    """The account of an unexpired bearer token, or None (the rule is :func:`resolve_token`)."""
    row = resolve_token(token)
    return row.user if row is not None else None


def end_other_sessions(user):
    """End every session and delete every API token of the account; returns the new session version.

    Sessions remember the version they started with (accounts.views) and are refused once the
    account's is higher. The caller commits; a session that should go on stores the returned version.
    """
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    version = db.session.scalar(select(User.session_version).where(User.id == user.id))
    set_committed_value(user, "session_version", version)
    return version


def change_password(user, current_password, new_password):
    """Set a new password after checking the current one; ends the account's other sessions and tokens.

    Returns the new session version (for the session that made the change, which stays logged in).
    """
    if not isinstance(current_password, str) or len(current_password) > PASSWORD_MAX_LENGTH:
        current_password = ""
    ok, _new_hash = verify_password(user.password_hash, current_password)
    if not ok:
        raise Invalid(_("Das aktuelle Passwort ist nicht richtig."),
                      {"current_password": [_("Das Passwort ist nicht richtig.")]})
    _check_password(new_password)
    if new_password == current_password:
        raise Invalid(_("Das neue Passwort muss sich vom bisherigen unterscheiden."),
                      {"password": [_("Bitte wählen Sie ein anderes Passwort.")]})
    user.password_hash = hash_password(new_password)
    db.session.flush()
    return end_other_sessions(user)


def assign_moderator(user, region):
    """Make the user a moderator of the region (no permission check: for the CLI and set_moderator).

    A citizen becomes a moderator; any other role stays (never anything more than moderator).
    """
    if not any(r.id == region.id for r in user.moderated_regions):
        user.moderated_regions.append(region)
    if user.role == "citizen":
        user.role = "moderator"


def set_moderator(actor, user, region, moderator=True):
    """Make an account moderator of a region, or take that away again; returns whether anything changed.

    The one rule for the platform administration's accounts page, the region's settings page, the API
    and the command line (``actor`` None: the operator, no permission check): platform administrators
    everywhere, a region's administrators in their own region only. Idempotent: appointing a
    moderator again or removing someone who does not moderate the region changes nothing and writes
    no audit entry. The role only moves between citizen and moderator; an administrator stays one.
    """
    if actor is not None:
        require_region_admin(actor, region)
    is_moderator = any(r.id == region.id for r in user.moderated_regions)
    if moderator == is_moderator:
        return False
    try:
        if moderator:
            assign_moderator(user, region)
        else:
            user.moderated_regions.remove(next(r for r in user.moderated_regions if r.id == region.id))
            if user.role == "moderator" and not user.moderated_regions:
                user.role = "citizen"
        db.session.flush()
    except (IntegrityError, StaleDataError):
        # Someone else changed the same account's moderation of this region in the same moment.
        db.session.rollback()
        raise Conflict(_("Die Moderation der Region wurde gerade gleichzeitig geändert. Bitte versuchen Sie es "
                         "erneut.")) from None
    record(actor, "moderator.added" if moderator else "moderator.removed", user, region)
    db.session.flush()
    return True


def export_data(user):
    """Everything stored about the user, for the user to download (GDPR Art. 15 and 20).

    One section per exported category of ``beteiligung.privacy`` (the same keys, in its order), the
    plugins' as ``"<plugin>.<key>"``; ``about`` describes each section with the privacy page's texts.
    A plugin that failed to answer is named under ``incomplete``: the export never looks complete
    when it is not.
    """
    from .. import privacy
    from ..comments.models import Comment, CommentReport, CommentVote
    from ..consultations.models import Consultation
    from ..proposals.models import Proposal

    # A comment is on a consultation or on a proposal: the title of either names where it was written.
    comments = db.session.execute(
        select(Comment, func.coalesce(Consultation.title, Proposal.title))
        .outerjoin(Consultation, Comment.consultation_id == Consultation.id)
        .outerjoin(Proposal, Comment.proposal_id == Proposal.id)
        .where(Comment.author_id == user.id).order_by(Comment.created_at)).all()
    votes = db.session.scalars(select(CommentVote).where(CommentVote.user_id == user.id)
                               .order_by(CommentVote.created_at)).all()
    reports = db.session.scalars(select(CommentReport).where(CommentReport.reporter_id == user.id)
                                 .order_by(CommentReport.created_at)).all()
    tokens = [{"name": t.name, "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat(),
               "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
              for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                          .order_by(ApiToken.created_at, ApiToken.id))]
    sections = {**_comment_data(user, comments, votes, reports), **_poll_data(user), "api_tokens": tokens,
                **_people_data(user)}
    from ..proposals.services import export_of as proposal_data

    sections.update(proposal_data(user))
    plugin_sections, failed = _plugin_data(user)
    sections.update(plugin_sections)
    categories = privacy.categories()
    data = {key: sections.pop(key) for key in privacy.exported_keys(categories) if key in sections}
    data.update(sections)  # a plugin's section it did not describe: shown all the same, never hidden
    described = {category.key: category for category in categories}
    data["about"] = {key: {name: value for name, value in privacy.describe(described[key]).items()
                           if name in ("title", *privacy.FIELDS)} if key in described else
                     {"title": key, "data": _("Keine Beschreibung: das Plugin hat diesen Abschnitt nicht erklärt.")}
                     for key in data}
    if failed:
        data["incomplete"] = [_("Das Plugin „%(plugin)s“ konnte seine Daten zu Ihrem Konto nicht liefern; bitte "
                                "versuchen Sie es später erneut.", plugin=name) for name in failed]
    return data


def _comment_data(user, comments, votes, reports):
    return {
        "account": {"email": user.email, "pseudonym": user.pseudonym, "role": user.role,
                    "created_at": isoformat(user.created_at), "terms_accepted_at": isoformat(user.terms_accepted_at),
                    "email_confirmed_at": isoformat(user.email_confirmed_at),
                    "moderated_regions": [region.slug for region in user.moderated_regions],
                    "administered_regions": [region.slug for region in user.administered_regions]},
        "comments": [{"id": c.id, "consultation_id": c.consultation_id, "proposal_id": c.proposal_id,
                      "consultation" if c.consultation_id is not None else "proposal": title, "body": c.body,
                      "status": c.status, "official": c.official, "parent_id": c.parent_id,
                      "created_at": isoformat(c.created_at), "edited_at": isoformat(c.edited_at)}
                     for c, title in comments],
        "votes": [{"comment_id": v.comment_id, "value": v.value, "created_at": isoformat(v.created_at)}
                  for v in votes],
        "reports": [{"comment_id": r.comment_id, "reason": r.reason, "created_at": isoformat(r.created_at),
                     "resolution": r.resolution} for r in reports],
    }


def _poll_data(user):
    """The user's ballots (with their answers), submitted problems and comparisons."""
    from ..polls.models import Answer, Ballot, Comparison, Option, Poll, Problem, Question

    ballots = db.session.execute(select(Ballot.id, Ballot.poll_id, Poll.title, Ballot.created_at)
                                 .join(Poll, Poll.id == Ballot.poll_id).where(Ballot.user_id == user.id)
                                 .order_by(Ballot.id)).all()
    answers = {}
    if ballots:
        for ballot_id, question, option, number, text in db.session.execute(
                select(Answer.ballot_id, Question.text, Option.label, Answer.number, Answer.text)
                .join(Question, Question.id == Answer.question_id)
                .outerjoin(Option, Option.id == Answer.option_id)
                .where(Answer.ballot_id.in_([b.id for b in ballots])).order_by(Answer.id)):
            answers.setdefault(ballot_id, []).append(
                {"question": question, "option": option, "number": number, "text": text})
    problems = db.session.scalars(select(Problem).where(Problem.author_id == user.id).order_by(Problem.id)).all()
    comparisons = db.session.scalars(select(Comparison).where(Comparison.user_id == user.id)
                                     .order_by(Comparison.id)).all()
    return {
        "ballots": [{"poll_id": b.poll_id, "poll": b.title, "created_at": isoformat(b.created_at),
                     "answers": answers.get(b.id, [])} for b in ballots],
        "problems": [{"poll_id": p.poll_id, "text": p.text, "status": p.status, "created_at": isoformat(p.created_at)}
                     for p in problems],
        "comparisons": [{"poll_id": c.poll_id, "problems": [c.first_id, c.second_id], "winner_id": c.winner_id,
                         "created_at": isoformat(c.created_at)} for c in comparisons],
    }


def _people_data(user):
    """Follows, notifications, mails, failed log-ins and the audit entries by or about the account."""
    from ..audit.models import AuditEntry
    from ..mail.models import OutgoingMail
    from ..notifications.models import Follow, Notification, NotificationPreference
    from ..regions.models import Region
    from .models import LoginThrottle

    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id)).all()
    notifications = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                       .order_by(Notification.id)).all()
    settings = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id)
                                  .order_by(NotificationPreference.kind)).all()
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == user.email)
                               .order_by(OutgoingMail.id)).all()
    throttle = db.session.get(LoginThrottle, f"account:{user.id}")
    entries = db.session.execute(
        select(AuditEntry, Region.slug).outerjoin(Region, Region.id == AuditEntry.region_id)
        .where((AuditEntry.actor_id == user.id)
               | ((AuditEntry.target_type == User.__tablename__) & (AuditEntry.target_id == user.id)))
        .order_by(AuditEntry.id)).all()
    return {
        "follows": [{"target_type": f.target_type, "target_id": f.target_id, "automatic": f.automatic,
                     "created_at": isoformat(f.created_at)} for f in follows],
        "notifications": {
            "settings": {"auto_follow": user.auto_follow, "locale": user.locale,
                         "channels": {setting.kind: setting.channel for setting in settings}},
            "items": [{"kind": n.kind, "params": n.params, "url": n.url, "created_at": isoformat(n.created_at),
                       "read_at": isoformat(n.read_at), "emailed_at": isoformat(n.emailed_at)}
                      for n in notifications]},
        "mails": [{"subject": m.subject, "text": m.text_body, "status": m.status,
                   "created_at": isoformat(m.created_at), "sent_at": isoformat(m.sent_at)} for m in mails],
        "login_throttling": None if throttle is None else {
            "failures": throttle.failures, "last_failure_at": isoformat(throttle.last_failure_at),
            "blocked_until": isoformat(throttle.blocked_until)},
        "audit_log": [{"action": e.action, "by_you": e.actor_id == user.id, "target_type": e.target_type,
                       "target_id": e.target_id, "region": slug, "details": e.details,
                       "created_at": isoformat(e.created_at)} for e, slug in entries],
        "staff_work": _staff_work(user),
    }


#: what the export shows of a row that names the account as its creator, resolver or enabler
_STAFF_FIELDS = ("id", "title", "name", "plugin", "region_id", "comment_id", "measure_id", "resolution",
                 "created_at", "resolved_at", "enabled_at")


def _staff_work(user):
    """Rows that name the account as who created, resolved or enabled them (privacy category
    ``staff_work``, its ``columns``): ``{"table.column": [row, …]}``, only those that have rows."""
    from .. import privacy

    category = next(c for c in privacy.CORE_CATEGORIES if c.key == "staff_work")
    found = {}
    for qualified in category.columns:
        table_name, _dot, column = qualified.partition(".")
        table = db.metadata.tables.get(table_name)
        if table is None or column not in table.c:
            continue
        fields = [table.c[name] for name in _STAFF_FIELDS if name in table.c]
        rows = db.session.execute(select(*fields).where(table.c[column] == user.id)
                                  .order_by(*[c for c in fields if c.primary_key] or fields[:1])).all()
        if rows:
            found[qualified] = [{name: isoformat(value) if isinstance(value, datetime) else value
                                 for name, value in row._mapping.items()} for row in rows]
    return found


def _plugin_data(user):
    """The loaded plugins' sections (``"<plugin>.<key>"``) and the titles of the plugins that failed."""
    from ..plugins.runtime import call_contained, get_registry

    registry = get_registry()
    if not registry.plugins:
        return {}, []
    failures = []
    sections = {}
    for name, result in sorted(call_contained("export_personal_data", set(registry.plugins), failures=failures,
                                              user=user), key=lambda item: item[0]):
        if not isinstance(result, dict):
            failures.append(name)
            continue
        for key, value in result.items():
            sections[key if str(key).startswith(f"{name}.") else f"{name}.{key}"] = value
    return sections, [str(registry.plugins[name].title or name) for name in sorted(failures)]


def _delete_plugin_data(user, delete_texts):
    """Let every loaded plugin delete its data about the account; refuse (nothing deleted) if one fails."""
    from ..plugins.runtime import call_contained, get_registry

    registry = get_registry()
    if not registry.plugins:
        return
    failures = []
    everything = db.session.begin_nested()  # the plugins' deletions stand or fall together
    call_contained("delete_personal_data", set(registry.plugins), failures=failures, user=user,
                   delete_texts=delete_texts)
    if failures:
        everything.rollback()
        names = ", ".join(f"„{registry.plugins[name].title or name}“" for name in sorted(failures))
        raise Conflict(_("Ihr Konto wurde nicht gelöscht: die Erweiterung %(plugins)s konnte ihre Daten zu Ihrem "
                         "Konto nicht löschen. Damit nichts davon zurückbleibt, wurde gar nichts gelöscht. Bitte "
                         "versuchen Sie es später erneut oder wenden Sie sich an die Administration.",
                         plugins=names))
    everything.commit()


def delete_account(user, password, delete_texts=False):
    """Delete the account. Comments stay, shown as by a deleted account; votes are withdrawn.

    With ``delete_texts`` the texts of the comments go too (comments.services.erase_texts_of: hidden
    comments keep theirs as evidence for the moderation). What goes and what stays is described by
    ``beteiligung.privacy`` (``on_deletion``). The loaded plugins delete their data first (hook
    ``delete_personal_data``); if one of them fails, nothing is deleted (Conflict).
    """
    ok, _new_hash = verify_password(user.password_hash, password or "")
    if not ok:
        raise Invalid(_("Das Passwort ist nicht richtig."), {"password": [_("Das Passwort ist nicht richtig.")]})
    remove_account(user, delete_texts=delete_texts)


def remove_account(user, delete_texts=False):
    """The deletion itself, without asking for the password: for delete_account and for accounts that
    never confirmed their address (accounts.confirmation.delete_unconfirmed_accounts). Everything an
    account deletion must remove belongs here, so that both paths remove the same."""
    from ..comments.models import Comment, CommentVote
    from ..comments.services import erase_texts_of
    from ..consultations.models import Consultation

    if user.role == "admin" and db.session.scalar(
            select(func.count(User.id)).where(User.role == "admin", User.id != user.id)) == 0:
        raise Conflict(_("Das letzte Administrationskonto kann nicht gelöscht werden."))
    _delete_plugin_data(user, delete_texts)
    if delete_texts:
        erase_texts_of(user)
    from ..proposals import services as proposals

    if delete_texts:
        proposals.erase_texts_of(user)
    proposals.forget_supports_of(user)  # the counts of what the account supported go down with it
    voted_ids = list(db.session.scalars(select(CommentVote.comment_id).where(CommentVote.user_id == user.id)))
    touched = set(db.session.scalars(select(Comment.consultation_id).where(
        (Comment.author_id == user.id) | Comment.id.in_(voted_ids))))
    db.session.execute(delete(CommentVote).where(CommentVote.user_id == user.id))
    if voted_ids:
        up = (select(func.count(CommentVote.id)).where(CommentVote.comment_id == Comment.id, CommentVote.value == 1)
              .scalar_subquery())
        down = (select(func.count(CommentVote.id))
                .where(CommentVote.comment_id == Comment.id, CommentVote.value == -1).scalar_subquery())
        db.session.execute(update(Comment).where(Comment.id.in_(voted_ids))
                           .values(upvotes=up, downvotes=down, score=up - down))
    if touched:
        # Cached discussions show the author's name and the counts: they must be rendered again.
        db.session.execute(update(Consultation).where(Consultation.id.in_(touched))
                           .values(revision=Consultation.revision + 1))
    _delete_mail_and_throttle(user)
    # The database does the rest: tokens, follows, notifications and moderation rights go, comments,
    # reports, ballots, problems and comparisons lose their author, audit entries keep the act without
    # the person.
    user_id = user.id
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.flush()


def _delete_mail_and_throttle(user):
    """Mails to the account's address (sent or waiting) and its count of failed log-ins: no foreign key
    ties them to the account, so the database would keep them."""
    from ..mail.models import OutgoingMail
    from .throttle import forget_account

    db.session.execute(delete(OutgoingMail).where(OutgoingMail.recipient == user.email))
    forget_account(user.id)  # the account's own count and those of the devices it logged in from


# --- API tokens the owner can name, list and revoke (account page and API share these rules) ---

def issue_named_token(user, days, name=""):
    """A new token for the user, named ``name`` (may be empty): (token value, ApiToken row).

    The value is returned only here, once; only its digest is stored, so nobody can show it again.
    """
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=digest(token), name=name or "",
                   expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    return token, row


def resolve_token(token):
    """The unexpired ApiToken row of a bearer token value (its ``user`` loaded), or None."""
    if not isinstance(token, str) or not token:
        return None
    # The account comes with the token (contains_eager): ``token.user`` needs no second query.
    api_token = db.session.scalars(
        select(ApiToken).join(User, ApiToken.user_id == User.id).options(contains_eager(ApiToken.user))
        .where(ApiToken.token_hash == digest(token))).first()
    if api_token is None or api_token.expires_at <= utcnow():
        return None
    return api_token


# How exactly a token's last use is noted: a busy client's writes update its row at most once per minute.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def mark_token_used(api_token):
    """Note a write made with the token, to the minute. No flush and no commit: the request's own commit
    stores it, and a refused write (rolled back) leaves the old time. Reads never call this: a GET never
    writes. Within a minute of the last noted use nothing changes, so that a client sending many writes
    does not add an UPDATE of its token to each of them."""
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_USE_RESOLUTION:
        api_token.last_used_at = now


def list_tokens(user):
    """The account's tokens that still work, newest first (expired ones are not listed: they open nothing)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(user, token_id):
    """Revoke (delete) one of the user's own tokens. Another account's or an unknown id: NotFound, nothing changed."""
    from ..errors import NotFound
    from ..ids import parse_id

    number = parse_id(token_id)
    row = None if number is None else db.session.scalar(
        select(ApiToken).where(ApiToken.id == number, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound(_("Dieses Zugangstoken gibt es nicht (mehr)."))
    db.session.delete(row)
    db.session.flush()
    return row
