from sqlalchemy import select

from ..api import api_user, bp, page_args, paged
from ..pagination import paginate
from .models import Region


def region_to_json(region):
    return {"slug": region.slug, "name": region.name, "theme": region.theme, "description": region.description,
            "plugins": []}


@bp.route("/regions")
def list_regions():
    api_user()  # an invalid token is refused here as everywhere
    page = paginate(select(Region).order_by(Region.name), *page_args())
    return paged(page, [region_to_json(region) for region in page.items])
