"""Plugins used only by the tests of the plugin contract (loaded through fake entry points)."""
