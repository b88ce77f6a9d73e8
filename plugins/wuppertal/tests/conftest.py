"""Fixtures of the Wuppertal plugin's tests: the API with tokens, the regions and their people."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def world(db, create_region, create_user, enable_plugin):
    """Wuppertal with the plugin enabled, Soest without it, their moderators and a citizen."""
    wuppertal = create_region(slug="wuppertal", name="Wuppertal", theme="Das digitale Rathaus")
    soest = create_region(slug="soest", name="Soest", theme="Die digitale Region")
    enable_plugin(wuppertal, "wuppertal")
    return SimpleNamespace(
        wuppertal=wuppertal, soest=soest,
        moderator=create_user(role="moderator", regions=[wuppertal], pseudonym="Moderation Wuppertal"),
        stranger=create_user(role="moderator", regions=[soest], pseudonym="Moderation Soest"),
        citizen=create_user(pseudonym="Dilek"),
    )
