from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..api import api_user, bp, load, load_changes, page_args, paged, require_api_user
from ..errors import Invalid
from ..extensions import db
from ..pagination import paginate
from ..regions.services import get_region_by_slug
from . import services
from .models import Consultation, ConsultationStatus
from .schemas import ConsultationCreateSchema, ConsultationUpdateSchema, consultation_to_json, dates_to_utc

FILTER_STATUSES = tuple(ConsultationStatus)


@bp.route("/consultations")
def list_consultations():
    region = None
    if request.args.get("region"):
        region = get_region_by_slug(request.args["region"])
        if region is None:
            raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    status = request.args.get("status") or None
    if status is not None and status not in FILTER_STATUSES:
        allowed = _("Erlaubt: %(values)s", values=", ".join(FILTER_STATUSES))
        raise Invalid(_("Unbekannter Status."), {"status": [allowed]})
    query = services.consultation_query(api_user(), region, status).options(selectinload(Consultation.sections))
    page = paginate(query, *page_args())
    return paged(page, [consultation_to_json(c, with_body=False) for c in page.items])


@bp.route("/consultations", methods=["POST"])
def create_consultation():
    user = require_api_user()
    data = dates_to_utc(load(ConsultationCreateSchema()))
    region = get_region_by_slug(data.pop("region"))
    if region is None:
        raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    consultation = services.create_consultation(user, region, **data)
    db.session.commit()
    return jsonify(consultation_to_json(consultation)), 201


@bp.route("/consultations/<int:consultation_id>")
def get_consultation(consultation_id):
    return jsonify(consultation_to_json(services.get_consultation(api_user(), consultation_id)))


@bp.route("/consultations/<int:consultation_id>", methods=["PATCH"])
def update_consultation(consultation_id):
    user = require_api_user()
    consultation = services.get_consultation(user, consultation_id)
    data = dates_to_utc(load_changes(ConsultationUpdateSchema()))
    services.update_consultation(user, consultation, **data)
    db.session.commit()
    return jsonify(consultation_to_json(consultation))

