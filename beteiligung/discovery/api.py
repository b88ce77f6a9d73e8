"""GET /api/v1/search: the search of /suche as JSON (public items only, whoever asks)."""

from flask import request
from flask_babel import gettext as _

from ..api import bp, page_args, paged
from ..errors import Invalid
from ..regions.services import get_region_by_slug
from ..timeutil import isoformat
from .search import search


def hit_to_json(hit):
    region = hit.region
    return {"kind": hit.kind.key, "id": hit.target.id, "title": hit.target.title,
            "title_highlighted": str(hit.title_html), "snippet_highlighted": str(hit.snippet_html),
            "url": hit.url, "status": hit.status, "rank": round(hit.rank, 6),
            "region": {"slug": region.slug, "name": region.name},
            "created_at": isoformat(hit.target.created_at)}


@bp.route("/search")
def search_api():
    page, per_page = page_args()
    region = None
    if request.args.get("region"):
        region = get_region_by_slug(request.args["region"])
        if region is None:
            raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    result = search(request.args.get("q", ""), region=region, kind=request.args.get("kind") or None,
                    status=request.args.get("status") or None, page=page, per_page=per_page)
    return paged(result, [hit_to_json(hit) for hit in result.items])
