"""The demo's 18 months of history (``data/history.toml``): participant accounts, a timetable that dates every
demo consultation and poll relative to today, and the earlier consultations with their discussions.

Everything is deterministic for a given day: the texts come from seeded ``random.Random`` instances, the
dates from the timetable. Comments and votes are inserted in bulk (notifications are not history); the
consultation's ``comment_count`` is counted here, its ``thread_count`` by the database's triggers.
"""

import random
from datetime import timedelta

from sqlalchemy import insert, select

from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..comments.models import Comment, CommentVote
from ..consultations.models import Consultation, ConsultationStatus
from ..consultations.services import sync_sections
from ..extensions import db
from ..timeutil import utcnow
from .content import CONSULTATIONS, POLLS, REGIONS, read

HISTORY = read("history.toml")
PHRASES = HISTORY["phrases"]
# The first day of the history and the day the oldest consultation still open now began (days before today).
HISTORY_DAYS, CURRENT_DAYS = 530, 75
GAP = timedelta(days=7)  # between the end of one past participation and the start of the next


def _by_region(items):
    grouped = {}
    for item in items:
        grouped.setdefault(item["region"], []).append(item)
    return grouped


def history_consultations(slug):
    """The region's earlier consultations (oldest first) and its upcoming one (the last of its list)."""
    items = _by_region(HISTORY["consultations"]).get(slug, [])
    return items[:-1], items[-1:]


def history_polls(slug):
    """The region's earlier polls (oldest first), without the upcoming one."""
    return [poll for poll in _by_region(HISTORY["polls"]).get(slug, []) if not poll.get("upcoming")]


def _morning(value):
    return value.replace(hour=8, minute=0, second=0, microsecond=0)


def _track(plan, kind, slug, titles, start, end, longest=None):
    """Date ``titles`` one after another in [start, end], a week between two; each at most ``longest`` long."""
    step = (end - start) / max(len(titles), 1)
    length = step - GAP if longest is None else min(step - GAP, longest)
    for index, title in enumerate(titles):
        opens_at = _morning(start + index * step)
        plan[kind, slug, title] = (opens_at, opens_at + length + timedelta(hours=14))


def timetable(now=None):
    """``{(kind, region slug, title): (opens_at, closes_at)}`` for every demo consultation and poll.

    Per region the past consultations follow one another from 18 months ago until some weeks before the
    ones open now (a week between two, the hand-written closed ones last), and so do the past polls, at most
    eight weeks each; the hand-written open consultations began weeks ago, the first of every other region
    closes within the next two weeks; the upcoming consultation and poll open in the next weeks; drafts have no dates.
    """
    now = now or utcnow()
    plan = {}
    written, written_polls = _by_region(CONSULTATIONS), _by_region(POLLS)
    for number, region in enumerate(REGIONS):
        slug = region["slug"]
        earlier, upcoming = history_consultations(slug)
        start = now - timedelta(days=HISTORY_DAYS - 3 * number)
        titles = [item["title"] for item in earlier]
        titles += [item["title"] for item in written.get(slug, []) if item["state"] == ConsultationStatus.CLOSED]
        _track(plan, "consultation", slug, titles, start, now - timedelta(days=CURRENT_DAYS))
        titles = [item["title"] for item in history_polls(slug)]
        titles += [item["title"] for item in written_polls.get(slug, []) if item["state"] == "closed"]
        _track(plan, "poll", slug, titles, start + timedelta(days=20), now - timedelta(days=CURRENT_DAYS - 20),
               longest=timedelta(days=56))
        open_ones = [item["title"] for item in written.get(slug, []) if item["state"] == ConsultationStatus.OPEN]
        for index, title in enumerate(open_ones):
            if index == 0:  # a long one, ending within two weeks in every other region
                plan["consultation", slug, title] = (_morning(now - timedelta(days=CURRENT_DAYS + 5)),
                                                     _morning(now + timedelta(days=5 + 2 * number if number % 2 == 0
                                                                              else 20 + number)))
            else:
                plan["consultation", slug, title] = (_morning(now - timedelta(days=14 + 9 * index + number)),
                                                     _morning(now + timedelta(days=30 + 7 * index)))
        for item in upcoming:
            opens_at = _morning(now + timedelta(days=9 + 4 * number))
            plan["consultation", slug, item["title"]] = (opens_at, opens_at + timedelta(days=42))
        for item in _by_region(HISTORY["polls"]).get(slug, []):
            if item.get("upcoming"):
                opens_at = _morning(now + timedelta(days=12 + 2 * number))
                plan["poll", slug, item["title"]] = (opens_at, opens_at + timedelta(days=28))
    return plan


# --- participants ------------------------------------------------------------------------------------------

def _ascii(text):
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ş", "s")):
        text = text.replace(umlaut, plain)
    return text.lower()


def participant_rows():
    """``[(region slug, pseudonym, e-mail)]``: one account per first name and region, each at a place of it."""
    names, places = HISTORY["participants"]["first_names"], HISTORY["participants"]["places"]
    rows = []
    for number, region in enumerate(REGIONS):
        slug = region["slug"]
        for index, name in enumerate(names):
            place = places[slug][(3 * index + number) % len(places[slug])]
            rows.append((slug, f"{name}_{place}", f"{_ascii(name)}.{_ascii(place).replace('_', '-')}@example.org"))
    return rows


def load_participants(password, hashes):
    """The generated participant accounts (confirmed, the citizens' password: its hash from ``hashes`` where
    known), those missing inserted in one statement; returns ``{region slug: [User]}``."""
    rows = participant_rows()
    emails = [email for _slug, _pseudonym, email in rows]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    missing = [row for row in rows if row[2] not in existing]
    if missing:
        now, password_hash = utcnow(), hashes.get(password) or hash_password(password)
        db.session.execute(insert(User), [
            {"email": email, "pseudonym": pseudonym, "pseudonym_key": pseudonym.lower(), "password_hash": password_hash,
             "role": "citizen", "terms_accepted_at": now - timedelta(days=HISTORY_DAYS),
             "created_at": now - timedelta(days=HISTORY_DAYS), "email_confirmed_at": now - timedelta(days=HISTORY_DAYS)}
            for _slug, pseudonym, email in missing])
    users = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
    grouped = {}
    for slug, _pseudonym, email in rows:
        grouped.setdefault(slug, []).append(users[email])
    return grouped


# --- consultations and their discussions ---------------------------------------------------------------------

def _sentence(rng, point):
    parts = [rng.choice(PHRASES["openers"]), point, rng.choice(PHRASES["closers"])]
    return " ".join(part for part in parts if part)


def _at(rng, start, end, shape=1.0):
    """A moment in [start, end], drawn from a Beta(shape, 1.2) over the span (more at the start for shape < 1)."""
    return _daytime(start + (end - start) * rng.betavariate(shape, 1.2), end)


def _daytime(moment, end):
    """The moment, moved from the small hours to the morning where that stays before ``end``."""
    later = moment + timedelta(hours=8)
    return later if moment.hour < 6 and later <= end else moment


def write_discussion(consultation, points, voices, moderator, start, end, rng, threads):
    """``threads`` top-level comments from the consultation's points, with replies, official answers of the
    moderation and votes, all dated in [start, end]; returns how many comments were written."""
    sections = [None, *consultation.sections]
    comments, used = [], set()

    def add(author, body, created_at, parent=None, section=None, official=False):
        comment = Comment(consultation_id=consultation.id, section=parent.section if parent else section,
                          parent=parent, root_id=(parent.root_id or parent.id) if parent else None,
                          depth=parent.depth + 1 if parent else 0, author=author, body=body, official=official,
                          created_at=created_at)
        comments.append(comment)
        return comment

    tops = []
    for _number in range(threads):
        for _attempt in range(5):
            body = _sentence(rng, rng.choice(points))
            if body not in used:
                break
        used.add(body)
        tops.append(add(rng.choice(voices), body, _at(rng, start, end, 0.8), section=rng.choice(sections)))
    db.session.add_all(tops)
    db.session.flush()
    replies = []
    for top in sorted(tops, key=lambda comment: comment.created_at):
        for _reply in range(rng.choice((0, 0, 1, 1, 2))):
            author = rng.choice([voice for voice in voices if voice is not top.author])
            replies.append(add(author, rng.choice(PHRASES["replies"]),
                               _daytime(min(end, top.created_at + timedelta(hours=rng.randint(2, 72))), end),
                               parent=top))
        if rng.random() < 0.2:
            replies.append(add(moderator, rng.choice(PHRASES["official"]),
                               _daytime(min(end, top.created_at + timedelta(days=rng.randint(3, 12))), end), parent=top,
                               official=True))
    closing = add(moderator, PHRASES["official"][0], max(start, end - timedelta(hours=rng.randint(6, 30))),
                  official=True)
    db.session.add_all([*replies, closing])
    db.session.flush()
    votes = []
    for comment in comments:
        voters = rng.sample([voice for voice in voices if voice is not comment.author], rng.randint(0, 7))
        for voter in voters:
            value = 1 if rng.random() < (0.95 if comment.official else 0.8) else -1
            votes.append({"comment_id": comment.id, "user_id": voter.id, "value": value,
                          "created_at": min(end, comment.created_at + timedelta(hours=rng.randint(1, 96)))})
            if value == 1:
                comment.upvotes = (comment.upvotes or 0) + 1
            else:
                comment.downvotes = (comment.downvotes or 0) + 1
        comment.upvotes, comment.downvotes = comment.upvotes or 0, comment.downvotes or 0
        comment.score = comment.upvotes - comment.downvotes
    if votes:
        db.session.execute(insert(CommentVote), votes)
    consultation.comment_count += len(comments)
    return len(comments)


def load_consultations(regions, moderators, voices, plan, now):
    """The earlier and upcoming consultations of every region that do not exist yet (by region and title),
    the earlier ones with their discussions; returns (consultations created, comments written)."""
    created = written = 0
    for data in HISTORY["consultations"]:
        slug = data["region"]
        region = regions[slug]
        exists = db.session.scalar(select(Consultation.id).where(Consultation.region_id == region.id,
                                                                 Consultation.title == data["title"]))
        if exists is not None:
            continue
        opens_at, closes_at = plan["consultation", slug, data["title"]]
        consultation = Consultation(region=region, title=data["title"], summary=data["summary"],
                                    body=data["body"], published=True, opens_at=opens_at, closes_at=closes_at,
                                    created_by_id=moderators[slug].id, created_at=opens_at - timedelta(days=3))
        db.session.add(consultation)
        sync_sections(consultation)
        db.session.flush()
        db.session.refresh(consultation)
        created += 1
        if opens_at < now:
            rng = random.Random(f"{slug}:{data['title']}")
            written += write_discussion(consultation, data["points"], voices[slug], moderators[slug], opens_at,
                                        min(closes_at, now), rng, rng.randint(12, 20))
    return created, written


def more_voices(consultation, slug, voices, moderator, now):
    """More comments for a hand-written consultation that has points in ``data/history.toml`` (its
    ``discussions``), over the time it was open; returns how many were written."""
    for data in HISTORY.get("discussions", []):
        if data["region"] == slug and data["title"] == consultation.title and consultation.opens_at is not None:
            rng = random.Random(f"{slug}:{data['title']}:more")
            return write_discussion(consultation, data["points"], voices, moderator, consultation.opens_at,
                                    min(consultation.closes_at or now, now), rng, rng.randint(10, 14))
    return 0
