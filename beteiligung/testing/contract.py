"""Checks every plugin must pass; run by the core's test suite against every installed plugin."""

from beteiligung.plugins.cli import migration_problems


def contract_problems(app, name, entry_points=None):
    """Sentences describing how the named plugin breaks the contract (empty: it keeps it)."""
    registry = app.extensions["beteiligung.plugins"]
    if name in registry.failed:
        return [registry.failed[name]]
    problems = []
    plugin = registry.plugins[name]
    try:
        registry.strict_copy(found=entry_points, only=[name])
    except Exception as error:  # noqa: BLE001 - reported, not raised
        problems.append(str(error))
    for blueprint_name, owner in registry.blueprint_owner.items():
        if owner == name:
            rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith(blueprint_name + ".")]
            problems += [f"{rule} liegt nicht unter /{name}/<region_slug>/" for rule in rules
                         if not rule.startswith(f"/{name}/<region_slug>")]
    if type(plugin).migrations:
        problems += [p for p in migration_problems(app, registry) if p.startswith(f"{name}:")]
    return problems
