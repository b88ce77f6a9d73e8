"""Fixtures of the Aachen plugin's tests: Aachen with the plugin enabled, Soest without it."""

import pytest


@pytest.fixture
def regions(create_region, enable_plugin):
    aachen = create_region(slug="aachen", name="Aachen", theme="Digitales Lernen")
    soest = create_region(slug="soest", name="Soest", theme="Digitale Region")
    enable_plugin(aachen, "aachen")
    return aachen, soest


@pytest.fixture
def moderator(create_user, regions):
    return create_user(role="moderator", regions=list(regions))
