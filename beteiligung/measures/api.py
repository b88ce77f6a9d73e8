"""The measures' JSON API: lists and single measures for everyone (of visible processes), writes for the
moderators of the process's region, and the export of a process."""

from flask import jsonify, request
from flask_babel import gettext as _

from ..api import BadRequest, api_user, bp, load, load_changes, page_args, paged, require_api_user
from ..errors import Invalid
from ..extensions import db
from ..ids import parse_id
from ..pagination import paginate
from ..policy import can_moderate
from ..processes import services as processes
from ..regions.services import get_region_by_slug
from . import services
from .schemas import MeasureCreateSchema, MeasurePatchSchema, MeasureUpdateCreateSchema, link_pairs


def _json(measure, user):
    return services.measure_to_json(measure, services.resolve_links([measure], user)[measure.id],
                                    staff=can_moderate(user, measure.process.region))


@bp.route("/measures")
def list_measures():
    user = api_user()
    for name in ("page", "per_page"):
        if request.args.get(name) == "":  # the document says integer: an empty value is no number
            raise BadRequest(_("%(name)s muss eine positive ganze Zahl sein.", name=name),
                             {name: [_("Positive ganze Zahl erwartet.")]})
    region = None
    if request.args.get("region"):
        region = get_region_by_slug(request.args["region"])
        if region is None:
            raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    process_id = None
    if "process" in request.args:
        process_id = parse_id(request.args["process"])
        if process_id is None:
            raise Invalid(_("Einige Angaben sind ungültig."), {"process": [_("Unbekannte Id.")]})
    page = paginate(services.measure_query(user, process_id, region), *page_args())
    links = services.resolve_links(page.items, user)
    return paged(page, [services.measure_to_json(measure, links[measure.id], with_updates=False)
                        for measure in page.items])


@bp.route("/measures", methods=["POST"])
def create_measure():
    user = require_api_user()
    data = load(MeasureCreateSchema())
    process = processes.get_process(user, data.pop("process_id"))
    data["links"] = link_pairs(data["links"])
    measure = services.create_measure(user, process, **data)
    db.session.commit()
    return jsonify(_json(measure, user)), 201


@bp.route("/measures/<int:measure_id>")
def get_measure(measure_id):
    user = api_user()
    return jsonify(_json(services.get_measure(user, measure_id), user))


@bp.route("/measures/<int:measure_id>", methods=["PATCH"])
def update_measure(measure_id):
    user = require_api_user()
    measure = services.get_measure(user, measure_id)
    data = load_changes(MeasurePatchSchema())
    if "links" in data:
        data["links"] = link_pairs(data["links"])
    services.update_measure(user, measure, **data)
    db.session.commit()
    return jsonify(_json(measure, user))


@bp.route("/measures/<int:measure_id>", methods=["DELETE"])
def delete_measure(measure_id):
    user = require_api_user()
    services.delete_measure(user, services.get_measure(user, measure_id))
    db.session.commit()
    return "", 204


@bp.route("/measures/<int:measure_id>/updates", methods=["POST"])
def add_measure_update(measure_id):
    user = require_api_user()
    measure = services.get_measure(user, measure_id)
    data = load(MeasureUpdateCreateSchema())
    services.add_update(user, measure, data["body"], data["status"], data["progress"])
    db.session.commit()
    db.session.refresh(measure)
    return jsonify(_json(measure, user)), 201


@bp.route("/processes/<int:process_id>/export")
def export_process_data(process_id):
    user = api_user()
    return jsonify(services.export_process(processes.get_process(user, process_id), user))
