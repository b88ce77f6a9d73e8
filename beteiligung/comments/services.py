from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from .. import events
from ..audit.services import record
from ..consultations.models import Consultation
from ..errors import Conflict, Invalid, NotAllowed, NotFound, store_once
from ..extensions import db
from ..markup import clean_text
from ..notifications import services as notifications
from ..pagination import Page
from ..policy import can_moderate, require_confirmed, require_login, require_moderator
from ..proposals.models import Proposal, ProposalCollection
from ..timeutil import utcnow
from .cursors import write_cursor
from .models import REASON_MAX, REASON_MIN, Comment, CommentReport, CommentVote
from .subjects import SUBJECTS, kind_of, of_comment

SORTS = ("newest", "top")


@dataclass
class Thread:
    comment: Comment
    replies: list = field(default_factory=list)


def _check_body(body):
    body = clean_text(body).strip()
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if not body:
        raise Invalid(_("Bitte schreiben Sie einen Text."), {"body": [_("Darf nicht leer sein.")]})
    if len(body) > limit:
        raise Invalid(_("Ein Beitrag darf höchstens %(limit)d Zeichen lang sein (Ihrer hat %(n)d).",
                        limit=limit, n=len(body)),
                      {"body": [_("Höchstens %(limit)d Zeichen.", limit=limit)]})
    return body


def _check_with_plugins(body, subject, author):
    """Plugins enabled in the region may refuse a comment (comment_validators), with a reason.
    ``consultation`` is None for a comment on a proposal; ``subject`` is what is commented on."""
    kind = kind_of(subject)
    messages = events.refusals("comment_validators", kind.region(subject), body=body,
                               consultation=subject if kind.type == "consultation" else None, subject=subject,
                               author=author)
    if messages:
        raise Invalid(messages[0], {"body": messages})


def _check_reason(reason, field_name="reason"):
    reason = clean_text(reason).strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise Invalid(_("Bitte geben Sie eine Begründung mit %(min)d bis %(max)d Zeichen an.",
                        min=REASON_MIN, max=REASON_MAX),
                      {field_name: [_("%(min)d bis %(max)d Zeichen.", min=REASON_MIN, max=REASON_MAX)]})
    return reason


def _touch(comment, comment_delta=0):
    """Count a change of the comment's discussion (and of its number of comments)."""
    SUBJECTS[comment.subject_type].touch(comment.subject_id, comment_delta)


def region_of(comment):
    """The region whose moderators look after the comment."""
    kind, subject = of_comment(comment)
    return kind.region(subject)


def _require_open(comment):
    kind, subject = of_comment(comment)
    kind.require_open(subject)


def is_public(subject):
    """Whether the subject's discussion may be read by everyone (a published consultation or proposal)."""
    return kind_of(subject).is_public(subject)


def is_open(subject):
    """Whether the subject's discussion takes new comments and votes now (for pages)."""
    return kind_of(subject).is_open(subject)


def belongs_to(comment, subject):
    kind = kind_of(subject)
    return comment.subject_type == kind.type and getattr(comment, kind.column.key) == subject.id


def create_comment(author, subject, body, parent=None, section=None, official=False):
    """A comment on a consultation (or one of its sections) or on a proposal, or a reply to another comment."""
    kind = kind_of(subject)
    region = kind.region(subject)
    require_login(author)
    kind.require_open(subject)
    require_confirmed(author, region, "comment")
    body = _check_body(body)
    _check_with_plugins(body, subject, author)
    if official and not can_moderate(author, region):
        raise NotAllowed(_("Offizielle Stellungnahmen können nur Moderatorinnen und Moderatoren der Region abgeben."))
    depth, root_id = 0, None
    answered = parent  # whose author is told of the reply, also when it joins the level above
    if parent is not None:
        if not belongs_to(parent, subject):
            raise Invalid(_("Der Beitrag, auf den Sie antworten, gehört zu einer anderen Diskussion."),
                          {"parent_id": [_("Unbekannter Beitrag.")]})
        if parent.status != "visible":
            raise Conflict(_("Auf ausgeblendete oder gelöschte Beiträge kann nicht geantwortet werden."))
        max_depth = current_app.config["COMMENT_MAX_DEPTH"]
        if parent.depth >= max_depth - 1:
            # Replies below the deepest level join that level, next to the comment they answer.
            parent = parent.parent
        section = parent.section
        depth, root_id = parent.depth + 1, parent.root_id or parent.id
    elif section is not None and (kind.type != "consultation" or section.consultation_id != subject.id
                                  or section.removed):
        raise Invalid(_("Diesen Abschnitt gibt es in der Beteiligung nicht."),
                      {"section_id": [_("Unbekannter Abschnitt.")]})
    comment = Comment(**kind.comment_values(subject), section=section, parent=parent, root_id=root_id,
                      depth=depth, author=author, body=body, official=bool(official))
    db.session.add(comment)
    db.session.flush()
    if root_id is None:
        db.session.expire(subject, ["thread_count"])  # counted by the database (migration 0015)
    _touch(comment, +1)
    if official:
        record(author, "comment.official_statement", comment, region)
    events.notify("comment_created", region, comment=comment,
                  consultation=subject if kind.type == "consultation" else None, subject=subject)
    url = kind.link(subject.id, comment.id)
    if answered is not None and answered.author_id not in (None, author.id):
        notifications.emit("comment_replied", [answered.author_id], {"actor": author.pseudonym,
                           "title": subject.title}, url, comment.id, actor=author)
    if official:
        told = [answered.author_id] if answered is not None else ()  # they were told of the reply
        notifications.emit("official_statement", kind.audience(subject), {"title": subject.title}, url, comment.id,
                           actor=author, exclude=told)
    kind.follow_automatically(author, subject)
    return comment


def get_comment(comment_id):
    """A comment of a public discussion (a published consultation, a published proposal); NotFound otherwise."""
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is not None:
        kind, subject = of_comment(comment)
        if kind.is_public(subject):
            return comment
    raise NotFound(_("Diesen Beitrag gibt es nicht."))


def can_edit(user, comment, now=None):
    if user is None or not getattr(user, "is_authenticated", False) or comment.author_id != user.id:
        return False
    window = timedelta(minutes=current_app.config["COMMENT_EDIT_WINDOW_MINUTES"])
    return comment.status == "visible" and (now or utcnow()) - comment.created_at <= window


def edit_comment(user, comment, body):
    require_login(user)
    if comment.author_id != user.id:
        raise NotAllowed(_("Sie können nur Ihre eigenen Beiträge bearbeiten."))
    if comment.status == "hidden":
        raise Conflict(_("Die Moderation hat diesen Beitrag ausgeblendet. Ausgeblendete Beiträge können nicht "
                         "gelöscht oder bearbeitet werden; der Text bleibt für die Moderation erhalten."))
    if comment.status != "visible":
        raise Conflict(_("Gelöschte Beiträge können nicht bearbeitet werden."))
    _require_open(comment)
    if not can_edit(user, comment):
        raise Conflict(_("Beiträge können nur %(n)d Minuten lang nach dem Schreiben bearbeitet werden.",
                         n=current_app.config["COMMENT_EDIT_WINDOW_MINUTES"]))
    comment.body = _check_body(body)
    _check_with_plugins(comment.body, comment.subject, user)
    comment.edited_at = utcnow()
    _touch(comment)
    db.session.flush()
    return comment


def check_deletable(user, comment):
    """Whether the user may delete the comment now; the one rule for the page, its confirmation and the API.

    A comment the moderation has hidden is evidence: its author can neither delete nor edit it
    (409), so the text the moderation hid stays stored for moderators. Restored, it can be deleted.
    """
    require_login(user)
    if comment.author_id != user.id:
        raise NotAllowed(_("Sie können nur Ihre eigenen Beiträge löschen."))
    if comment.status == "deleted":
        raise Conflict(_("Dieser Beitrag ist bereits gelöscht."))
    if comment.status == "hidden":
        raise Conflict(_("Die Moderation hat diesen Beitrag ausgeblendet. Ausgeblendete Beiträge können nicht "
                         "gelöscht oder bearbeitet werden; der Text bleibt für die Moderation erhalten."))


def delete_comment(user, comment):
    """The author withdraws a comment; it keeps its place in the thread, marked as deleted."""
    check_deletable(user, comment)
    comment.status = "deleted"
    comment.body = ""
    _touch(comment, -1)
    db.session.flush()
    return comment


def erase_texts_of(user):
    """For an account deleted with "delete my texts too": the texts of its comments are removed.

    Visible comments become deleted ones (empty body, place in the thread kept). Hidden comments
    keep their body as evidence of what the moderation hid; only their author link goes with the
    account. Returns the number of comments whose text was removed.
    """
    visible = list(db.session.scalars(select(Comment).where(Comment.author_id == user.id,
                                                            Comment.status == "visible")))
    for comment in visible:
        comment.status = "deleted"
        comment.body = ""
    for (kind, subject_id), count in Counter(
            (comment.subject_type, comment.subject_id) for comment in visible).items():
        SUBJECTS[kind].touch(subject_id, -count)
    db.session.flush()
    return len(visible)


def hide_comment(actor, comment, reason):
    kind, subject = of_comment(comment)
    region = kind.region(subject)
    require_moderator(actor, region)
    reason = _check_reason(reason)
    if comment.status == "deleted":
        raise Conflict(_("Dieser Beitrag wurde bereits gelöscht."))
    comment.status = "hidden"
    comment.moderation_reason = reason
    _touch(comment)
    db.session.flush()
    record(actor, "comment.hidden", comment, region, reason=reason)
    if comment.author_id is not None:
        notifications.emit("comment_hidden", [comment.author_id], {"title": subject.title, "reason": reason},
                           kind.link(subject.id, comment.id), f"{comment.id}:{utcnow().isoformat()}", actor=actor)
    return comment


def restore_comment(actor, comment):
    region = region_of(comment)
    require_moderator(actor, region)
    if comment.status != "hidden":
        raise Conflict(_("Nur ausgeblendete Beiträge können wiederhergestellt werden."))
    comment.status = "visible"
    comment.moderation_reason = None
    _touch(comment)
    db.session.flush()
    record(actor, "comment.restored", comment, region)
    return comment


def _check_votable(user, comment):
    require_login(user)
    if comment.status != "visible":
        raise Conflict(_("Ausgeblendete oder gelöschte Beiträge können nicht bewertet werden."))
    _require_open(comment)
    require_confirmed(user, region_of(comment), "vote")
    if comment.author_id == user.id:
        raise NotAllowed(_("Eigene Beiträge können Sie nicht bewerten."))


def _lock(comment):
    """Serialise votes on one comment with a row lock (PostgreSQL; SQLite serialises all writes).

    The row is reloaded under the lock, so that the counters set afterwards are compared with
    the committed values and not with a snapshot taken before another vote was committed.
    """
    db.session.scalars(select(Comment).where(Comment.id == comment.id).with_for_update(of=Comment)
                       .execution_options(populate_existing=True)).one()


def _own_vote(user, comment):
    return db.session.scalar(select(CommentVote).where(CommentVote.comment_id == comment.id,
                                                       CommentVote.user_id == user.id))


def _refresh_counts(comment):
    up, down = db.session.execute(
        select(func.coalesce(func.sum(case((CommentVote.value == 1, 1), else_=0)), 0),
               func.coalesce(func.sum(case((CommentVote.value == -1, 1), else_=0)), 0))
        .where(CommentVote.comment_id == comment.id)).one()
    if (comment.upvotes, comment.downvotes) != (up, down):
        comment.upvotes, comment.downvotes, comment.score = up, down, up - down
        _touch(comment)
    db.session.flush()


def set_vote(user, comment, value):
    """Set the user's vote: the same value again leaves it, the other value changes it."""
    if isinstance(value, bool) or value not in (1, -1):
        raise Invalid(_("Eine Bewertung ist 1 oder -1."), {"value": [_("Erlaubt sind 1 und -1.")]})
    _check_votable(user, comment)
    _lock(comment)
    vote = _own_vote(user, comment)
    if vote is None:
        try:
            with db.session.begin_nested():
                db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
        except IntegrityError:
            # A concurrent request of the same user inserted first: keep one row, set its value.
            vote = _own_vote(user, comment)
    if vote is not None:
        vote.value = value
    _refresh_counts(comment)
    return comment


def withdraw_vote(user, comment):
    _check_votable(user, comment)
    _lock(comment)
    vote = _own_vote(user, comment)
    if vote is not None:
        db.session.delete(vote)
        db.session.flush()
    _refresh_counts(comment)
    return comment


def toggle_vote(user, comment, value):
    """For the page's buttons: the same value again withdraws the vote."""
    vote = _own_vote(user, comment) if getattr(user, "is_authenticated", False) else None
    if vote is not None and vote.value == value:
        return withdraw_vote(user, comment)
    return set_vote(user, comment, value)


def report_comment(user, comment, reason):
    require_login(user)
    region = region_of(comment)
    require_confirmed(user, region, "report")
    reason = _check_reason(reason)
    if comment.status != "visible":
        raise Conflict(_("Ausgeblendete oder gelöschte Beiträge können nicht gemeldet werden."))
    if comment.author_id == user.id:
        raise NotAllowed(_("Eigene Beiträge können Sie nicht melden."))
    exists = db.session.scalar(select(CommentReport.id).where(CommentReport.comment_id == comment.id,
                                                              CommentReport.reporter_id == user.id))
    if exists is not None:
        raise Conflict(_("Sie haben diesen Beitrag bereits gemeldet."))
    report = CommentReport(comment_id=comment.id, reporter_id=user.id, reason=reason)
    report = store_once(report, _("Sie haben diesen Beitrag bereits gemeldet."))
    notifications.emit("report_created", notifications.moderators_of(region),
                       {"title": comment.subject.title, "reason": reason},
                       notifications.link("comments.report_queue"), report.id, actor=user)
    return report


def open_reports_query(actor):
    """Unresolved reports in the regions the actor moderates, oldest first."""
    query = (select(CommentReport).join(Comment, CommentReport.comment_id == Comment.id)
             .where(CommentReport.resolved_at.is_(None))
             .order_by(CommentReport.created_at, CommentReport.id))
    if actor.role != "admin":
        query = query.where(comment_region_id().in_([r.id for r in actor.moderated_regions]))
    return query


def comment_region_id():
    """The region of a comment (``Comment``) as an SQL expression, for either subject."""
    consultation_region = (select(Consultation.region_id).where(Consultation.id == Comment.consultation_id)
                           .scalar_subquery())
    proposal_region = (select(ProposalCollection.region_id)
                       .join(Proposal, Proposal.collection_id == ProposalCollection.id)
                       .where(Proposal.id == Comment.proposal_id).scalar_subquery())
    return func.coalesce(consultation_region, proposal_region)


def resolve_report(actor, report, action, reason=None):
    """Close a report: dismiss it, or hide the comment. Every open report on the comment is closed."""
    comment = report.comment
    region = region_of(comment)
    require_moderator(actor, region)
    if action not in ("dismiss", "hide"):
        raise Invalid(_("Unbekannte Aktion."), {"action": [_("Erlaubt: dismiss, hide.")]})
    if report.resolved_at is not None:
        raise Conflict(_("Diese Meldung wurde bereits bearbeitet."))
    if action == "hide":
        hide_comment(actor, comment, reason)
    resolution = "hidden" if action == "hide" else "dismissed"
    db.session.execute(update(CommentReport)
                       .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
                       .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution))
    db.session.flush()
    db.session.refresh(report)
    record(actor, "report.resolved", report, region, resolution=resolution,
           comment_id=comment.id)
    return report


@dataclass
class ThreadPage(Page):
    """A page of a discussion's top-level comments (with their replies); ``next`` is the cursor of the page
    after it (None on the last page), ``refused`` tells a page that it shows the first page instead of the
    one an unusable cursor asked for."""

    next: str | None = None
    refused: bool = False

    @property
    def has_next(self):
        return self.next is not None


def list_threads(subject, sort="newest", page=1, per_page=20, after=None):
    """One page of top-level comments on the subject with all their replies, in two queries.

    ``after`` (a Cursor of this discussion and sort, see cursors.read_cursor) continues after the comment it
    names, read from the index of the sort; without it, ``page`` counts pages from the start (OFFSET, kept
    for ``?page=``). The total is the subject's stored ``thread_count`` (kept by the database, migration
    0015), so no page counts the comments.
    """
    kind = kind_of(subject)
    order = ((Comment.score, Comment.created_at, Comment.id) if sort == "top"
             else (Comment.created_at, Comment.id))
    query = select(Comment).where(kind.column == subject.id, Comment.root_id.is_(None))
    if after is not None:
        page = after.page
        start = (after.score, after.created_at, after.id) if sort == "top" else (after.created_at, after.id)
        query = query.where(tuple_(*order) < tuple_(*(literal(value, column.type)
                                                      for value, column in zip(start, order, strict=True))))
    else:
        query = query.offset((page - 1) * per_page)
    # One more than the page shows: whether a next page exists, without counting.
    roots = db.session.scalars(query.order_by(*(column.desc() for column in order))
                               .limit(per_page + 1)).unique().all()
    more, roots = len(roots) > per_page, roots[:per_page]
    threads = {root.id: Thread(root) for root in roots}
    if threads:
        replies = db.session.scalars(select(Comment).where(Comment.root_id.in_(list(threads)))
                                     .order_by(Comment.created_at, Comment.id)).unique().all()
        for reply in replies:
            threads[reply.id] = Thread(reply)
        for reply in replies:
            parent = threads.get(reply.parent_id)
            if parent is not None:
                parent.replies.append(threads[reply.id])
    cursor = write_cursor(kind.type, subject.id, sort, page + 1, roots[-1]) if more else None
    return ThreadPage([threads[root.id] for root in roots], page, per_page, subject.thread_count, next=cursor)


def votes_of(user, comment_ids):
    """{comment_id: value} of the user's votes among these comments."""
    if not getattr(user, "is_authenticated", False) or not comment_ids:
        return {}
    rows = db.session.execute(select(CommentVote.comment_id, CommentVote.value)
                              .where(CommentVote.user_id == user.id, CommentVote.comment_id.in_(comment_ids)))
    return dict(rows.all())


def reports_of(user, comment_ids):
    """The ids of the comments among these that the user has reported, in one query."""
    if not getattr(user, "is_authenticated", False) or not comment_ids:
        return set()
    return set(db.session.scalars(select(CommentReport.comment_id)
                                  .where(CommentReport.reporter_id == user.id,
                                         CommentReport.comment_id.in_(comment_ids))))


def thread_ids(threads):
    ids, stack = [], list(threads)
    while stack:
        thread = stack.pop()
        ids.append(thread.comment.id)
        stack.extend(thread.replies)
    return ids
