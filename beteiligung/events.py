"""Platform events: services report what happened; the plugins enabled in that region react.

The hooks and their arguments are documented in beteiligung/plugins/hookspecs.py.
"""

from .plugins.runtime import notify, refusals

__all__ = ["notify", "refusals"]
