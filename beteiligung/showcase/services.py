"""Projektschaufenster: the rules of projects, links and relations, for pages, the API, the CSV export and the
demo alike (materials: ``materials.py``).

Writers check who may act (policy: the moderators of the project's region), validate, write, flush and record
an audit entry; the caller commits. Readers never write, and read a page of projects in a fixed number of
queries. The contact person is published (pages, API, CSV) only with their consent: ``contact_of``.
"""

from datetime import date
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..contacts import is_phone, normalized_email
from ..errors import Invalid, NotFound
from ..extensions import db
from ..markup import clean_text, render_markdown
from ..measures.models import Measure
from ..policy import can_moderate, require_moderator, visible_where
from ..processes.models import Process
from ..timeutil import isoformat, utcnow
from .materials import material_url
from .models import (
    CONTACT_EMAIL_MAX,
    CONTACT_NAME_MAX,
    CONTACT_PHONE_MAX,
    DESCRIPTION_MAX,
    LINK_TITLE_MAX,
    LINKS_MAX,
    OFFICE_MAX,
    SUMMARY_MAX,
    SUMMARY_MIN,
    TITLE_MAX,
    TITLE_MIN,
    URL_MAX,
    ProjectStatus,
    ShowcaseLink,
    ShowcaseProject,
)

STATUS_LABELS = {ProjectStatus.PLANNED: _l("geplant"), ProjectStatus.RUNNING: _l("in Umsetzung"),
                 ProjectStatus.COMPLETED: _l("abgeschlossen")}
STATUSES = tuple(member.value for member in ProjectStatus)



def status_label(status):
    return str(STATUS_LABELS.get(status, status))


def _check():
    return _("Bitte prüfen Sie die markierten Angaben.")


# --- reading --------------------------------------------------------------------------------------

def project_query(viewer=None, region=None, status=None, q=None):
    """A select() of the projects the viewer may see (published ones; drafts for their region's moderators),
    newest funding period first; filtered by region, status and a text in title or summary."""
    query = select(ShowcaseProject).where(
        visible_where(viewer, ShowcaseProject.published.is_(True), ShowcaseProject.region_id))
    if region is not None:
        query = query.where(ShowcaseProject.region_id == region.id)
    if status:
        query = query.where(ShowcaseProject.status == status)
    text = clean_text(q or "").strip()
    if text:
        query = query.where(or_(ShowcaseProject.title.icontains(text, autoescape=True),
                                ShowcaseProject.summary.icontains(text, autoescape=True)))
    return query.order_by(ShowcaseProject.starts_on.desc(), ShowcaseProject.id.desc())


def with_details(query):
    """The query loading each project's links, materials, processes and measures (one query each)."""
    return query.options(selectinload(ShowcaseProject.links), selectinload(ShowcaseProject.materials),
                         selectinload(ShowcaseProject.processes),
                         selectinload(ShowcaseProject.measures).joinedload(Measure.process))


def get_project(viewer, project_id):
    """A project the viewer may see; a draft only for its region's moderators (else NotFound)."""
    project = db.session.get(ShowcaseProject, project_id) if isinstance(project_id, int) else None
    if project is None or (not project.published and not can_moderate(viewer, project.region)):
        raise NotFound(_("Dieses Projekt gibt es nicht oder es ist nicht veröffentlicht."))
    return project


def contact_of(project):
    """The contact person as published: {name, email, phone} with their consent, else None."""
    if not project.contact_public:
        return None
    return {"name": project.contact_name, "email": project.contact_email or None,
            "phone": project.contact_phone or None}


def related(project, viewer):
    """(processes, measures) of the project that the viewer may see: of published processes, drafts only for
    the region's moderators."""
    staff = can_moderate(viewer, project.region)
    processes = [process for process in project.processes if staff or process.published]
    measures = [measure for measure in project.measures if staff or measure.process.published]
    return processes, measures


def projects_related_to(kind, target_id, viewer=None):
    """[(id, title)] of the projects the viewer may see that relate to this process or measure (one query);
    for the process and measure pages ("Im Projektschaufenster")."""
    from .models import project_measures, project_processes

    table, column = ((project_processes, project_processes.c.process_id) if kind == "process"
                     else (project_measures, project_measures.c.measure_id) if kind == "measure" else (None, None))
    if table is None or not isinstance(target_id, int):
        return []
    query = (select(ShowcaseProject.id, ShowcaseProject.title)
             .join(table, table.c.project_id == ShowcaseProject.id).where(column == target_id)
             .where(visible_where(viewer, ShowcaseProject.published.is_(True), ShowcaseProject.region_id))
             .order_by(ShowcaseProject.title))
    return [tuple(row) for row in db.session.execute(query).all()]


def relation_choices(project):
    """[(key "process:<id>" or "measure:<id>", label)]: the region's processes and measures not yet related."""
    linked_processes = {process.id for process in project.processes}
    linked_measures = {measure.id for measure in project.measures}
    processes = db.session.scalars(select(Process).where(Process.region_id == project.region_id)
                                   .order_by(Process.title)).all()
    measures = db.session.execute(select(Measure.id, Measure.title, Process.title)
                                  .join(Process, Process.id == Measure.process_id)
                                  .where(Process.region_id == project.region_id)
                                  .order_by(Process.title, Measure.title)).all()
    choices = [(f"process:{process.id}", _("Beteiligungsprozess: %(title)s", title=process.title))
               for process in processes if process.id not in linked_processes]
    choices += [(f"measure:{measure_id}", _("Maßnahme: %(title)s (%(process)s)", title=title, process=process))
                for measure_id, title, process in measures if measure_id not in linked_measures]
    return choices


# --- writing: projects ----------------------------------------------------------------------------

def _text(data, key, clean, errors, minimum, maximum, message):
    if key in data:
        clean[key] = clean_text(data[key] or "").strip()
        if not minimum <= len(clean[key]) <= maximum:
            errors[key] = [message]


def _clean(data, errors):
    clean = {}
    _text(data, "title", clean, errors, TITLE_MIN, TITLE_MAX,
          _("Der Titel muss %(min)d bis %(max)d Zeichen lang sein.", min=TITLE_MIN, max=TITLE_MAX))
    _text(data, "summary", clean, errors, SUMMARY_MIN, SUMMARY_MAX,
          _("Die Kurzbeschreibung muss %(min)d bis %(max)d Zeichen lang sein.", min=SUMMARY_MIN, max=SUMMARY_MAX))
    for key, maximum in (("description", DESCRIPTION_MAX), ("office", OFFICE_MAX),
                         ("contact_name", CONTACT_NAME_MAX), ("contact_email", CONTACT_EMAIL_MAX),
                         ("contact_phone", CONTACT_PHONE_MAX)):
        _text(data, key, clean, errors, 0, maximum, _("Höchstens %(n)d Zeichen.", n=maximum))
    if clean.get("contact_email") and "contact_email" not in errors:
        address = normalized_email(clean["contact_email"])
        if address is None:
            errors["contact_email"] = [_("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@stadt.de.")]
        else:
            clean["contact_email"] = address
    if clean.get("contact_phone") and "contact_phone" not in errors and not is_phone(clean["contact_phone"]):
        errors["contact_phone"] = [_("Bitte geben Sie eine Telefonnummer aus Ziffern an, z. B. 0209 169-0.")]
    if "status" in data:
        if data["status"] not in STATUSES:
            errors["status"] = [_("Erlaubt: %(values)s.", values=", ".join(STATUSES))]
        clean["status"] = str(data["status"])
    for key in ("starts_on", "ends_on"):
        if key in data:
            value = data[key]
            if not isinstance(value, date):
                errors[key] = [_("Bitte geben Sie ein Datum an.")]
            elif not 2000 <= value.year <= 2199:
                errors[key] = [_("Datum zwischen den Jahren 2000 und 2199 erwartet.")]
            clean[key] = value
    for key in ("contact_consent", "published"):
        if key in data:
            clean[key] = bool(data[key])
    return clean


def _check_whole(values, errors):
    """Rules across fields: the period's end not before its start; a published contact has a name and a way
    to reach them."""
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on \
            and "ends_on" not in errors and "starts_on" not in errors:
        errors["ends_on"] = [_("Das Ende der Förderung darf nicht vor ihrem Beginn liegen.")]
    if values.get("contact_consent"):
        if not values.get("contact_name") and "contact_name" not in errors:
            errors["contact_name"] = [_("Bitte nennen Sie die Ansprechperson, deren Angaben veröffentlicht werden.")]
        if not values.get("contact_email") and not values.get("contact_phone") and "contact_email" not in errors:
            errors["contact_email"] = [_("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an.")]


FIELDS = ("title", "summary", "description", "status", "starts_on", "ends_on", "office", "contact_name",
          "contact_email", "contact_phone", "contact_consent", "published")


def create_project(actor, region, title, summary, starts_on, ends_on, description="",
                   status=ProjectStatus.PLANNED.value, office="", contact_name="", contact_email="",
                   contact_phone="", contact_consent=False, published=False):
    """A new project of the region (moderators of the region)."""
    require_moderator(actor, region)
    errors = {}
    clean = _clean({"title": title, "summary": summary, "description": description, "status": status,
                    "starts_on": starts_on, "ends_on": ends_on, "office": office, "contact_name": contact_name,
                    "contact_email": contact_email, "contact_phone": contact_phone,
                    "contact_consent": contact_consent, "published": published}, errors)
    _check_whole(clean, errors)
    if errors:
        raise Invalid(_check(), errors)
    project = ShowcaseProject(region_id=region.id, created_by_id=actor.id,
                              description_html=render_markdown(clean["description"]), **clean)
    db.session.add(project)
    db.session.flush()
    record(actor, "showcase.created", project, region, title=project.title)
    return project


def update_project(actor, project, **changes):
    """Change a project's fields (any of FIELDS)."""
    require_moderator(actor, project.region)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    errors = {}
    clean = _clean(changes, errors)
    _check_whole({key: clean.get(key, getattr(project, key)) for key in FIELDS}, errors)
    if errors:
        raise Invalid(_check(), errors)
    changed = sorted(key for key, value in clean.items() if getattr(project, key) != value)
    for key, value in clean.items():
        setattr(project, key, value)
    if "description" in clean:
        project.description_html = render_markdown(project.description)
    db.session.flush()
    if changed:
        record(actor, "showcase.updated", project, project.region, title=project.title, fields=changed)
    return project


def delete_project(actor, project):
    """Delete the project with its links and materials; returns the names of its files, which the caller
    removes after the commit (``remove_files``)."""
    require_moderator(actor, project.region)
    names = [material.file_name for material in project.materials]
    record(actor, "showcase.deleted", project, project.region, title=project.title)
    db.session.delete(project)
    db.session.flush()
    return names


# --- writing: links -------------------------------------------------------------------------------

def clean_url(value, errors, key="url"):
    url = clean_text(value or "").strip()
    parts = urlsplit(url) if len(url) <= URL_MAX and not any(c.isspace() for c in url) else None
    try:
        host = parts.hostname if parts is not None else None
    except ValueError:
        host = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        errors[key] = [_("Bitte geben Sie eine Adresse an, die mit http:// oder https:// beginnt (höchstens "
                         "%(n)d Zeichen).", n=URL_MAX)]
    return url


def add_link(actor, project, title, url):
    require_moderator(actor, project.region)
    errors = {}
    title = clean_text(title or "").strip()
    if not 2 <= len(title) <= LINK_TITLE_MAX:
        errors["title"] = [_("Der Titel des Links muss 2 bis %(n)d Zeichen lang sein.", n=LINK_TITLE_MAX)]
    url = clean_url(url, errors)
    if len(project.links) >= LINKS_MAX:
        errors["url"] = [_("Höchstens %(n)d Links je Projekt.", n=LINKS_MAX)]
    if errors:
        raise Invalid(_check(), errors)
    link = ShowcaseLink(title=title, url=url)
    project.links.append(link)
    db.session.flush()
    record(actor, "showcase.link_added", project, project.region, title=project.title, link=title)
    return link


def remove_link(actor, project, link_id):
    require_moderator(actor, project.region)
    link = next((link for link in project.links if link.id == link_id), None)
    if link is None:
        raise NotFound(_("Diesen Link gibt es nicht."))
    project.links.remove(link)
    db.session.flush()
    record(actor, "showcase.link_removed", project, project.region, title=project.title, link=link.title)


# --- writing: processes and measures of the region ------------------------------------------------

RELATION_KINDS = {"process": Process, "measure": Measure}


def _target(project, kind, target_id):
    model = RELATION_KINDS.get(kind)
    target = db.session.get(model, target_id) if model is not None and isinstance(target_id, int) else None
    region_id = None
    if isinstance(target, Process):
        region_id = target.region_id
    elif isinstance(target, Measure):
        region_id = target.process.region_id
    if target is None or region_id != project.region_id:
        message = _("Diesen Beteiligungsprozess bzw. diese Maßnahme gibt es in der Region des Projekts nicht.")
        raise Invalid(message, {"target": [message]})
    return target


def _related_list(project, kind):
    return project.processes if kind == "process" else project.measures


def relate(actor, project, kind, target_id):
    """Relate a process or measure of the project's region to it (nothing changes if it is related already)."""
    require_moderator(actor, project.region)
    target = _target(project, kind, target_id)
    items = _related_list(project, kind)
    if target not in items:
        items.append(target)
        db.session.flush()
        record(actor, "showcase.related", project, project.region, title=project.title, kind=kind,
               related=target.title)
    return target


def unrelate(actor, project, kind, target_id):
    require_moderator(actor, project.region)
    items = _related_list(project, kind) if kind in RELATION_KINDS else []
    target = next((item for item in items if item.id == target_id), None)
    if target is None:
        raise NotFound(_("Diese Verknüpfung gibt es nicht."))
    items.remove(target)
    db.session.flush()
    record(actor, "showcase.unrelated", project, project.region, title=project.title, kind=kind,
           related=target.title)


# --- JSON and CSV ---------------------------------------------------------------------------------

def project_to_json(project, viewer):
    """A project as the API shows it: the contact only with consent; related processes and measures the
    viewer may see."""
    processes, measures = related(project, viewer)
    return {
        "id": project.id,
        "region": project.region.slug,
        "region_name": project.region.name,
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "description_html": project.description_html,
        "status": project.status,
        "status_label": status_label(project.status),
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "office": project.office,
        "contact": contact_of(project),
        "published": project.published,
        "links": [{"id": link.id, "title": link.title, "url": link.url} for link in project.links],
        "materials": [{"id": material.id, "title": material.title, "media_type": material.media_type,
                       "size": material.size, "url": material_url(project, material, external=True)}
                      for material in project.materials],
        "processes": [{"id": process.id, "title": process.title,
                       "url": url_for("processes.show", process_id=process.id, _external=True)}
                      for process in processes],
        "measures": [{"id": measure.id, "title": measure.title, "process_id": measure.process_id,
                      "url": url_for("measures.show", measure_id=measure.id, _external=True)}
                     for measure in measures],
        "updated_at": isoformat(project.updated_at),
        "url": url_for("showcase.show", project_id=project.id, _external=True),
    }


CSV_HEADER = ("id", "region", "title", "summary", "status", "starts_on", "ends_on", "office", "contact_name",
              "contact_email", "contact_phone", "links", "materials", "url")


def csv_rows(projects):
    """The rows (header first) of the CSV export: one per project; contact columns empty without consent."""
    yield CSV_HEADER
    for project in projects:
        contact = contact_of(project) or {}
        yield (str(project.id), project.region.slug, project.title, project.summary, project.status,
               project.starts_on.isoformat(), project.ends_on.isoformat(), project.office,
               contact.get("name") or "", contact.get("email") or "", contact.get("phone") or "",
               " | ".join(f"{link.title}: {link.url}" for link in project.links),
               " | ".join(material_url(project, material, external=True) for material in project.materials),
               url_for("showcase.show", project_id=project.id, _external=True))


def export_stamp():
    return utcnow().strftime("%Y-%m-%d")
