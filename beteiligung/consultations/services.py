from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, or_, select

from .. import events
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..markup import clean_text, render_markdown, slugify, split_sections
from ..plugins.models import RegionPlugin
from ..policy import can_moderate, require_moderator, visible_where
from ..timeutil import utcnow
from .models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN, Consultation, ConsultationStatus, Section


def _validate(title, summary, body, opens_at, closes_at):
    errors = {}
    title = clean_text(title).strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Der Titel muss 3 bis %(n)d Zeichen lang sein.", n=TITLE_MAX)]
    if len(summary or "") > SUMMARY_MAX:
        errors["summary"] = [_("Höchstens %(n)d Zeichen.", n=SUMMARY_MAX)]
    if len(body or "") > BODY_MAX:
        errors["body"] = [_("Höchstens %(n)d Zeichen.", n=BODY_MAX)]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("Das Ende muss nach dem Beginn liegen.")]
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
    return title


def sync_sections(consultation):
    """Render the body and keep one Section per `## ` heading, matched by its anchor."""
    intro, parts = split_sections(consultation.body)
    consultation.intro_html = render_markdown(intro)
    existing = {section.anchor: section for section in consultation.all_sections}
    seen = set()
    for position, (title, markdown) in enumerate(parts):
        # Prefixed, so that no heading can take an id the page itself uses (#inhalt, #diskussion …).
        base = "abschnitt-" + slugify(title)
        anchor, n = base, 2
        while anchor in seen:
            anchor, n = f"{base}-{n}", n + 1
        seen.add(anchor)
        section = existing.get(anchor)
        if section is None:
            section = Section(anchor=anchor)
            consultation.all_sections.append(section)
        section.position = position
        section.title = title[:TITLE_MAX]
        section.body = markdown
        section.body_html = render_markdown(markdown)
        section.removed = False
    for anchor, section in existing.items():
        if anchor not in seen:
            section.removed = True


def create_consultation(actor, region, title, summary="", body="", published=False, opens_at=None,
                        closes_at=None):
    require_moderator(actor, region)
    title = _validate(title, summary, body, opens_at, closes_at)
    consultation = Consultation(region=region, title=title, summary=clean_text(summary).strip(),
                                body=clean_text(body),
                                published=bool(published), opens_at=opens_at, closes_at=closes_at,
                                created_by_id=actor.id)
    db.session.add(consultation)
    sync_sections(consultation)
    db.session.flush()
    record(actor, "consultation.created", consultation, region, title=title)
    if consultation.published:
        events.notify("consultation_published", consultation.region, consultation=consultation)
    return consultation


def update_consultation(actor, consultation, **changes):
    """Change title, summary, body, dates or the published flag of a consultation."""
    require_moderator(actor, consultation.region)
    merged = {key: changes.get(key, getattr(consultation, key))
              for key in ("title", "summary", "body", "opens_at", "closes_at")}
    merged["summary"] = clean_text(merged["summary"]).strip()
    merged["body"] = clean_text(merged["body"])
    merged["title"] = _validate(**merged)
    was_published = consultation.published
    for key, value in merged.items():
        setattr(consultation, key, value)
    if "published" in changes:
        consultation.published = bool(changes["published"])
    sync_sections(consultation)
    consultation.revision = Consultation.revision + 1
    db.session.flush()
    record(actor, "consultation.updated", consultation, consultation.region,
           fields=sorted(key for key in changes if key != "published"))
    if consultation.published != was_published:
        record(actor, "consultation.published" if consultation.published else "consultation.unpublished",
               consultation, consultation.region)
        if consultation.published:
            events.notify("consultation_published", consultation.region, consultation=consultation)
            from ..notifications.schedule import consultation_published

            consultation_published(consultation)
    return consultation


def set_published(actor, consultation, published):
    return update_consultation(actor, consultation, published=published)


def status_condition(status, now):
    """SQL condition equivalent to Consultation.status_at(now) == status."""
    opened = or_(Consultation.opens_at.is_(None), Consultation.opens_at <= now)
    not_closed = or_(Consultation.closes_at.is_(None), Consultation.closes_at > now)
    published = Consultation.published.is_(True)
    return {
        ConsultationStatus.DRAFT: Consultation.published.is_(False),
        ConsultationStatus.UPCOMING: and_(published, Consultation.opens_at > now),
        ConsultationStatus.OPEN: and_(published, opened, not_closed),
        ConsultationStatus.CLOSED: and_(published, opened, Consultation.closes_at <= now),
    }[status]


def consultation_query(viewer=None, region=None, status=None):
    """Consultations the viewer may see, newest first: published ones, plus drafts of their regions."""
    query = select(Consultation)
    if region is not None:
        query = query.where(Consultation.region_id == region.id)
    if status is not None:
        query = query.where(status_condition(status, utcnow()))
    query = query.where(visible_where(viewer, Consultation.published.is_(True), Consultation.region_id))
    return query.order_by(Consultation.created_at.desc(), Consultation.id.desc())


def published_stamp(consultation_id):
    """(revision, status, plugins) of a published consultation, or None (unknown or draft), with one light
    query; ``plugins`` is :func:`plugins_stamp` of its region (the page's menu shows their entries).

    For cache look-ups: it skips the ORM and the session, which cost more than the query itself.
    """
    with db.engine.connect() as connection:
        row = connection.execute(_PUBLISHED_STAMP, {"consultation_id": consultation_id}).first()
    if row is None:
        return None
    status = Consultation(published=True, opens_at=row.opens_at, closes_at=row.closes_at).status
    return row.revision, status, plugins_stamp((row.plugins or "").split(","))


def plugins_stamp(names):
    """The plugins enabled in a region as one string for cache keys: a change of them changes the key."""
    return ",".join(sorted(name for name in names if name))




def get_consultation(viewer, consultation_id):
    """A consultation the viewer may see; drafts only for moderators of its region."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or (not consultation.published and not can_moderate(viewer, consultation.region)):
        raise NotFound(_("Diese Beteiligung gibt es nicht oder sie ist nicht veröffentlicht."))
    return consultation
# Built once: constructing the statement cost more than running it.
_PUBLISHED_STAMP = select(
    Consultation.revision, Consultation.opens_at, Consultation.closes_at,
    select(func.aggregate_strings(RegionPlugin.plugin, ",")).where(RegionPlugin.region_id == Consultation.region_id)
    .scalar_subquery().label("plugins"),
).where(
    Consultation.id == bindparam("consultation_id"), Consultation.published.is_(True))


def titles_in_regions(regions):
    """(id, title) of the consultations of these regions, by title (a poll form's choices)."""
    return db.session.execute(select(Consultation.id, Consultation.title).where(
        Consultation.region_id.in_([region.id for region in regions])).order_by(Consultation.title)).all()
