"""The catalogue's rules, shared by the pages, the seed command and the survey template.

Functions flush but never commit; the caller (page, command) commits once.
"""

from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from beteiligung.plugin_api import Invalid, NotFound, audit, clean_text, db, paginate, require_moderator
from beteiligung.plugin_api import gettext as _
from beteiligung.plugin_api import lazy_gettext as _l

from .models import OnlineService

LOCAL_TZ = ZoneInfo("Europe/Berlin")
EARLIEST = date(1990, 1, 1)
NAME_MAX = 200
DEPARTMENT_MAX = 120
URL_MAX = 500
DESCRIPTION_MAX = 1000
PER_PAGE = 20
#: rating questions a generated survey asks at most (one per service, in the order of the names)
SURVEY_SERVICES_MAX = 20
NONE_USED = "Noch keinen dieser Dienste"
RATING_LABELS = {"1": "sehr unzufrieden", "5": "sehr zufrieden"}


def local_today():
    return datetime.now(UTC).astimezone(LOCAL_TZ).date()


def _one_line(value):
    return " ".join(clean_text(value if isinstance(value, str) else "").split())


def clean_url(raw):
    """(url, None) for an http(s) address with a host, else (text, German message)."""
    url = str(raw or "").strip()
    if not url:
        return url, _("Bitte geben Sie die Internetadresse des Dienstes an.")
    if len(url) > URL_MAX:
        return url, _("Die Internetadresse darf höchstens %(max)d Zeichen lang sein.", max=URL_MAX)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not host
            or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"\\" for ch in url)):
        return url, _("Bitte geben Sie eine vollständige Internetadresse an, die mit https:// oder http:// beginnt.")
    return url, None


def clean_service(data, today=None):
    """The catalogue entry's values from ``data`` and the German messages per field (empty: valid)."""
    today = today or local_today()
    errors = {}
    name = _one_line(data.get("name"))
    if not 3 <= len(name) <= NAME_MAX:
        errors["name"] = [_("Bitte geben Sie den Namen des Dienstes an (3 bis %(max)d Zeichen).", max=NAME_MAX)]
    department = _one_line(data.get("department"))
    if not 2 <= len(department) <= DEPARTMENT_MAX:
        errors["department"] = [_("Bitte nennen Sie den zuständigen Fachbereich oder das Amt (2 bis %(max)d Zeichen).",
                                  max=DEPARTMENT_MAX)]
    online_since = data.get("online_since")
    if not isinstance(online_since, date) or isinstance(online_since, datetime):
        errors["online_since"] = [_("Bitte geben Sie an, seit wann der Dienst online ist (TT.MM.JJJJ).")]
    elif online_since > today:
        errors["online_since"] = [_("Das Datum darf nicht in der Zukunft liegen. Tragen Sie den Dienst ein, "
                                    "sobald er online ist.")]
    elif online_since < EARLIEST:
        errors["online_since"] = [_("Das Datum darf nicht vor dem %(date)s liegen.", date=f"{EARLIEST:%d.%m.%Y}")]
    url, message = clean_url(data.get("url"))
    if message:
        errors["url"] = [message]
    description = clean_text(data.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Die Beschreibung darf höchstens %(max)d Zeichen lang sein (sie hat %(length)d).",
                                   max=DESCRIPTION_MAX, length=len(description))]
    values = {"name": name, "department": department, "online_since": online_since, "url": url,
              "description": description}
    return values, errors


def _name_taken(region, name, exclude_id=None):
    query = select(OnlineService.id).where(OnlineService.region_id == region.id,
                                           func.lower(OnlineService.name) == name.lower())
    if exclude_id is not None:
        query = query.where(OnlineService.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def name_taken():
    return _("Diesen Dienst gibt es im Katalog schon (auch deaktivierte Dienste zählen).")


def refused():
    return _("Bitte prüfen Sie die markierten Angaben.")


def _store(region, service, values, errors):
    if "name" not in errors and _name_taken(region, values["name"], service.id):
        errors["name"] = [name_taken()]
    if errors:
        raise Invalid(refused(), errors)
    for key, value in values.items():
        setattr(service, key, value)
    db.session.add(service)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same name, written at the same moment by someone else
        # No savepoint: on SQLite (pysqlite) releasing a savepoint opened before any write commits.
        db.session.rollback()
        raise Invalid(refused(), {"name": [name_taken()]}) from error
    return service


# Sentences of the audit log (stored in German, shown in the reader's language).
CREATED = _l("%(actor)s hat den Online-Dienst „%(name)s“ in den Katalog der Region %(region)s aufgenommen.")
UPDATED = _l("%(actor)s hat den Eintrag des Online-Dienstes „%(name)s“ geändert.")
DISABLED = _l("%(actor)s hat den Online-Dienst „%(name)s“ deaktiviert; er erscheint nicht mehr im Katalog.")
ENABLED = _l("%(actor)s hat den Online-Dienst „%(name)s“ wieder aktiviert.")


def create_service(user, region, data, today=None):
    require_moderator(user, region)
    values, errors = clean_service(data, today)
    service = _store(region, OnlineService(region_id=region.id, active=True), values, errors)
    audit("paderborn.service_created", service, CREATED, region=region, actor=user, name=service.name)
    return service


def update_service(user, service, region, data, today=None):
    require_moderator(user, region)
    values, errors = clean_service(data, today)
    before = {key: getattr(service, key) for key in values}
    _store(region, service, values, errors)
    changed = [key for key, value in before.items() if getattr(service, key) != value]
    if changed:
        audit("paderborn.service_updated", service, UPDATED, region=region, actor=user, name=service.name,
              fields=changed)
    return service


def set_active(user, service, region, active):
    require_moderator(user, region)
    if service.active != bool(active):
        service.active = bool(active)
        audit("paderborn.service_enabled" if active else "paderborn.service_disabled", service,
              ENABLED if active else DISABLED, region=region, actor=user, name=service.name)
    db.session.flush()
    return service


def get_service(region, service_id):
    service = db.session.get(OnlineService, service_id)
    if service is None or service.region_id != region.id:
        raise NotFound(_("Diesen Online-Dienst gibt es im Katalog der Region nicht."))
    return service


def catalogue_query(region, active_only=True):
    query = select(OnlineService).where(OnlineService.region_id == region.id)
    if active_only:
        query = query.where(OnlineService.active.is_(True))
    return query.order_by(OnlineService.name, OnlineService.id)


def catalogue_page(region, active_only=True, per_page=PER_PAGE):
    """The page of the catalogue the request asks for (``?page=``): two queries whatever its size."""
    return paginate(catalogue_query(region, active_only), per_page=per_page)


def seed_services(region, entries, today=None):
    """Add the entries whose name the region's catalogue lacks (idempotent); returns the number added.

    For operators (command line): no permission check, invalid entries refused with Invalid.
    """
    added = 0
    for entry in entries:
        values, errors = clean_service(entry, today)
        if "name" not in errors and _name_taken(region, values["name"]):
            continue
        if errors:
            raise Invalid(f"{values['name'] or 'Eintrag ohne Namen'}: {refused()}", errors)
        service = OnlineService(region_id=region.id, active=entry.get("active", True))
        _store(region, service, values, errors)
        added += 1
    return added


def survey_questions(region):
    """Questions generated from the region's active services (empty list when the catalogue is empty):
    which services were used, then one rating per service (up to SURVEY_SERVICES_MAX, by name)."""
    services = db.session.scalars(catalogue_query(region).limit(SURVEY_SERVICES_MAX)).all()
    if not services:
        return []
    names = [service.name for service in services]
    questions = []
    if NONE_USED not in names:
        questions.append({"type": "multiple_choice", "text": "Welche dieser Online-Dienste haben Sie schon genutzt?",
                          "options": [*names, NONE_USED], "required": False})
    for service in services:
        questions.append({
            "type": "scale", "required": False,
            "text": f"Wie zufrieden sind Sie mit dem Online-Dienst „{service.name}“?",
            "help_text": f"Zuständig: {service.department}. Bitte bewerten Sie nur Dienste, die Sie selbst "
                         "genutzt haben.",
            "settings": {"min": 1, "max": 5, "labels": dict(RATING_LABELS)},
        })
    return questions
