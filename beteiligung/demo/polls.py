"""Demo polls: one per model region, answered by the demo citizens (deterministic, idempotent)."""

import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..polls import services
from ..polls.models import Audience, Phase, Poll, PollKind, PollStatus, Problem, ProblemStatus
from ..timeutil import utcnow
from .content import POLLS

TEXTS = ["Für eine App, die freie Parkplätze anzeigt.", "Um im Stadtteilverein über Lärm zu diskutieren.",
         "Die Terminbuchung klappte gut, die Wartezeit vor Ort war trotzdem lang.",
         "Ich würde gern sehen, wo mein Antrag gerade liegt.", "Für den Schulunterricht in Erdkunde."]


def _value(question, rng):
    options = [option.id for option in question.options]
    if question.type == "single_choice":
        return rng.choice(options)
    if question.type == "multiple_choice":
        low, high = question.settings.get("min", 0) or 1, question.settings.get("max", len(options))
        return rng.sample(options, rng.randint(low, min(high, len(options))))
    if question.type == "scale":
        return rng.choice([2, 3, 4, 4, 5, 5])
    if question.type == "ranking":
        return rng.sample(options, question.settings.get("top") or len(options))
    return rng.choice(TEXTS) if rng.random() < 0.6 else None


def load_polls(regions, moderators, citizens):
    """Create the demo polls that do not exist yet (by region and title); return how many were created."""
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
        poll.created_at = now - timedelta(days=12 - index)
        approved = [Problem(poll_id=poll.id, text=text, status=ProblemStatus.APPROVED, moderated_at=now)
                    for text in data.get("problems", [])]
        db.session.add_all(approved)
        if poll.kind == PollKind.PROBLEM_DEFINITION:
            poll.phase = data.get("phase", Phase.COLLECTING)
        services.open_poll(moderator, poll)
        poll.opens_at = poll.opened_at = now - timedelta(days=10 - index)
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
        if poll.audience != Audience.ACCOUNTS:
            services.generate_codes(moderator, poll, 20)
        if data["state"] == PollStatus.CLOSED:
            services.close_poll(moderator, poll)
            poll.closed_at = now - timedelta(days=2)
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
