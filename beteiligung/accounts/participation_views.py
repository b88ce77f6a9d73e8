"""``/konto/beteiligung``: everything one took part in, with links (issue 11, "My participation").

Read only. The overview shows the newest few of each kind with the total and a "mehr" link to one
paginated list per kind; both pages need a fixed number of queries, whatever the numbers of items.
Ballots show the poll only, never the answers (those are in the data export). Registered on the
accounts blueprint by an import at the end of ``accounts/views.py``.
"""

from dataclasses import dataclass

from flask import abort, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import privacy
from ..extensions import db
from ..forms import page_arg
from .views import bp

#: items of each kind on the overview
OVERVIEW_LIMIT = 5
#: items per page of one kind's list
PER_PAGE = 20


@dataclass
class Item:
    """One line of a list: a text, the page it links to, when, and a short status."""

    text: str
    url: str
    created_at: object
    context: str = ""
    status: str = ""


@dataclass
class Section:
    key: str
    title: object
    empty: object
    items: list
    total: int


def _comment_url(consultation_id, proposal_id, comment_id):
    if consultation_id is None:
        return url_for("proposals.show", proposal_id=proposal_id, _anchor=f"beitrag-{comment_id}")
    return url_for("consultations.show", consultation_id=consultation_id, _anchor=f"beitrag-{comment_id}")


def _with_subject(query):
    """Joins the comment's consultation or proposal: (…, consultation id, proposal id, title)."""
    from ..comments.models import Comment
    from ..consultations.models import Consultation
    from ..proposals.models import Proposal

    return (query.add_columns(Comment.consultation_id, Comment.proposal_id,
                              func.coalesce(Consultation.title, Proposal.title))
            .outerjoin(Consultation, Consultation.id == Comment.consultation_id)
            .outerjoin(Proposal, Proposal.id == Comment.proposal_id))


COMMENT_STATUS = {"visible": _l("sichtbar"), "hidden": _l("von der Moderation ausgeblendet"),
                  "deleted": _l("gelöscht")}
PROBLEM_STATUS = {"pending": _l("wird geprüft"), "approved": _l("freigegeben"), "rejected": _l("abgelehnt"),
                  "merged": _l("zusammengeführt")}


def _shorten(text, length=160):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _comments(user_id, limit, offset):
    from ..comments.models import Comment

    where = Comment.author_id == user_id
    total = db.session.scalar(select(func.count(Comment.id)).where(where))
    rows = db.session.execute(_with_subject(
        select(Comment.id, Comment.body, Comment.status, Comment.created_at))
        .where(where).order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit).offset(offset))
    return [Item(_shorten(body) if status != "deleted" else str(COMMENT_STATUS["deleted"]),
                 _comment_url(consultation_id, proposal_id, comment_id), created_at, title,
                 str(COMMENT_STATUS.get(status, status)))
            for comment_id, body, status, created_at, consultation_id, proposal_id, title in rows], total


def _votes(user_id, limit, offset):
    from ..comments.models import Comment, CommentVote

    where = CommentVote.user_id == user_id
    total = db.session.scalar(select(func.count(CommentVote.id)).where(where))
    rows = db.session.execute(_with_subject(
        select(CommentVote.value, CommentVote.created_at, Comment.id, Comment.body, Comment.status)
        .join(Comment, Comment.id == CommentVote.comment_id))
        .where(where).order_by(CommentVote.created_at.desc(), CommentVote.id.desc()).limit(limit).offset(offset))
    return [Item(_shorten(body) if status == "visible" else str(COMMENT_STATUS.get(status, status)),
                 _comment_url(consultation_id, proposal_id, comment_id), created_at, title,
                 str(_l("Zustimmen") if value > 0 else _l("Ablehnen")))
            for value, created_at, comment_id, body, status, consultation_id, proposal_id, title in rows], total


def _ballots(user_id, limit, offset):
    from ..polls.models import Ballot, Poll

    where = Ballot.user_id == user_id
    total = db.session.scalar(select(func.count(Ballot.id)).where(where))
    rows = db.session.execute(
        select(Ballot.created_at, Poll.id, Poll.title).join(Poll, Poll.id == Ballot.poll_id)
        .where(where).order_by(Ballot.created_at.desc(), Ballot.id.desc()).limit(limit).offset(offset))
    return [Item(title, url_for("polls.show", poll_id=poll_id), created_at)
            for created_at, poll_id, title in rows], total


def _problems(user_id, limit, offset):
    from ..polls.models import Poll, Problem

    where = Problem.author_id == user_id
    total = db.session.scalar(select(func.count(Problem.id)).where(where))
    rows = db.session.execute(
        select(Problem.text, Problem.status, Problem.created_at, Poll.id, Poll.title)
        .join(Poll, Poll.id == Problem.poll_id)
        .where(where).order_by(Problem.created_at.desc(), Problem.id.desc()).limit(limit).offset(offset))
    return [Item(_shorten(text), url_for("polls.show", poll_id=poll_id), created_at, title,
                 str(PROBLEM_STATUS.get(status, status)))
            for text, status, created_at, poll_id, title in rows], total


def _proposal_item(title, status, state, created_at, proposal_id, collection, own=True):
    """A proposal's line: its official status once published, else its state. A hidden proposal has no page for
    its author or supporters; a supporter does not see its title either."""
    from ..proposals.labels import STATE_LABELS, STATUS_LABELS

    shown = STATE_LABELS.get(state) if state != "published" else STATUS_LABELS.get(status, status)
    if state == "hidden":
        return Item(title if own else str(_l("Ein ausgeblendeter Vorschlag")), "", created_at, collection, str(shown))
    return Item(title, url_for("proposals.show", proposal_id=proposal_id), created_at, collection, str(shown))


def _proposals(user_id, limit, offset):
    """One's own proposals with what became of them: the official status, or that the moderation still has to
    release it, hid it or merged it."""
    from ..proposals.models import Proposal, ProposalCollection

    where = Proposal.author_id == user_id
    total = db.session.scalar(select(func.count(Proposal.id)).where(where))
    rows = db.session.execute(
        select(Proposal.title, Proposal.status, Proposal.state, Proposal.created_at, Proposal.id,
               ProposalCollection.title).join(ProposalCollection, ProposalCollection.id == Proposal.collection_id)
        .where(where).order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit).offset(offset))
    return [_proposal_item(*row) for row in rows], total


def _supports(user_id, limit, offset):
    """The proposals one supports, with their status now (a hidden one without its title)."""
    from ..proposals.models import Proposal, ProposalCollection, ProposalSupport

    where = ProposalSupport.user_id == user_id
    total = db.session.scalar(select(func.count(ProposalSupport.id)).where(where))
    rows = db.session.execute(
        select(Proposal.title, Proposal.status, Proposal.state, ProposalSupport.created_at, Proposal.id,
               ProposalCollection.title).join(Proposal, Proposal.id == ProposalSupport.proposal_id)
        .join(ProposalCollection, ProposalCollection.id == Proposal.collection_id)
        .where(where).order_by(ProposalSupport.created_at.desc(), ProposalSupport.id.desc()).limit(limit)
        .offset(offset))
    return [_proposal_item(*row, own=False) for row in rows], total


FOLLOW_KIND = {"consultation": _l("Beteiligung"), "poll": _l("Umfrage"), "region": _l("Region"),
               "process": _l("Prozess")}


def _follows(user, limit, offset):
    from ..notifications.services import follows_of

    found = follows_of(user)
    return [Item(followed.title, url_for(followed.endpoint, **followed.values), followed.follow.created_at,
                 str(FOLLOW_KIND.get(followed.follow.target_type, followed.follow.target_type)),
                 str(_l("automatisch") if followed.follow.automatic else ""))
            for followed in found[offset:offset + limit]], len(found)


def _notifications(user, limit, offset):
    from ..notifications.models import Notification
    from ..notifications.services import sentence

    where = Notification.user_id == user.id
    total = db.session.scalar(select(func.count(Notification.id)).where(where))
    rows = db.session.scalars(select(Notification).where(where).order_by(Notification.id.desc())
                              .limit(limit).offset(offset)).all()
    return [Item(str(sentence(n)), n.url or "", n.created_at, "",
                 str(_l("ungelesen") if n.read_at is None else _l("gelesen"))) for n in rows], total


#: key → (title, text when empty, loader(user, limit, offset) → (items, total))
SECTIONS = {
    "beitraege": (_l("Meine Beiträge"), _l("Sie haben noch keine Beiträge geschrieben."),
                  lambda user, limit, offset: _comments(user.id, limit, offset)),
    "bewertungen": (_l("Meine Bewertungen"), _l("Sie haben noch keine Beiträge bewertet."),
                    lambda user, limit, offset: _votes(user.id, limit, offset)),
    "umfragen": (_l("Umfragen, an denen ich teilgenommen habe"),
                 _l("Sie haben noch an keiner Umfrage teilgenommen."),
                 lambda user, limit, offset: _ballots(user.id, limit, offset)),
    "probleme": (_l("Meine eingereichten Probleme"), _l("Sie haben noch keine Probleme eingereicht."),
                 lambda user, limit, offset: _problems(user.id, limit, offset)),
    "vorschlaege": (_l("Meine Vorschläge und was daraus wurde"), _l("Sie haben noch keine Vorschläge eingereicht."),
                    lambda user, limit, offset: _proposals(user.id, limit, offset)),
    "unterstuetzt": (_l("Vorschläge, die ich unterstütze"), _l("Sie unterstützen noch keinen Vorschlag."),
                     lambda user, limit, offset: _supports(user.id, limit, offset)),
    "folge-ich": (_l("Dem folge ich"), _l("Sie folgen noch nichts."), _follows),
    "benachrichtigungen": (_l("Meine Benachrichtigungen"), _l("Sie haben keine Benachrichtigungen."),
                           _notifications),
}


def _section(key, user, limit, offset=0):
    title, empty, load = SECTIONS[key]
    items, total = load(user, limit, offset)
    return Section(key, title, empty, items, total)


@bp.route("/beteiligung")
@login_required
def participation():
    user = current_user._get_current_object()
    sections = [_section(key, user, OVERVIEW_LIMIT) for key in SECTIONS]
    return render_template("accounts/participation.html", sections=sections, section=None, page=None)


@bp.route("/beteiligung/<section_key>")
@login_required
def participation_section(section_key):
    if section_key not in SECTIONS:
        abort(404)
    user = current_user._get_current_object()
    page = page_arg()
    section = _section(section_key, user, PER_PAGE, (page - 1) * PER_PAGE)
    pages = max(1, -(-section.total // PER_PAGE))
    if page > pages:
        page = pages
        section = _section(section_key, user, PER_PAGE, (page - 1) * PER_PAGE)
    return render_template("accounts/participation.html", sections=[section], section=section,
                           page={"page": page, "pages": pages, "has_prev": page > 1, "has_next": page < pages})


@bp.app_template_global()
def privacy_categories():
    """Jinja: the privacy definitions, described for the reader (privacy page, deletion form)."""
    return [privacy.describe(category) for category in privacy.categories()]
