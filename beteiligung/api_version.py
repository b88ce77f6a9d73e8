"""The version of the plugin facade (``beteiligung.plugin_api``) and the check of a plugin's ``core_version``.

A module of its own, importing nothing of the core but its version, so that the plugin registry can
check plugins without importing the facade.
"""

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from . import __version__ as core_version

#: The facade's version. Minor releases only add names; a name goes away only in a new major
#: version, after a release in which it warns (``plugin_api.deprecated``). A plugin's
#: ``core_version`` is a PEP 440 range of this version, e.g. ``">=1.1,<2"``.
API_VERSION = "1.5"


def core_version_problem(specifier, api_version=None):
    """Why a plugin's ``core_version`` does not fit this facade (German), or None when it does
    (``api_version``: the facade version to check against, by default ``API_VERSION``).

    ``core_version`` is a PEP 440 range of ``API_VERSION``. Until plugin API 2, a range written
    for the core's own version before the facade had one (``">=0.1,<1"``) is accepted as well.
    """
    if not specifier:
        return "core_version fehlt (ein PEP-440-Bereich der Version von plugin_api, z. B. \">=1.1,<2\")."
    try:
        spec = SpecifierSet(specifier)
    except InvalidSpecifier:
        return f"core_version „{specifier}“ ist kein gültiger PEP-440-Bereich."
    api = Version(api_version or API_VERSION)
    if spec.contains(api, prereleases=True):
        return None
    if api.major < 2 and spec.contains(Version(core_version), prereleases=True):
        return None  # the older meaning: a range of the core's own version
    return (f"Unterstützt die Plugin-Schnittstelle {specifier}, diese hat die Version {api} "
            f"(Kernversion {core_version}).")
