"""A plugin module that fails on import."""

raise ImportError("fehlende Abhängigkeit")
