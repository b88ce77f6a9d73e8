"""The catalogue's moderation acts are in the core's audit log (plugin_api.audit), as sentences in both languages."""

import json
import re

import pytest
from beteiligung_paderborn.models import OnlineService
from sqlalchemy import select, text

pytestmark = pytest.mark.plugins("paderborn")

BASE = "/paderborn/paderborn/dienste"
VALID = {"name": "Sperrmüll anmelden", "department": "Abfallberatung (ASP)", "online_since": "2018-01-15",
         "url": "https://www.paderborn.de/asp/sperrmuell", "description": ""}


def audit_page(client, auth, admin, lang="de"):
    auth.login(admin)
    html = client.get(f"/verwaltung/protokoll?lang={lang}").get_data(as_text=True)
    return re.sub(r"\s+", " ", html)


def test_adding_editing_and_switching_a_service_are_audited(client, auth, db, regions, moderator, create_user):
    auth.login(moderator)
    assert client.post(f"{BASE}/neu", data=VALID).status_code == 303
    service = db.session.scalar(select(OnlineService))
    assert client.post(f"{BASE}/{service.id}/bearbeiten", data=dict(VALID, department="ASP")).status_code == 303
    assert client.post(f"{BASE}/{service.id}/bearbeiten", data=dict(VALID, department="ASP")).status_code == 303
    assert client.post(f"{BASE}/{service.id}/deaktivieren").status_code == 303
    assert client.post(f"{BASE}/{service.id}/deaktivieren").status_code == 303  # no change: no entry
    assert client.post(f"{BASE}/{service.id}/reaktivieren").status_code == 303

    # The core's audit table, read as the log page does (plugins do not import the core's models).
    entries = db.session.execute(text(
        "SELECT action, actor_id, region_id, target_type, target_id, details FROM audit_entries "
        "WHERE action LIKE 'paderborn.%' ORDER BY id")).all()
    assert [entry.action for entry in entries] == ["paderborn.service_created", "paderborn.service_updated",
                                                   "paderborn.service_disabled", "paderborn.service_enabled"]
    assert {(entry.actor_id, entry.region_id, entry.target_type, entry.target_id) for entry in entries} == {
        (moderator.id, regions[0].id, "paderborn_services", service.id)}
    details = entries[1].details if isinstance(entries[1].details, dict) else json.loads(entries[1].details)
    assert details["fields"] == ["department"] and details["plugin"] == "paderborn"

    admin = create_user(role="admin")
    auth.logout()
    german = audit_page(client, auth, admin)
    actor = moderator.pseudonym
    for sentence in (
            f"{actor} hat den Online-Dienst „Sperrmüll anmelden“ in den Katalog der Region Paderborn aufgenommen.",
            f"{actor} hat den Eintrag des Online-Dienstes „Sperrmüll anmelden“ geändert.",
            f"{actor} hat den Online-Dienst „Sperrmüll anmelden“ deaktiviert; er erscheint nicht mehr im Katalog.",
            f"{actor} hat den Online-Dienst „Sperrmüll anmelden“ wieder aktiviert."):
        assert sentence in german, sentence
    english = audit_page(client, auth, admin, "en")
    assert f"{actor} disabled the online service “Sperrmüll anmelden”; it no longer appears" in english
    assert "paderborn.service_disabled" not in english and "Aktion" not in english
