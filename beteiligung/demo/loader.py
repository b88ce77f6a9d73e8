"""Loads the demo data. Idempotent: what exists (by e-mail, region slug, consultation title) is kept."""

from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import assign_moderator, register_user
from ..comments.models import Comment, CommentVote
from ..consultations.models import Consultation, ConsultationStatus
from ..consultations.services import sync_sections
from ..extensions import db
from ..plugins.runtime import get_registry, notify
from ..plugins.services import enable_plugin, enabled_by_region
from ..regions.models import Region
from ..regions.services import get_region_by_slug
from ..timeutil import utcnow
from .content import CITIZENS, CONSULTATIONS, REGIONS
from .history import load_consultations, load_participants, more_voices, timetable
from .polls import load_history_polls, load_polls, load_template_polls
from .processes import load_processes
from .showcase import load_showcase

ADMIN = {"email": "admin@example.org", "pseudonym": "Plattform-Admin", "password": "demo-admin-2026"}
MODERATOR_PASSWORD = "demo-moderation-2026"
CITIZEN_PASSWORD = "demo-buerger-2026"


def moderator_account(slug, name):
    return {"email": f"moderation.{slug}@example.org", "pseudonym": f"Moderation {name}",
            "password": MODERATOR_PASSWORD}


def credentials():
    """The demo log-ins, as printed by `make run` and shown in the README."""
    rows = [("admin", ADMIN["email"], ADMIN["password"])]
    rows += [("moderator", moderator_account(r["slug"], r["name"])["email"], MODERATOR_PASSWORD) for r in REGIONS]
    rows += [("citizen", c["email"], CITIZEN_PASSWORD) for c in CITIZENS[:2]]
    return rows


def _account(email, pseudonym, password, role="citizen", hashes=None):
    """The demo account, registered if missing. With ``hashes`` ({password: hash}), the first account of a
    password is registered through the service and the others of that password get its hash: the load
    hashes each demo password once (argon2 takes about half a second a time)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user
    if hashes is None or password not in hashes:
        user = register_user(email, password, pseudonym, accepted_terms=True, role=role)
        if hashes is not None:
            hashes[password] = user.password_hash
        return user
    now = utcnow()
    user = User(email=email, pseudonym=pseudonym, pseudonym_key=pseudonym.lower(), password_hash=hashes[password],
                role=role, terms_accepted_at=now, email_confirmed_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def _count(items):
    return sum(1 + _count(item.get("replies", [])) for item in items)


def _add_comments(items, consultation, users, moderator, moments, parent=None, counter=None):
    """The data's comments, dated one after another at ``moments`` (in the order they are written)."""
    for item in items:
        created_at = moments[counter[0]]
        counter[0] += 1
        author = moderator if item["author"] == "moderator" else users[item["author"]]
        section = None
        if parent is not None:
            section = parent.section
        elif item.get("section") is not None:
            section = consultation.sections[item["section"]]
        comment = Comment(consultation_id=consultation.id, section=section, parent=parent,
                          root_id=(parent.root_id or parent.id) if parent else None,
                          depth=parent.depth + 1 if parent else 0, author=author, body=item["body"],
                          official=bool(item.get("official")),
                          created_at=created_at)
        db.session.add(comment)
        db.session.flush()
        for key, value in item.get("votes", []):
            db.session.add(CommentVote(comment_id=comment.id, user_id=users[key].id, value=value,
                                       created_at=created_at))
        comment.upvotes = sum(1 for _k, v in item.get("votes", []) if v == 1)
        comment.downvotes = sum(1 for _k, v in item.get("votes", []) if v == -1)
        comment.score = comment.upvotes - comment.downvotes
        consultation.comment_count += 1
        _add_comments(item.get("replies", []), consultation, users, moderator, moments, comment, counter)


def _enable_home_plugins(regions):
    """Enable every loaded plugin in its home region, where that region exists (once).

    Returns (how many were enabled, a German line for each plugin whose home region is missing).
    """
    enabled = enabled_by_region()
    count, missing = 0, []
    for name, plugin in get_registry().plugins.items():
        slug = plugin.home_region
        if not slug:
            continue
        region = regions.get(slug) or get_region_by_slug(slug)
        if region is None:
            missing.append(f"Plugin „{name}“: die Heimatregion „{slug}“ gibt es nicht; das Plugin wurde nicht "
                           f"aktiviert (Region anlegen, dann erneut laden).")
        elif name not in enabled.get(region.id, set()):
            enable_plugin(None, region, name)
            count += 1
    return count, missing


def _moments(opens_at, closes_at, now, count):
    """``count`` moments spread evenly over the time a consultation was open until now (oldest first)."""
    if opens_at is None:  # a draft: its comments were written by the moderation's test readers, recently
        return [now - timedelta(hours=3 * (count - number)) for number in range(count)]
    end = min(closes_at, now) if closes_at is not None else now
    return [opens_at + (end - opens_at) * (number + 1) / (count + 1) for number in range(count)]


def load_demo():
    now = utcnow()
    plan = timetable(now)
    created = {"regions": 0, "consultations": 0, "comments": 0}
    hashes = {}
    _account(ADMIN["email"], ADMIN["pseudonym"], ADMIN["password"], "admin")
    users = {c["key"]: _account(c["email"], c["pseudonym"], CITIZEN_PASSWORD, hashes=hashes) for c in CITIZENS}
    regions, moderators = {}, {}
    for data in REGIONS:
        region = db.session.scalar(select(Region).where(Region.slug == data["slug"]))
        if region is None:
            region = Region(**data)
            db.session.add(region)
            created["regions"] += 1
        regions[data["slug"]] = region
        info = moderator_account(data["slug"], data["name"])
        moderator = _account(info["email"], info["pseudonym"], info["password"], "moderator", hashes=hashes)
        assign_moderator(moderator, region)
        moderators[data["slug"]] = moderator
    db.session.flush()
    participants = load_participants(CITIZEN_PASSWORD, hashes)
    voices = {slug: [*users.values(), *people] for slug, people in participants.items()}

    per_region = {}
    for data in CONSULTATIONS:
        region = regions[data["region"]]
        index = per_region[data["region"]] = per_region.get(data["region"], -1) + 1
        exists = db.session.scalar(select(Consultation.id).where(Consultation.region_id == region.id,
                                                                 Consultation.title == data["title"]))
        if exists is not None:
            continue
        opens_at, closes_at = plan.get(("consultation", data["region"], data["title"]), (None, None))
        consultation = Consultation(region=region, title=data["title"], summary=data["summary"], body=data["body"],
                                    published=data["state"] != ConsultationStatus.DRAFT, opens_at=opens_at,
                                    closes_at=closes_at, created_by_id=moderators[data["region"]].id,
                                    created_at=(opens_at or now) - timedelta(days=3 + index))
        db.session.add(consultation)
        sync_sections(consultation)
        db.session.flush()
        db.session.refresh(consultation)
        counter = [0]
        moments = _moments(opens_at, closes_at, now, _count(data.get("comments", [])))
        _add_comments(data.get("comments", []), consultation, users, moderators[data["region"]], moments,
                      counter=counter)
        created["consultations"] += 1
        created["comments"] += counter[0] + more_voices(consultation, data["region"], voices[data["region"]],
                                                        moderators[data["region"]], now)
    db.session.flush()
    consultations, comments = load_consultations(regions, moderators, voices, plan, now)
    created["consultations"] += consultations
    created["comments"] += comments
    created["plugins"], missing_regions = _enable_home_plugins(regions)
    everyone = [*users.values(), *(person for people in participants.values() for person in people)]
    created["polls"] = load_polls(regions, moderators, list(users.values()), plan, participants=everyone)
    for slug, region in regions.items():
        notify("demo_data", region, moderator=moderators[slug])
    created["polls"] += load_template_polls(regions, moderators)
    created["polls"] += load_history_polls(regions, moderators, everyone, plan)
    created["processes"] = load_processes(regions, moderators)
    # After the processes: projects of the showcase link to processes and measures by title.
    created["showcase"] = load_showcase(regions, moderators)
    lines = [f"Demodaten: {created['regions']} Regionen, {created['consultations']} Beteiligungen, "
             f"{created['comments']} Beiträge und {created['polls']} Umfragen neu angelegt, "
             f"{created['plugins']} Plugins in ihrer Region "
             "aktiviert (vorhandene bleiben unverändert).",
             f"{created['processes']} Beteiligungsprozesse und {created['showcase']} Projekte im "
             "Projektschaufenster neu angelegt.",
             *missing_regions,
             "Demo-Zugänge (nur für die lokale Erprobung):"]
    lines += [f"  {role:<10} {email:<42} {password}" for role, email, password in credentials()]
    return "\n".join(lines)

