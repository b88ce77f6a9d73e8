"""The processes' JSON API: lists and timelines for everyone, writes for the region's moderators."""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..api import api_user, bp, load, load_changes, page_args, paged, require_api_user
from ..errors import Invalid, NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..regions.services import get_region_by_slug
from ..timeutil import utcnow
from . import services
from .models import Process, ProcessPhase
from .schemas import (
    InstrumentCreateSchema,
    PhaseCreateSchema,
    PhasePatchSchema,
    ProcessCreateSchema,
    ProcessPatchSchema,
    phase_dates_to_utc,
    phase_to_json,
    process_to_json,
)


def _region(slug):
    region = get_region_by_slug(slug)
    if region is None:
        raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    return region


def _phase(user, phase_id):
    """A phase of a process the user may see (drafts: its moderators), else 404."""
    phase = db.session.get(ProcessPhase, phase_id)
    if phase is None:
        raise NotFound(_("Diese Phase gibt es nicht."))
    services.get_process(user, phase.process_id)
    return phase


def _detail(process, user):
    now = utcnow()
    rows = services.timeline(process, user, now)
    data = process_to_json(process, now, [phase for phase, _status, _entries in rows])
    data["phases"] = [phase_to_json(phase, status, entries, number)
                      for number, (phase, status, entries) in enumerate(rows, start=1)]
    return data


@bp.route("/processes")
def list_processes():
    region = _region(request.args["region"]) if request.args.get("region") else None
    query = services.process_query(api_user(), region).options(selectinload(Process.phases))
    page = paginate(query, *page_args())
    now = utcnow()
    return paged(page, [process_to_json(process, now, with_body=False) for process in page.items])


@bp.route("/processes", methods=["POST"])
def create_process():
    user = require_api_user()
    data = load(ProcessCreateSchema())
    process = services.create_process(user, _region(data.pop("region")), **data)
    db.session.commit()
    return jsonify(_detail(process, user)), 201


@bp.route("/processes/<int:process_id>")
def get_process(process_id):
    user = api_user()
    return jsonify(_detail(services.get_process(user, process_id), user))


@bp.route("/processes/<int:process_id>", methods=["PATCH"])
def update_process(process_id):
    user = require_api_user()
    process = services.get_process(user, process_id)
    data = load_changes(ProcessPatchSchema())
    published = data.pop("published", None)
    services.update_process(user, process, **data)
    if published is not None:
        services.set_published(user, process, published)
    db.session.commit()
    return jsonify(_detail(process, user))


@bp.route("/processes/<int:process_id>/phases")
def list_phases(process_id):
    user = api_user()
    process = services.get_process(user, process_id)
    page, per_page = page_args()
    rows = services.timeline(process, user)
    items = [phase_to_json(phase, status, entries, number)
             for number, (phase, status, entries) in enumerate(rows, start=1)]
    # A process has at most PHASES_MAX phases: one timeline, cut to the page asked for.
    current = Page(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))
    return paged(current, current.items)


@bp.route("/processes/<int:process_id>/phases", methods=["POST"])
def create_phase(process_id):
    user = require_api_user()
    process = services.get_process(user, process_id)
    data = phase_dates_to_utc(load(PhaseCreateSchema()))
    phase = services.add_phase(user, process, **data)
    db.session.commit()
    return jsonify(_phase_json(phase, user)), 201


def _phase_json(phase, user):
    rows = services.timeline(phase.process, user)
    for number, (row_phase, status, entries) in enumerate(rows, start=1):
        if row_phase.id == phase.id:
            return phase_to_json(row_phase, status, entries, number)
    raise NotFound(_("Diese Phase gibt es nicht."))


@bp.route("/phases/<int:phase_id>", methods=["PATCH"])
def update_phase(phase_id):
    user = require_api_user()
    phase = _phase(user, phase_id)
    data = phase_dates_to_utc(load_changes(PhasePatchSchema()))
    move = data.pop("move", None)
    if data:
        services.update_phase(user, phase, **data)
    if move is not None:
        services.move_phase(user, phase, move)
    db.session.commit()
    return jsonify(_phase_json(phase, user))


@bp.route("/phases/<int:phase_id>", methods=["DELETE"])
def delete_phase(phase_id):
    user = require_api_user()
    services.delete_phase(user, _phase(user, phase_id))
    db.session.commit()
    return "", 204


@bp.route("/phases/<int:phase_id>/instruments", methods=["POST"])
def attach_instrument(phase_id):
    user = require_api_user()
    phase = _phase(user, phase_id)
    data = load(InstrumentCreateSchema())
    services.attach_instrument(user, phase, data["kind"], data["target_id"], data["follows_phase_dates"])
    db.session.commit()
    return jsonify(_phase_json(phase, user)), 201
