"""Test support shipped with the core, loaded as a pytest plugin (entry point `pytest11`)."""
