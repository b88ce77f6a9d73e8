"""Poll pages: the blueprint and the list of polls. The moderators' pages (``manage_views``), the
participants' pages (``participate_views``), the results (``results_views``) and the access codes
(``code_views``) live in their own modules, registered on the same blueprint."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from ..consultations.models import Consultation
from ..extensions import db
from ..forms import page_arg
from ..pagination import paginate
from ..policy import can_moderate
from ..regions.services import get_region_by_slug, list_regions
from . import services
from .models import PollStatus
from .types import form_id

bp = Blueprint("polls", __name__, url_prefix="/umfragen")


def moderated_regions():
    return [region for region in list_regions() if can_moderate(current_user, region)]


@bp.route("/")
def index():
    region = get_region_by_slug(request.args["region"]) if request.args.get("region") else None
    if request.args.get("region") and region is None:
        abort(404)
    status = request.args.get("status") or None
    if status not in (None, *PollStatus):
        status = None
    wanted = form_id(request.args.get("consultation", ""))
    consultation = db.session.get(Consultation, wanted) if isinstance(wanted, int) else None
    page = paginate(services.poll_query(current_user, region, status, consultation), page_arg(),
                    current_app.config["POLLS_PER_PAGE"])
    return render_template("polls/index.html", page=page, regions=list_regions(), region=region, status=status,
                           consultation=consultation,
                           moderated=moderated_regions() if current_user.is_authenticated else [])


# The moderators' and participants' pages, the results and the access codes register their routes on bp too.
from . import code_views, manage_views, participate_views, results_views  # noqa: E402, F401
