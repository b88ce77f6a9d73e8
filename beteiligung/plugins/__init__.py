"""The plugin system: loading region plugins, their hooks, and where each one is enabled."""
