"""What the registries of kinds share (the instruments a phase holds, the inputs a measure comes from):
a kind names a model; it loads its objects in one query and tells their region, title and address."""

from sqlalchemy import select

from .extensions import db


class ObjectKind:
    """One kind of object in a registry. Subclasses set ``key``, ``label`` and ``model`` and fill in ``url``."""

    key = ""
    label = ""
    model = None

    def load(self, ids):
        """{id: object} for these ids, in one query; unknown ids are left out."""
        if not ids:
            return {}
        return {obj.id: obj for obj in db.session.scalars(select(self.model).where(self.model.id.in_(ids))).unique()}

    def region_id(self, obj):
        return obj.region_id

    def title(self, obj):
        return obj.title

    def url(self, obj):
        raise NotImplementedError
