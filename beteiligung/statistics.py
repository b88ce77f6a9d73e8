"""Participation in figures: how many people take part in a region, by the core's rules.

For dashboards (the Gelsenkirchen plugin's, or a region's report). Everything is counted in SQL,
a fixed number of queries whatever the size of the region. Nothing here names a person.

What counts:

- *consultations*: the published consultations of the region (drafts never count);
- *comments*: visible comments on those consultations (hidden and deleted ones do not count);
- *polls*: the region's polls the public sees (no drafts), by the same status rule as the poll list,
  so a poll opened by its start date counts before anyone has loaded it;
- *ballots*: ballots cast in the region's polls (surveys; people comparing problems cast no ballot);
- *participants*: the distinct accounts that wrote a visible comment or cast a ballot, plus every
  ballot cast with an access code or by a since-deleted account (each one a person we cannot match).

``since`` and ``until`` (naive UTC datetimes, ``until`` exclusive) limit comments, ballots and
participants to what was written or cast in that period; consultations and polls are counted as
they are now.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union

from .comments.models import Comment
from .consultations.models import Consultation
from .extensions import db
from .polls.models import Ballot, Poll
from .timeutil import utcnow


@dataclass(frozen=True)
class Participation:
    consultations: int
    comments: int
    polls: int
    ballots: int
    participants: int


def _period(column, since, until):
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def _in_region(column, region):
    """The condition of a region's rows; None: every region (the platform's figures)."""
    return () if region is None else (column == region.id,)


def _visible_comments(region):
    return (*_in_region(Consultation.region_id, region), Consultation.published.is_(True),
            Comment.status == "visible")


def participation(region, since=None, until=None):
    """A :class:`Participation` of the region, or of the whole platform with ``region`` None (see the module's
    description for what counts)."""
    from .polls.services import poll_query

    comment_where = (*_visible_comments(region), *_period(Comment.created_at, since, until))
    ballot_where = (*_in_region(Poll.region_id, region), *_period(Ballot.created_at, since, until))
    accounts = union(
        select(Comment.author_id.label("user_id")).join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*comment_where, Comment.author_id.is_not(None)),
        select(Ballot.user_id.label("user_id")).join(Poll, Poll.id == Ballot.poll_id)
        .where(*ballot_where, Ballot.user_id.is_not(None)),
    ).subquery()
    row = db.session.execute(select(
        select(func.count(Consultation.id)).where(*_in_region(Consultation.region_id, region),
                                                  Consultation.published.is_(True)).scalar_subquery(),
        select(func.count(Comment.id)).join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*comment_where).scalar_subquery(),
        select(func.count()).select_from(poll_query(None, region).order_by(None).subquery()).scalar_subquery(),
        select(func.count(Ballot.id)).join(Poll, Poll.id == Ballot.poll_id).where(*ballot_where).scalar_subquery(),
        select(func.count()).select_from(accounts).scalar_subquery(),
        select(func.count(Ballot.id)).join(Poll, Poll.id == Ballot.poll_id)
        .where(*ballot_where, Ballot.user_id.is_(None)).scalar_subquery(),
    )).one()
    consultations, comments, polls, ballots, accounts_count, anonymous = (int(value or 0) for value in row)
    return Participation(consultations, comments, polls, ballots, accounts_count + anonymous)


def last_months(count=12, now=None):
    """``["2025-12", …, "2026-11"]``: the current month (UTC) and the ``count - 1`` before it, oldest first."""
    now = now or utcnow()
    year, month = now.year, now.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


MONTH_NAMES = (_l("Jan."), _l("Feb."), _l("März"), _l("Apr."), _l("Mai"), _l("Juni"), _l("Juli"), _l("Aug."),
               _l("Sept."), _l("Okt."), _l("Nov."), _l("Dez."))


def month_label(key):
    """A month key of :func:`last_months` as the charts label it: "2026-03" → "März 26" ("Mar 26" in English)."""
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year[2:]}"


def _month(column):
    """SQL for the "YYYY-MM" of a timestamp column, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def monthly_activity(region, months=12, now=None):
    """``[(month, comments, ballots)]`` for the last ``months`` months (keys as :func:`last_months`),
    oldest first, months without activity included with 0. Two grouped queries. ``region`` None: the platform."""
    keys = last_months(months, now)
    first = datetime(int(keys[0][:4]), int(keys[0][5:]), 1)
    comment_month, ballot_month = _month(Comment.created_at), _month(Ballot.created_at)
    comments = dict(db.session.execute(
        select(comment_month, func.count(Comment.id)).join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*_visible_comments(region), Comment.created_at >= first).group_by(comment_month)).all())
    ballots = dict(db.session.execute(
        select(ballot_month, func.count(Ballot.id)).join(Poll, Poll.id == Ballot.poll_id)
        .where(*_in_region(Poll.region_id, region), Ballot.created_at >= first).group_by(ballot_month)).all())
    return [(key, int(comments.get(key, 0)), int(ballots.get(key, 0))) for key in keys]


def proposals_submitted(region=None, since=None, until=None):
    """Published proposals submitted in the period (of a region, or of the platform with ``region`` None)."""
    from .proposals.models import Proposal, ProposalCollection, ProposalState

    return db.session.scalar(
        select(func.count(Proposal.id)).join(ProposalCollection, ProposalCollection.id == Proposal.collection_id)
        .where(*_in_region(ProposalCollection.region_id, region), ProposalCollection.published.is_(True),
               Proposal.state == ProposalState.PUBLISHED.value, *_period(Proposal.created_at, since, until))) or 0


@dataclass(frozen=True)
class Figures:
    """The live figures of the home page and of a region page."""

    participants_month: int
    contributions_month: int
    participants_year: int
    open_offers: int


def month_start(now=None):
    now = now or utcnow()
    return datetime(now.year, now.month, 1)


def live_figures(region=None, open_offers=0, now=None):
    """People and contributions (comments, ballots, proposals) this month, people in the last 12 months, and
    the number of open offers the caller counted (the open list it shows)."""
    now = now or utcnow()
    start = month_start(now)
    month = participation(region, since=start)
    year = participation(region, since=now - timedelta(days=365))
    proposals = proposals_submitted(region, since=start)
    return Figures(month.participants, month.comments + month.ballots + proposals, year.participants, open_offers)
