"""Fixtures of the Paderborn plugin's tests: Paderborn with the plugin enabled, Soest without it."""

from datetime import date

import pytest


@pytest.fixture
def regions(create_region, enable_plugin):
    paderborn = create_region(slug="paderborn", name="Paderborn", theme="Digitale Portale")
    soest = create_region(slug="soest", name="Soest", theme="Digitale Region")
    enable_plugin(paderborn, "paderborn")
    return paderborn, soest


@pytest.fixture
def moderator(create_user, regions):
    return create_user(role="moderator", regions=[regions[0]])


@pytest.fixture
def add_service(db):
    """add_service(region, name, department=…, online_since=…, url=…, active=True) -> OnlineService."""
    from beteiligung_paderborn.models import OnlineService

    def add(region, name, department="Bürgerbüro", online_since=date(2020, 3, 2),
            url="https://www.paderborn.de/buergerservice", active=True, description=""):
        service = OnlineService(region_id=region.id, name=name, department=department, online_since=online_since,
                                url=url, active=active, description=description)
        db.session.add(service)
        db.session.commit()
        return service

    return add
