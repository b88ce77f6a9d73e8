"""The core's fixtures come from beteiligung.testing.fixtures, loaded as a pytest plugin."""
