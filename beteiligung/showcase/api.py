"""The showcase's JSON API (reads only): /api/v1/showcase/projects and /api/v1/showcase/projects/<id>.

Its own blueprint under the API's prefix (the core's API blueprint is registered before the showcase is
initialised); errors have the API's JSON shape (beteiligung.errors answers JSON for every /api/ path)."""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from ..api import api_user, load, page_args, paged
from ..errors import Invalid
from ..pagination import paginate
from ..regions.services import get_region_by_slug
from . import services
from .schemas import ProjectQuerySchema

bp = Blueprint("showcase_api", __name__, url_prefix="/api/v1/showcase")


@bp.route("/projects")
def list_projects():
    user = api_user()
    filters = load(ProjectQuerySchema(), request.args.to_dict())
    region = None
    if filters["region"]:
        region = get_region_by_slug(filters["region"])
        if region is None:
            raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    query = services.project_query(user, region, filters["status"], filters["q"])
    page = paginate(services.with_details(query), *page_args())
    return paged(page, [services.project_to_json(project, user) for project in page.items])


@bp.route("/projects/<int:project_id>")
def get_project(project_id):
    user = api_user()
    return jsonify(services.project_to_json(services.get_project(user, project_id), user))
