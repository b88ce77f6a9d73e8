"""The search page (/suche) and the feeds of regions and processes (iCalendar, Atom)."""

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import Invalid
from ..forms import page_arg
from ..processes.services import get_process
from ..regions.services import get_region_by_slug, list_regions, region_or_404
from . import feeds
from .search import STATUS_LABELS, STATUSES, search, search_kinds

bp = Blueprint("discovery", __name__)

PER_PAGE = 20


@bp.route("/suche")
def search_page():
    q = request.args.get("q", "")
    region_slug = request.args.get("region", "")
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    regions = list_regions()
    page, error, code = None, None, 200
    region = None
    if region_slug:
        region = get_region_by_slug(region_slug)
        if region is None:
            error, code = _("Diese Region gibt es nicht."), 422
    if "q" in request.args and error is None:
        try:
            page = search(q, region=region, kind=kind or None, status=status or None, page=page_arg(),
                          per_page=current_app.config.get("SEARCH_PER_PAGE", PER_PAGE))
        except Invalid as problem:
            error, code = problem.message, 422
    return render_template("search/index.html", q=q[:1000], regions=regions, region=region, kind=kind,
                           status=status, kinds=search_kinds(), statuses=STATUSES, status_labels=STATUS_LABELS,
                           page=page, error=error), code


def _absolute(endpoint, **values):
    return url_for(endpoint, _external=True, **values)


def _host():
    """The domain of the events' UIDs: ICAL_UID_DOMAIN if set (stable whatever host name a calendar
    program used), else the request's host."""
    return current_app.config.get("ICAL_UID_DOMAIN") or request.host.split(":")[0] or "beteiligung"


def _calendar_response(name, events, filename):
    response = Response(feeds.calendar(name, events), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/regionen/<region_slug>/termine.ics")
def region_calendar(region_slug):
    region = region_or_404(region_slug)
    processes, polls = feeds.region_dates(region)
    events = feeds.phase_events(processes, _host(), _absolute) + feeds.poll_events(polls, _host(), _absolute)
    return _calendar_response(_("Termine: %(region)s", region=region.name), events, f"termine-{region.slug}.ics")


@bp.route("/prozesse/<int:process_id>/termine.ics")
def process_calendar(process_id):
    process = get_process(None, process_id)  # published processes only, whoever asks
    events = (feeds.phase_events([process], _host(), _absolute)
              + feeds.poll_events(feeds.process_dates(process), _host(), _absolute))
    return _calendar_response(_("Termine: %(process)s", process=process.title), events,
                              f"termine-prozess-{process.id}.ics")


@bp.route("/regionen/<region_slug>/neu.atom")
def region_atom(region_slug):
    region = region_or_404(region_slug)
    entries = [{"id": _absolute("processes.show", process_id=p.id), "title": p.title,
                "url": _absolute("processes.show", process_id=p.id), "summary": p.summary,
                "published": p.created_at, "updated": p.updated_at or p.created_at}
               for p in feeds.new_processes(region)]
    entries += [{"id": _absolute("proposals.show", proposal_id=p.id), "title": _("Vorschlag: %(title)s", title=p.title),
                 "url": _absolute("proposals.show", proposal_id=p.id), "summary": p.body,
                 "published": p.created_at, "updated": p.updated_at or p.created_at}
                for p in feeds.new_proposals(region)]
    # The newest first, processes and proposals together.
    entries = sorted(entries, key=lambda entry: entry["published"], reverse=True)[:feeds.ATOM_ENTRIES]
    body = feeds.atom(_absolute("discovery.region_atom", region_slug=region.slug),
                      _("Neu in %(region)s: Beteiligungsprozesse und Vorschläge", region=region.name),
                      _absolute("discovery.region_atom", region_slug=region.slug),
                      _absolute("regions.show", region_slug=region.slug), _("Beteiligung NRW"),
                      feeds.feed_updated(region, entries), entries)
    return Response(body, mimetype="application/atom+xml")

