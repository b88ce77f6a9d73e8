from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..comments.forms import ActionForm
from ..forms import page_arg
from ..pagination import paginate
from ..regions.services import get_region_by_slug, list_regions
from ..statistics import live_figures
from ..timeutil import utcnow
from . import services

bp = Blueprint("home", __name__)

#: the cookie that keeps a visitor's region (its slug) – a preference, no account needed
REGION_COOKIE = "region"
REGION_COOKIE_AGE = 365 * 24 * 3600
#: query arguments of the consultation list that once lived at "/": old links are sent there
LIST_ARGUMENTS = ("region", "status", "page")
HOME_OPEN = 9
ARCHIVE_PER_PAGE = 20


def chosen_region(regions):
    """The region kept in the visitor's cookie, if it still exists."""
    slug = request.cookies.get(REGION_COOKIE, "")
    return next((region for region in regions if region.slug == slug), None)


@bp.route("/")
def index():
    if any(key in request.args for key in LIST_ARGUMENTS):
        # The consultation list was the home page until the home page came: its links keep working.
        return redirect(url_for("consultations.index", **request.args), code=301)
    now = utcnow()
    regions = list_regions()
    mine = chosen_region(regions)
    overview = services.overview(current_user, None, now)
    own = services.overview(current_user, mine, now) if mine is not None else None
    return render_template(
        "home/index.html", regions=regions, mine=mine, own=own, overview=overview, now=now,
        open_items=services.varied(overview.open_items, HOME_OPEN), more_open=overview.total > HOME_OPEN,
        figures=live_figures(None, overview.total, now),
        outcomes=services.outcomes(current_user, None, limit=6, now=now), action_form=ActionForm())


@bp.route("/region-merken", methods=["POST"])
def remember_region():
    """Keep a region (or forget it) in a cookie: the home page then shows it first."""
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal."), "error")
        return redirect(url_for(".index"), code=303)
    response = redirect(url_for(".index"), code=303)
    if request.form.get("forget"):
        response.delete_cookie(REGION_COOKIE, samesite="Lax")
        flash(_("Die Startseite zeigt wieder alle Regionen gleich."), "success")
        return response
    region = get_region_by_slug(request.form.get("region", ""))
    if region is None:
        flash(_("Bitte wählen Sie eine Region aus der Liste."), "error")
        return response
    response.set_cookie(REGION_COOKIE, region.slug, max_age=REGION_COOKIE_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    flash(_("Die Startseite zeigt jetzt zuerst die Region %(name)s.", name=region.name), "success")
    return response


@bp.route("/archiv")
def archive():
    """Closed consultations, polls, proposal collections and processes, with filters."""
    kind = request.args.get("art") or "beteiligungen"
    if kind not in services.ARCHIVE_KINDS:
        kind = "beteiligungen"
    regions = list_regions()
    region = None
    if request.args.get("region"):
        region = get_region_by_slug(request.args["region"])
        if region is None:
            abort(404)
    year = request.args.get("jahr", type=int)
    if year is not None and not 2000 <= year <= 2100:
        year = None
    page = paginate(services.archive_query(kind, current_user, region, year), page_arg(), ARCHIVE_PER_PAGE)
    items = [services.archive_item(kind, obj) for obj in page.items]
    years = list(range(utcnow().year, utcnow().year - 6, -1))
    return render_template("home/archive.html", page=page, items=items, kind=kind, kinds=services.ARCHIVE_KINDS,
                           regions=regions, region=region, year=year, years=years, page_now=utcnow())
