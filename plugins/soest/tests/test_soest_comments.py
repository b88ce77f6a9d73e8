"""The comment validator: no phone numbers or e-mail addresses in public comments in Kreis Soest."""

import pytest
from beteiligung_soest.contact import contact_kind, refusal

pytestmark = pytest.mark.plugins("soest")

MESSAGE_START = ("Bitte veröffentlichen Sie keine Telefonnummern oder E-Mail-Adressen – zum Schutz Ihrer Daten und "
                 "der Daten anderer.")

LEGIT = [
    "Seit 2019 fährt der Bus nach Bad Sassendorf nur noch stündlich.",
    "Am 01.02.2024 ist der Bus um 07:30 Uhr einfach ausgefallen.",
    "Von 2023 bis 2025 soll der Radweg gebaut werden – passiert ist nichts.",
    "Abfahrt 07:30 Uhr, Ankunft in Soest 08:15 Uhr, das sind 45 Minuten für 12 km.",
    "Der Zug um 0730 Uhr ist immer voll.",
    "Das Ticket kostet 2,90 € und der Zuschlag im Anruf-Sammel-Taxi 0,50 €.",
    "Mit dem Deutschlandticket für 58 Euro fahre ich jetzt öfter Bahn.",
    "Die Mobilstation am Bahnhof, 59494 Soest, ist eine gute Idee.",
    "Zwischen 59597 Erwitte und 59555 Lippstadt fehlt der Radweg.",
    "Die Linie 550 und der R53 fahren am Sonntag gar nicht.",
    "Die Linien 550, 551 und 552 sollten im Takt fahren.",
    "Mit der RB 89 bin ich in 40 Minuten in Münster.",
    "Über 12.000 Menschen pendeln täglich nach Lippstadt.",
    "In unserem Ortsteil wohnen ca. 10 000 Menschen, aber es gibt 0 Busse am Sonntag.",
    "Die Vorlage 0815/2024 im Kreistag sagt dazu nichts.",
    "Die Fahrgastzahlen 2019/2020 und 2023/2024 sind kaum vergleichbar.",
    "In der KW 05 2024 war die Straße gesperrt, in 05/2024 begann die Baustelle.",
    "Der Bürgerbus ist keine 0815-Lösung, sondern Gold wert.",
    "Die Mobilitätsstrategie 2030 des Kreises klingt gut.",
    "Die Telefonzelle am Markt 5 ist längst abgebaut.",
    "Bitte Tempo 30 in der Ortsdurchfahrt, zwischen Hausnummer 12-14 und der Schule.",
    "Die Bauarbeiten dauern vom 2024-03-01 bis 2024-03-15.",
    "Treffpunkt @ Rathaus Werl, Infos auch über @kreis_soest.",
    "Das Handy 2024 gekauft, die App funktioniert trotzdem nicht.",
    "Seit 20 Jahren fahren hier 2 Busse am Tag, +5 % Fahrgäste wären schon viel.",
    "Der Fahrpreis steigt um +0,20 € auf 3,10 €.",
    "Die Fahrt dauert 1 h 20 min statt 25 min mit dem Auto.",
    "Auf www.kreis-soest.de steht der Fahrplan, aber nicht der Rufbus.",
    "Mit 78 Jahren bin ich nicht mehr so mobil, 3 Busse am Tag reichen nicht.",
    "Das Handy-Ticket für 2,90 € gilt nicht im Bürgerbus Ense.",
]

CONTACT = [
    ("Ruft mich gern an: 0171 2345678", "phone"),
    ("Mein Handy: 01712345678", "phone"),
    ("Erreichbar unter 0171-2345678 oder 0171/2345678", "phone"),
    ("Mobil +49 171 2345678", "phone"),
    ("Rückruf unter +49 (0)2921 12345 erbeten", "phone"),
    ("Anrufen unter +492921123456", "phone"),
    ("Bitte melden unter 0049 171 2345678", "phone"),
    ("Büro der Bürgerbusvereins: 02921/12345", "phone"),
    ("Tel. (02921) 123 45", "phone"),
    ("Festnetz 02945 123 – abends", "phone"),
    ("Rufen Sie an: 0171 / 234 56 78", "phone"),
    ("Ich bin in Holland erreichbar: +31 20 123 4567", "phone"),
    ("Tel. 12345", "phone"),
    ("Telefon-Nr.: 23 45 67 – ab 18 Uhr", "phone"),
    ("Tel.-Nr. 0 29 21 / 12 34 5", "phone"),
    ("Handy: 234 56 78", "phone"),
    ("Schreiben Sie mir: anna.schulte@web.de", "email"),
    ("Fragen an info@buergerbus-ense.de", "email"),
    ("Mail an m.meier(at)gmx.de", "email"),
    ("m.meier [at] gmx [punkt] de", "email"),
    ("Kontakt: anna at web dot de", "email"),
    # Disguised: brackets around the area code, digits one by one, full-width and invisible characters.
    ("Erreichbar unter +49 (171) 123-45-67", "phone"),
    ("Meine Nummer: 0 1 7 1 1 2 3 4 5 6 7", "phone"),
    ("Ruft an: 01 71 – 23 45 67 8", "phone"),
    ("Ruft an: ０１７１ ２３４５６７８", "phone"),
    ("Ruft an: 0171\u200b2345678", "phone"),
    ("Ruft an: 0171\u20122345678", "phone"),
    ("Schreibt an anna.schulte＠web．de", "email"),
    ("Schreibt an anna\u200b@web.de", "email"),
]


@pytest.mark.parametrize("text", LEGIT)
def test_what_citizens_write_about_buses_and_places_passes(text):
    assert contact_kind(text) is None
    assert refusal(text) is None


@pytest.mark.parametrize(("text", "kind"), CONTACT)
def test_phone_numbers_and_email_addresses_are_refused(text, kind):
    assert contact_kind(text) == kind
    message = refusal(text)
    assert message.startswith(MESSAGE_START)
    assert ("Telefonnummer." if kind == "phone" else "E-Mail-Adresse.") in message


def test_the_validator_reads_look_alike_characters_as_what_they_look_like(soest_api, soest_regions,
                                                                          create_consultation, create_user):
    consultation = create_consultation(region=soest_regions[0], title="Bürgerbus Ense")
    author = create_user()
    for body in ("Fragen gern an anna.schulte＠web．de", "Anrufen: +49 (171) 123-45-67"):
        refused = soest_api("post", f"/api/v1/consultations/{consultation.id}/comments", author, json={"body": body})
        assert refused.status_code == 422, body
        assert refused.get_json()["error"]["message"].startswith(MESSAGE_START)
    assert comments_of(soest_api, consultation) == []


def comments_of(soest_api, consultation):
    return soest_api("get", f"/api/v1/consultations/{consultation.id}/comments").get_json()["items"]


def test_a_comment_with_contact_data_is_refused_and_not_stored(soest_api, soest_regions, create_consultation,
                                                               create_user):
    consultation = create_consultation(region=soest_regions[0], title="Rufbus für Möhnesee")
    author = create_user()
    refused = soest_api("post", f"/api/v1/consultations/{consultation.id}/comments", author,
                        json={"body": "Wer mitfahren will, ruft mich an: 0171 2345678"})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["message"].startswith(MESSAGE_START)
    assert error["fields"]["body"][0].startswith(MESSAGE_START)
    assert comments_of(soest_api, consultation) == []

    body = "Der Rufbus sollte auch sonntags ab 8:00 Uhr fahren, die Linie 550 endet zu früh."
    accepted = soest_api("post", f"/api/v1/consultations/{consultation.id}/comments", author, json={"body": body})
    assert accepted.status_code == 201
    assert [c["id"] for c in comments_of(soest_api, consultation)] == [accepted.get_json()["id"]]


def test_the_validator_acts_only_where_the_plugin_is_enabled(soest_api, soest_regions, create_consultation,
                                                            create_user, disable_plugin):
    soest, aachen = soest_regions
    author = create_user()
    body = {"body": "Fragen zur Mitfahrbank gern an anna.schulte@web.de"}
    there = create_consultation(region=aachen, title="Mitfahrbänke in der Eifel")
    assert soest_api("post", f"/api/v1/consultations/{there.id}/comments", author, json=body).status_code == 201

    here = create_consultation(region=soest, title="Mitfahrbänke in Lippetal")
    assert soest_api("post", f"/api/v1/consultations/{here.id}/comments", author, json=body).status_code == 422
    disable_plugin(soest, "soest")
    assert soest_api("post", f"/api/v1/consultations/{here.id}/comments", author, json=body).status_code == 201


def test_the_page_form_explains_the_refusal(client, auth, soest_api, soest_regions, create_consultation,
                                           create_user):
    consultation = create_consultation(region=soest_regions[0], title="Radweg Soest – Bad Sassendorf")
    auth.login(create_user())
    page = f"http://localhost/beteiligungen/{consultation.id}"
    response = client.post(f"/beteiligungen/{consultation.id}/beitraege", headers={"Referer": page},
                           data={"body": "Wer beim Radweg mithelfen will: Infos bei mir unter 02921/12345"})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert MESSAGE_START in html
    assert comments_of(soest_api, consultation) == []
