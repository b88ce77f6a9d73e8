"""Demo polls: the hand-written ones of each model region (``data/polls.toml``), answered by the demo citizens
through the services, and the earlier ones of the history (``data/history.toml``), answered by the demo's
participants in bulk and recounted (deterministic, idempotent)."""

import random
from datetime import timedelta

from sqlalchemy import insert, select, update

from ..extensions import db
from ..polls import services
from ..polls.models import Answer, Audience, Ballot, Phase, Poll, PollKind, PollStatus, Problem, ProblemStatus
from ..polls.services import tallies
from ..timeutil import utcnow
from .content import POLLS
from .history import HISTORY

TEXTS = ["Für eine App, die freie Parkplätze anzeigt.", "Um im Stadtteilverein über Lärm zu diskutieren.",
         "Die Terminbuchung klappte gut, die Wartezeit vor Ort war trotzdem lang.",
         "Ich würde gern sehen, wo mein Antrag gerade liegt.", "Für den Schulunterricht in Erdkunde."]


def _weighted_sample(options, weights, count, rng):
    """``count`` distinct options, each draw in proportion to the weights of those left."""
    options, weights, chosen = list(options), list(weights), []
    for _draw in range(count):
        [index] = rng.choices(range(len(options)), weights)
        chosen.append(options.pop(index))
        weights.pop(index)
    return chosen


def _value(question, rng, weights=None):
    """An answer to the question; ``weights`` (per option, per question id) make some options more popular."""
    options = [option.id for option in question.options]
    weights = (weights or {}).get(question.id) or [1.0] * len(options)
    if question.type == "single_choice":
        return _weighted_sample(options, weights, 1, rng)[0]
    if question.type == "multiple_choice":
        low, high = question.settings.get("min", 0) or 1, question.settings.get("max", len(options))
        return _weighted_sample(options, weights, rng.randint(low, min(high, len(options))), rng)
    if question.type == "scale":
        return rng.choice([2, 3, 4, 4, 5, 5])
    if question.type == "ranking":
        return _weighted_sample(options, weights, question.settings.get("top") or len(options), rng)
    return rng.choice(TEXTS) if rng.random() < 0.6 else None


def _popularity(poll, rng):
    """Per question, a weight for each option: what the people of a region happen to prefer."""
    return {question.id: [rng.uniform(0.3, 3.0) for _option in question.options] for question in poll.questions}


def _bulk_ballots(poll, voters, start, end, rng):
    """Ballots of ``voters`` (accounts that have none yet in this poll), dated in [start, end], inserted in
    bulk and then recounted into the poll's tallies; returns how many were added."""
    weights = _popularity(poll, rng)
    ballots, answers = [], []
    voted = set(db.session.scalars(select(Ballot.user_id).where(Ballot.poll_id == poll.id)))
    for voter in (voter for voter in voters if voter.id not in voted):
        values = {question.id: _value(question, rng, weights) for question in poll.questions}
        ballots.append({"poll_id": poll.id, "user_id": voter.id,
                        "created_at": start + (end - start) * rng.betavariate(0.7, 1.3)})
        answers.append(services.parse_answers(poll, {key: value for key, value in values.items()
                                                     if value is not None}))
    if not ballots:
        return 0
    ids = db.session.scalars(insert(Ballot).returning(Ballot.id, sort_by_parameter_order=True), ballots).all()
    rows = [{"ballot_id": ballot_id, "poll_id": poll.id, "question_id": question_id, "seq": seq,
             "option_id": cell.option_id, "number": cell.number, "text": cell.text}
            for ballot_id, parsed in zip(ids, answers, strict=True)
            for question_id, cells in parsed.items() for seq, cell in enumerate(cells)]
    db.session.execute(insert(Answer.__table__), rows)
    tallies.recount(poll)
    return len(ballots)


def _spread(poll, start, end, rng):
    """Date the poll's ballots (given through the services just now) back into [start, end]."""
    ids = db.session.scalars(select(Ballot.id).where(Ballot.poll_id == poll.id).order_by(Ballot.id)).all()
    if ids:
        db.session.execute(update(Ballot), [{"id": ballot_id,
                                            "created_at": start + (end - start) * rng.betavariate(0.7, 1.3)}
                                           for ballot_id in ids])


def load_polls(regions, moderators, citizens, plan, participants=()):
    """Create the demo polls that do not exist yet (by region and title); return how many were created.

    The citizens answer through the services; closed polls keep the dates of the timetable (``plan``), open
    ones began some weeks ago; the ``participants`` add their ballots to the surveys for accounts.
    """
    now = utcnow()
    created = 0
    for index, data in enumerate(POLLS):
        region = regions[data["region"]]
        if db.session.scalar(select(Poll.id).where(Poll.region_id == region.id, Poll.title == data["title"])):
            continue
        moderator = moderators[data["region"]]
        body = {key: data[key] for key in ("title", "description", "audience", "results_visibility")}
        body.update(kind=data.get("kind", PollKind.SURVEY), questions=data.get("questions", []))
        poll = services.create_poll(moderator, region, body)
        opens_at, closes_at = plan.get(("poll", data["region"], data["title"]),
                                       (now - timedelta(days=40 + 6 * index), now))
        poll.created_at = opens_at - timedelta(days=2)
        approved = [Problem(poll_id=poll.id, text=text, status=ProblemStatus.APPROVED, moderated_at=opens_at)
                    for text in data.get("problems", [])]
        db.session.add_all(approved)
        if poll.kind == PollKind.PROBLEM_DEFINITION:
            poll.phase = data.get("phase", Phase.COLLECTING)
        services.open_poll(moderator, poll)
        db.session.flush()
        for item in data.get("submitted", []):
            problem = services.submit_problem(services.Participant(user=citizens[item["by"]]), poll, item["text"])
            if item["status"] != ProblemStatus.PENDING:
                target = approved[item["merged_into"]].id if "merged_into" in item else None
                services.moderate_problem(moderator, problem, item["status"], item.get("reason"), target)
        rng = random.Random(index)
        for citizen in citizens:
            who = services.Participant(user=citizen)
            if poll.kind == PollKind.PROBLEM_DEFINITION and poll.phase != Phase.COMPARING:
                continue
            if poll.kind == PollKind.SURVEY:
                answers = {q.id: _value(q, rng) for q in poll.questions}
                services.submit_ballot(who, poll, {k: v for k, v in answers.items() if v is not None})
            else:
                for _round in range(8):
                    pair = services.next_pair(who, poll, rng)
                    if pair is None:
                        break
                    first, second = pair
                    # Citizens mostly find the problem of buses and older people more pressing.
                    weight = {p.id: 3.0 if ("Bus" in p.text or "Ältere" in p.text) else 1.0 for p in pair}
                    winner = first if rng.random() < weight[first.id] / (weight[first.id] + weight[second.id]) \
                        else second
                    services.compare(who, poll, winner.id, (second if winner is first else first).id)
        end = min(closes_at, now)
        _spread(poll, opens_at, end, rng)
        if poll.kind == PollKind.SURVEY and poll.audience != Audience.ACCESS_CODES and participants:
            _bulk_ballots(poll, rng.sample(list(participants), rng.randint(25, 60)), opens_at, end, rng)
        if poll.audience != Audience.ACCOUNTS:
            services.generate_codes(moderator, poll, 20)
        poll.opens_at = poll.opened_at = opens_at
        if data["state"] == PollStatus.CLOSED:
            services.close_poll(moderator, poll)
            poll.closes_at = poll.closed_at = closes_at
        db.session.flush()
        created += 1
    return created


def load_history_polls(regions, moderators, people, plan):
    """The earlier polls of every region (``data/history.toml``) that do not exist yet (by region and title):
    opened, answered by a part of ``people`` over the weeks they ran, recounted and closed, all at the dates
    of the timetable (``plan``); returns how many were created."""
    now = utcnow()
    created = 0
    for data in HISTORY["polls"]:
        region, moderator = regions[data["region"]], moderators[data["region"]]
        if db.session.scalar(select(Poll.id).where(Poll.region_id == region.id, Poll.title == data["title"])):
            continue
        opens_at, closes_at = plan["poll", data["region"], data["title"]]
        body = {key: data[key] for key in ("title", "description", "audience", "results_visibility")}
        body.update(kind=PollKind.SURVEY, questions=data["questions"])
        poll = services.create_poll(moderator, region, body)
        if data.get("upcoming"):  # a draft that opens by itself on its date
            poll.created_at = now - timedelta(days=3)
            poll.opens_at, poll.closes_at = opens_at, closes_at
            db.session.flush()
            created += 1
            continue
        services.open_poll(moderator, poll)
        db.session.flush()
        rng = random.Random(f"{data['region']}:{data['title']}")
        _bulk_ballots(poll, rng.sample(list(people), rng.randint(60, 130)), opens_at, min(closes_at, now), rng)
        services.close_poll(moderator, poll)
        poll.created_at = opens_at - timedelta(days=2)
        poll.opens_at = poll.opened_at = opens_at
        poll.closes_at = poll.closed_at = closes_at
        db.session.flush()
        created += 1
    return created


def load_template_polls(regions, moderators):
    """One open poll from each template of the plugins enabled in a region (once per template)."""
    created = 0
    for slug, region in regions.items():
        for key, template in sorted(services.templates_for(region).items()):
            if db.session.scalar(select(Poll.id).where(Poll.region_id == region.id, Poll.template == key)):
                continue
            poll = services.create_poll(moderators[slug], region, {"template": key})
            if poll.kind == PollKind.PROBLEM_DEFINITION:
                poll.phase = Phase.COMPARING if len(template.get("problems", [])) >= 2 else Phase.COLLECTING
            services.open_poll(moderators[slug], poll)
            db.session.flush()
            created += 1
    return created
