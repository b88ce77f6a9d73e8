from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..comments.services import SORTS, list_threads, reports_of, thread_ids, votes_of
from ..errors import DomainError
from ..extensions import cache, db
from ..forms import page_arg, show_error
from ..pagination import paginate
from ..plugins.runtime import get_registry, render_slot
from ..plugins.services import enabled_names, remember_enabled
from ..policy import can_moderate
from ..regions.services import get_region_by_slug, list_regions
from ..timeutil import to_local, to_utc
from . import services
from .forms import ConsultationForm

bp = Blueprint("consultations", __name__)

PER_PAGE = 20
PAGE_SLOTS = ("consultation.aside", "consultation.before_comments")


@bp.route("/beteiligungen/")
def index():
    regions = list_regions()
    region = get_region_by_slug(request.args["region"]) if request.args.get("region") else None
    if request.args.get("region") and region is None:
        abort(404)
    status = request.args.get("status") or None
    if status not in (None, "open", "closed", "upcoming", "draft"):
        status = None
    page = paginate(services.consultation_query(current_user, region, status), page_arg(), PER_PAGE)
    return render_template("consultations/index.html", page=page, regions=regions, region=region, status=status)


@bp.route("/regionen")
def regions():
    regions = list_regions()
    remember_enabled(regions)  # the plugins of every region in one query
    return render_template("consultations/regions.html", regions=regions)


@bp.route("/beteiligungen/<int:consultation_id>")
def show(consultation_id):
    from ..comments.views import requested_cursor

    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    page = page_arg()
    # ?after=<cursor>: the page of the discussion after another (keyset, see comments.cursors).
    after, refused = requested_cursor("consultation", consultation_id, sort)
    position = request.args["after"] if after is not None else page
    # Anonymous readers all see the same page: it is cached per revision of the discussion. When no
    # plugin fills a slot of this page, one light query finds the cached copy.
    cacheable = (not current_user.is_authenticated and not session.get("_flashes") and not refused
                 and set(request.args) <= {"sort", "page", "after"})
    plain = not any(get_registry().slot_contributors.get(slot) for slot in PAGE_SLOTS)
    stamp = services.published_stamp(consultation_id) if cacheable and plain else None
    if stamp is not None:
        key = f"page:{consultation_id}:{stamp[0]}:{stamp[1]}:{stamp[2]}:{sort}:{position}:{get_locale()}"
        html = cache.get(key)
        if html is not None:
            return html
    consultation = services.get_consultation(current_user, consultation_id)
    # Plugin contributions first: they are part of what a cached page must match.
    slots = {slot: render_slot(slot, consultation.region, consultation=consultation) for slot in PAGE_SLOTS}
    key = None
    if cacheable and consultation.published:
        stamp = (consultation.revision, consultation.status, services.plugins_stamp(enabled_names(consultation.region)))
        key = f"page:{consultation.id}:{stamp[0]}:{stamp[1]}:{stamp[2]}:{sort}:{position}:{get_locale()}"
        if not plain:
            key += f":{hash(tuple(slots.values()))}"
            html = cache.get(key)
            if html is not None:
                return html
    threads = list_threads(consultation, sort, page, current_app.config["COMMENTS_PER_PAGE"], after=after)
    threads.refused = refused
    ids = thread_ids(threads.items)
    html = render_template("consultations/show.html", consultation=consultation, threads=threads, sort=sort,
                           my_votes=votes_of(current_user, ids), my_reports=reports_of(current_user, ids),
                           moderator=can_moderate(current_user, consultation.region), slots=slots,
                           sections_by_id={section.id: section for section in consultation.all_sections})
    if key is not None:
        cache.set(key, html)
    return html


def _form_for(consultation=None):
    form = ConsultationForm(obj=consultation)
    every_region = list_regions()
    regions = [r for r in every_region if can_moderate(current_user, r)]
    if not regions:
        abort(403)
    if consultation is None and request.method == "POST":
        # Another region's id is a refusal (403, as in the API), not a mistake in the form.
        requested = request.form.get("region", type=int)
        if requested is not None and any(r.id == requested for r in every_region) \
                and all(r.id != requested for r in regions):
            abort(403)
    form.region.choices = [(r.id, r.name) for r in regions]
    if consultation is not None and request.method == "GET":
        form.region.data = consultation.region_id
        form.opens_at.data = to_local(consultation.opens_at)
        form.closes_at.data = to_local(consultation.closes_at)
    return form, {r.id: r for r in regions}


def _dates(form):
    return to_utc(form.opens_at.data), to_utc(form.closes_at.data)


@bp.route("/beteiligungen/neu", methods=["GET", "POST"])
@login_required
def create():
    form, regions = _form_for()
    status = 200
    if form.validate_on_submit():
        opens_at, closes_at = _dates(form)
        try:
            consultation = services.create_consultation(
                current_user, regions[form.region.data], form.title.data, form.summary.data, form.body.data,
                form.published.data, opens_at, closes_at)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Die Beteiligung wurde angelegt."), "success")
            return redirect(url_for(".show", consultation_id=consultation.id), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("consultations/form.html", form=form, consultation=None), status


@bp.route("/beteiligungen/<int:consultation_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(consultation_id):
    consultation = services.get_consultation(current_user, consultation_id)
    if not can_moderate(current_user, consultation.region):
        abort(403)
    form, regions = _form_for(consultation)
    # The region of an existing consultation does not change.
    form.region.choices = [(consultation.region_id, consultation.region.name)]
    form.region.data = consultation.region_id
    status = 200
    if form.validate_on_submit():
        opens_at, closes_at = _dates(form)
        try:
            services.update_consultation(current_user, consultation, title=form.title.data,
                                         summary=form.summary.data, body=form.body.data, opens_at=opens_at,
                                         closes_at=closes_at, published=form.published.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for(".show", consultation_id=consultation.id), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("consultations/form.html", form=form, consultation=consultation), status


@bp.route("/beteiligungen/<int:consultation_id>/veroeffentlichen", methods=["POST"])
@login_required
def publish(consultation_id):
    consultation = services.get_consultation(current_user, consultation_id)
    published = request.form.get("published") == "1"
    services.set_published(current_user, consultation, published)
    db.session.commit()
    flash(_("Die Beteiligung ist jetzt veröffentlicht.") if published
          else _("Die Beteiligung ist jetzt nicht mehr öffentlich."), "success")
    return redirect(url_for(".show", consultation_id=consultation.id), code=303)
