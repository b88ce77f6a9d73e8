from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..audit.services import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..policy import require_region_admin
from .models import RegionPlugin


def registry():
    return current_app.extensions["beteiligung.plugins"]


def enabled_names(region):
    """Names of the loaded plugins enabled in this region (one query per region and request)."""
    if region is None or not registry().plugins:
        return set()
    memo = g.setdefault("enabled_plugins", {}) if has_app_context() else {}
    if region.id not in memo:
        names = db.session.scalars(select(RegionPlugin.plugin).where(RegionPlugin.region_id == region.id))
        memo[region.id] = frozenset(name for name in names if name in registry().plugins)
    return memo[region.id]


def remember_enabled(regions):
    """Find the enabled plugins of many regions at once (one query), for pages that list regions."""
    if not registry().plugins or not has_app_context():
        return
    memo = g.setdefault("enabled_plugins", {})
    found = enabled_by_region()
    for region in regions:
        memo[region.id] = frozenset(name for name in found.get(region.id, ()) if name in registry().plugins)


def _forget_enabled(region):
    if has_app_context():
        g.get("enabled_plugins", {}).pop(region.id, None)


def enabled_by_region():
    """{region_id: {plugin names}} for every region (one query), for lists of regions."""
    result = {}
    for region_id, name in db.session.execute(select(RegionPlugin.region_id, RegionPlugin.plugin)):
        result.setdefault(region_id, set()).add(name)
    return result


def regions_with_plugin(name):
    """The regions where the named plugin is enabled, by name (one query)."""
    from ..regions.models import Region

    return db.session.scalars(select(Region).join(RegionPlugin, RegionPlugin.region_id == Region.id)
                              .where(RegionPlugin.plugin == name).order_by(Region.name)).all()


def _loaded(name):
    if name not in registry().plugins:
        raise NotFound(_("Das Plugin „%(name)s“ ist nicht installiert oder konnte nicht geladen werden.", name=name))


def enable_plugin(actor, region, name):
    """Enable an installed plugin in a region (actor None: the command line).

    Platform administrators may do so everywhere, a region administrator in their own region.
    """
    if actor is not None:
        require_region_admin(actor, region)
    _loaded(name)
    if db.session.get(RegionPlugin, (region.id, name)) is not None:
        raise Conflict(_("Das Plugin „%(name)s“ ist in %(region)s bereits aktiviert.", name=name, region=region.name))
    db.session.add(RegionPlugin(region_id=region.id, plugin=name, enabled_by_id=actor.id if actor else None))
    db.session.flush()
    _forget_enabled(region)
    record(actor, "plugin.enabled", region, region, plugin=name)


def disable_plugin(actor, region, name):
    """Disable a plugin in a region. Its data stays; its pages, slots, hooks and templates stop there.

    Who may: as for enable_plugin.
    """
    if actor is not None:
        require_region_admin(actor, region)
    result = db.session.execute(delete(RegionPlugin).where(RegionPlugin.region_id == region.id,
                                                           RegionPlugin.plugin == name))
    if result.rowcount == 0:
        _loaded(name)  # an unknown name: 404; a plugin uninstalled while enabled can still be switched off
        raise Conflict(_("Das Plugin „%(name)s“ ist in %(region)s nicht aktiviert.", name=name, region=region.name))
    _forget_enabled(region)
    record(actor, "plugin.disabled", region, region, plugin=name)


def switch_plugin(actor, region, name, enable):
    """Enable or disable a plugin in a region (the rules above); returns the confirmation for the page."""
    if enable:
        enable_plugin(actor, region, name)
        return _("%(plugin)s ist in %(region)s aktiviert.", plugin=name, region=region.name)
    disable_plugin(actor, region, name)
    return _("%(plugin)s ist in %(region)s deaktiviert.", plugin=name, region=region.name)
