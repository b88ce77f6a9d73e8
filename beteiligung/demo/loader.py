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
from .polls import load_polls, load_template_polls
from .processes import load_processes

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


def _account(email, pseudonym, password, role="citizen"):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = register_user(email, password, pseudonym, accepted_terms=True, role=role)
    return user


def _dates(state, index, now):
    if state == ConsultationStatus.CLOSED:
        return now - timedelta(days=70 + index), now - timedelta(days=10 + index)
    return now - timedelta(days=14 + index), now + timedelta(days=30 + 7 * index)


def _add_comments(items, consultation, users, moderator, now, parent=None, counter=None):
    for item in items:
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
                          created_at=now - timedelta(hours=400 - 3 * counter[0]))
        db.session.add(comment)
        db.session.flush()
        for key, value in item.get("votes", []):
            db.session.add(CommentVote(comment_id=comment.id, user_id=users[key].id, value=value))
        comment.upvotes = sum(1 for _k, v in item.get("votes", []) if v == 1)
        comment.downvotes = sum(1 for _k, v in item.get("votes", []) if v == -1)
        comment.score = comment.upvotes - comment.downvotes
        consultation.comment_count += 1
        _add_comments(item.get("replies", []), consultation, users, moderator, now, comment, counter)


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


def load_demo():
    now = utcnow()
    created = {"regions": 0, "consultations": 0, "comments": 0}
    _account(ADMIN["email"], ADMIN["pseudonym"], ADMIN["password"], "admin")
    users = {c["key"]: _account(c["email"], c["pseudonym"], CITIZEN_PASSWORD) for c in CITIZENS}
    regions, moderators = {}, {}
    for data in REGIONS:
        region = db.session.scalar(select(Region).where(Region.slug == data["slug"]))
        if region is None:
            region = Region(**data)
            db.session.add(region)
            created["regions"] += 1
        regions[data["slug"]] = region
        info = moderator_account(data["slug"], data["name"])
        moderator = _account(info["email"], info["pseudonym"], info["password"], "moderator")
        assign_moderator(moderator, region)
        moderators[data["slug"]] = moderator
    db.session.flush()

    per_region = {}
    for data in CONSULTATIONS:
        region = regions[data["region"]]
        index = per_region[data["region"]] = per_region.get(data["region"], -1) + 1
        exists = db.session.scalar(select(Consultation.id).where(Consultation.region_id == region.id,
                                                                 Consultation.title == data["title"]))
        if exists is not None:
            continue
        opens_at, closes_at = _dates(data["state"], index, now)
        consultation = Consultation(region=region, title=data["title"], summary=data["summary"], body=data["body"],
                                    published=data["state"] != ConsultationStatus.DRAFT, opens_at=opens_at,
                                    closes_at=closes_at, created_by_id=moderators[data["region"]].id,
                                    created_at=now - timedelta(days=20 - index))
        db.session.add(consultation)
        sync_sections(consultation)
        db.session.flush()
        db.session.refresh(consultation)
        counter = [0]
        _add_comments(data.get("comments", []), consultation, users, moderators[data["region"]], now,
                      counter=counter)
        created["consultations"] += 1
        created["comments"] += counter[0]
    db.session.flush()
    created["plugins"], missing_regions = _enable_home_plugins(regions)
    created["polls"] = load_polls(regions, moderators, list(users.values()))
    for slug, region in regions.items():
        notify("demo_data", region, moderator=moderators[slug])
    created["polls"] += load_template_polls(regions, moderators)
    created["processes"] = load_processes(regions, moderators)
    lines = [f"Demodaten: {created['regions']} Regionen, {created['consultations']} Beteiligungen, "
             f"{created['comments']} Beiträge und {created['polls']} Umfragen neu angelegt, "
             f"{created['plugins']} Plugins in ihrer Region "
             "aktiviert (vorhandene bleiben unverändert).",
             f"{created['processes']} Beteiligungsprozesse neu angelegt.",
             *missing_regions,
             "Demo-Zugänge (nur für die lokale Erprobung):"]
    lines += [f"  {role:<10} {email:<42} {password}" for role, email, password in credentials()]
    return "\n".join(lines)

