"""Problem-definition polls: submitting and moderating problems, comparing pairs, the ranking."""

import hashlib
import random
from dataclasses import asdict

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...audit.services import record
from ...errors import Conflict, Invalid, NotAllowed, NotFound, store_once
from ...extensions import cache, db
from ...markup import clean_text
from ...notifications import services as notifications
from ...policy import can_moderate, is_authenticated, require_moderator
from ...timeutil import utcnow
from ..models import (
    PROBLEM_MAX,
    PROBLEM_MIN,
    REASON_MAX,
    REASON_MIN,
    Comparison,
    Phase,
    Poll,
    PollKind,
    PollStatus,
    Problem,
    ProblemStatus,
)
from ..ranking import MIN_COMPARISONS, choose_pair, fit_bradley_terry, place_problems
from . import tallies
from .participation import _check_participant, _require_running


def _require_problem_poll(poll):
    if poll.kind != PollKind.PROBLEM_DEFINITION:
        raise Conflict(_("Diese Umfrage ist keine Problemsammlung."))


def submit_problem(participant, poll, text):
    _require_problem_poll(poll)
    _check_participant(participant, poll, "problem")
    _require_running(poll)
    if poll.phase != Phase.COLLECTING:
        raise Conflict(_("Die Sammelphase ist vorbei; jetzt werden die Probleme verglichen."))
    text = clean_text(text if isinstance(text, str) else "").strip()
    if not PROBLEM_MIN <= len(text) <= PROBLEM_MAX:
        raise Invalid(_("Bitte beschreiben Sie das Problem in %(low)d bis %(high)d Zeichen.",
                        low=PROBLEM_MIN, high=PROBLEM_MAX),
                      {"text": [_("%(low)d bis %(high)d Zeichen.", low=PROBLEM_MIN, high=PROBLEM_MAX)]})
    participant.lock()
    owner = (Problem.access_code_id == participant.code.id if participant.code is not None
             else Problem.author_id == participant.user.id)
    mine = db.session.scalar(select(func.count()).select_from(Problem).where(Problem.poll_id == poll.id, owner))
    limit = current_app.config["POLL_PROBLEMS_PER_PARTICIPANT"]
    if mine >= limit:
        raise Conflict(_("Sie haben bereits %(n)d Probleme eingereicht; mehr sind nicht möglich.", n=limit))
    problem = Problem(poll_id=poll.id, text=text,
                      author_id=participant.user.id if participant.code is None else None,
                      access_code_id=participant.code.id if participant.code is not None else None)
    db.session.add(problem)
    db.session.flush()
    notifications.emit("problem_submitted", notifications.moderators_of(poll.region), {"title": poll.title},
                       notifications.link("polls.problems", poll_id=poll.id), problem.id, actor=participant.user)
    return problem


def problems_of(user, poll, status=None):
    """Problems of a poll: approved ones for everybody; others for the region's moderators."""
    _require_problem_poll(poll)
    moderator = can_moderate(user, poll.region)
    if status is not None and status != ProblemStatus.APPROVED and not moderator:
        raise NotAllowed(_("Nicht freigegebene Probleme sehen nur die Moderatorinnen und Moderatoren."))
    query = select(Problem).where(Problem.poll_id == poll.id)
    if status is not None:
        query = query.where(Problem.status == status)
    elif not moderator:
        query = query.where(Problem.status == ProblemStatus.APPROVED)
    return query.order_by(Problem.created_at, Problem.id)


def approved_choices(poll):
    """(id, text) of the poll's approved problems, for choosing the one a problem is merged into."""
    return db.session.execute(select(Problem.id, Problem.text).where(
        Problem.poll_id == poll.id, Problem.status == ProblemStatus.APPROVED).order_by(Problem.id)).all()


def pending_count(poll):
    """Problems of the poll that wait for a moderator's decision."""
    return db.session.scalar(select(func.count()).select_from(Problem).where(
        Problem.poll_id == poll.id, Problem.status == ProblemStatus.PENDING))


def get_problem(problem_id):
    problem = db.session.get(Problem, problem_id)
    if problem is None:
        raise NotFound(_("Dieses Problem gibt es nicht."))
    return problem


def moderate_problem(user, problem, status, reason=None, merged_into_id=None):
    poll = db.session.get(Poll, problem.poll_id)
    require_moderator(user, poll.region)
    if poll.status == PollStatus.CLOSED:
        raise Conflict(_("Diese Problemsammlung ist beendet."))
    reason = clean_text(reason or "").strip() or None
    if status == ProblemStatus.REJECTED and (reason is None or not REASON_MIN <= len(reason) <= REASON_MAX):
        raise Invalid(_("Bitte begründen Sie die Ablehnung (3 bis 1000 Zeichen)."), {"reason": [_("Pflichtangabe.")]})
    merged_into = None
    if status == ProblemStatus.MERGED:
        merged_into = db.session.get(Problem, merged_into_id) if merged_into_id else None
        if (merged_into is None or merged_into.poll_id != poll.id or merged_into.id == problem.id
                or merged_into.status != ProblemStatus.APPROVED):
            raise Invalid(_("Bitte wählen Sie ein freigegebenes anderes Problem derselben Sammlung."),
                          {"merged_into": [_("Unbekanntes oder nicht freigegebenes Problem.")]})
    problem.status = status
    problem.reason = reason if status in (ProblemStatus.REJECTED, ProblemStatus.MERGED) else None
    problem.merged_into_id = merged_into.id if merged_into else None
    problem.moderated_at = utcnow()
    record(user, f"problem.{status}", problem, poll.region, reason=reason,
           merged_into=merged_into.id if merged_into else None)
    if problem.author_id is not None and status != ProblemStatus.PENDING:
        notifications.emit(f"problem_{status}", [problem.author_id], {
            "title": poll.title, "problem": problem.text, "reason": reason or "",
            "merged_into": merged_into.text if merged_into else ""},
            notifications.link("polls.show", poll_id=poll.id), f"{problem.id}:{status}", actor=user)
    return problem


def _comparison_counts(poll):
    """{approved problem id: number of comparisons it took part in}, from the pair tallies (at most
    n·(n-1)/2 pairs, however many comparisons there are)."""
    counts = {pid: 0 for pid in db.session.scalars(
        select(Problem.id).where(Problem.poll_id == poll.id, Problem.status == ProblemStatus.APPROVED))}
    for first, second, first_wins, second_wins, ties in tallies.pair_counts(poll):
        for problem_id in (first, second):
            if problem_id in counts:
                counts[problem_id] += first_wins + second_wins + ties
    return counts


def next_pair(participant, poll, rng=None):
    """The next pair of approved problems for this participant, or None when they have compared enough."""
    _require_problem_poll(poll)
    _check_participant(participant, poll)
    _require_running(poll)
    if poll.phase != Phase.COMPARING:
        raise Conflict(_("Noch werden Probleme gesammelt; der Vergleich beginnt später."))
    counts = _comparison_counts(poll)
    done = {frozenset(pair) for pair in db.session.execute(
        select(Comparison.first_id, Comparison.second_id).where(participant.comparison_filter(poll)))}
    pair = choose_pair(counts, done, rng or random.Random(), limit=current_app.config["POLL_PAIRS_PER_PARTICIPANT"])
    if pair is None:
        return None
    problems = {p.id: p for p in db.session.scalars(select(Problem).where(Problem.id.in_(pair)))}
    return problems[pair[0]], problems[pair[1]]


def compare(participant, poll, winner_id, loser_id, undecided=False):
    """Store one verdict on a pair (winner first), or "can't decide" when undecided."""
    _require_problem_poll(poll)
    _check_participant(participant, poll, "problem")
    _require_running(poll)
    if poll.phase != Phase.COMPARING:
        raise Conflict(_("Noch werden Probleme gesammelt; der Vergleich beginnt später."))
    if winner_id == loser_id:
        raise Invalid(_("Bitte vergleichen Sie zwei verschiedene Probleme."), {"loser_id": [_("Gleiches Problem.")]})
    found = db.session.scalars(select(Problem.id).where(
        Problem.id.in_((winner_id, loser_id)), Problem.poll_id == poll.id, Problem.status == ProblemStatus.APPROVED))
    if len(set(found)) != 2:
        raise Invalid(_("Diese Probleme gehören nicht (freigegeben) zu dieser Sammlung."),
                      {"winner_id": [_("Unbekanntes Problem.")]})
    first, second = sorted((winner_id, loser_id))
    participant.lock()
    done = db.session.scalar(select(func.count()).select_from(Comparison).where(participant.comparison_filter(poll)))
    if done >= current_app.config["POLL_PAIRS_PER_PARTICIPANT"]:
        raise Conflict(_("Sie haben genug Paare verglichen. Vielen Dank!"))
    comparison = Comparison(poll_id=poll.id, first_id=first, second_id=second,
                            winner_id=None if undecided else winner_id, **participant.owner_columns())
    store_once(comparison, _("Dieses Paar haben Sie bereits verglichen."))
    owner = participant.code.id if participant.code is not None else participant.user.id
    tallies.add_comparison(poll, owner, first, second, comparison.winner_id, first_of_participant=done == 0)
    return comparison


def comparison_progress(participant, poll):
    """(pairs this participant compared, pairs they may compare in all) for "7 von 30"."""
    done = db.session.scalar(select(func.count()).select_from(Comparison).where(participant.comparison_filter(poll)))
    approved = db.session.scalar(select(func.count()).select_from(Problem).where(
        Problem.poll_id == poll.id, Problem.status == ProblemStatus.APPROVED))
    possible = min(current_app.config["POLL_PAIRS_PER_PARTICIPANT"], approved * (approved - 1) // 2)
    return done, max(possible, done)


def problems_submitted_by(participant, poll):
    """The problems this participant submitted to the poll, oldest first, whatever their status."""
    if participant.code is not None:
        owner = Problem.access_code_id == participant.code.id
    elif is_authenticated(participant.user):
        owner = Problem.author_id == participant.user.id
    else:
        return []
    return db.session.scalars(select(Problem).where(Problem.poll_id == poll.id, owner)
                              .order_by(Problem.created_at, Problem.id)).all()


def ranking(poll, counted=None):
    """(comparisons, approved problems ranked by a Bradley–Terry fit), from the tallies.

    The fit is cached per number of comparisons, set of approved problems and threshold: a quiet poll
    is fitted once, a busy one at most once per new comparison.
    """
    problems = dict(db.session.execute(select(Problem.id, Problem.text).where(
        Problem.poll_id == poll.id, Problem.status == ProblemStatus.APPROVED).order_by(Problem.id)).all())
    counted = tallies.counters(poll) if counted is None else counted  # the caller may have read them already
    total = int(counted.get(tallies.COMPARISONS, 0))
    threshold = min_comparisons()
    digest = hashlib.sha256(",".join(map(str, problems)).encode()).hexdigest()[:16]
    key = f"poll-ranking:1:{poll.id}:{total}:{digest}:{threshold}"
    fitted = cache.get(key)
    if fitted is None:
        outcomes, ties = [], []
        for first, second, first_wins, second_wins, tied in tallies.pair_counts(poll):
            if first_wins:
                outcomes.append((first, second, first_wins))
            if second_wins:
                outcomes.append((second, first, second_wins))
            if tied:
                ties.append((first, second, tied))
        ranked = fit_bradley_terry(problems, outcomes, ties)
        places = place_problems(ranked, threshold)
        fitted = [dict(asdict(r), **place) for r, place in zip(ranked, places, strict=True)]
        cache.set(key, fitted)
    return total, [dict(item, text=problems[item["problem_id"]]) for item in fitted]


def min_comparisons():
    """Comparisons a problem needs before its place counts (see ranking.enough_comparisons)."""
    return current_app.config.get("POLL_MIN_COMPARISONS", MIN_COMPARISONS)
