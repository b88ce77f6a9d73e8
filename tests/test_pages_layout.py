"""Small things of every page: autocomplete hints on the account forms, the favicon, the two navigation groups."""

import re

import pytest


def attributes(html, field_id):
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    assert match is not None, field_id
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(0)))


def test_login_fields_tell_the_browser_what_they_hold(client):
    html = client.get("/konto/anmelden").get_data(as_text=True)
    assert attributes(html, "email")["autocomplete"] == "username"
    assert attributes(html, "email")["type"] == "email"
    assert attributes(html, "password")["autocomplete"] == "current-password"


def test_registration_fields_tell_the_browser_what_they_hold(client):
    html = client.get("/konto/registrieren").get_data(as_text=True)
    assert attributes(html, "email")["autocomplete"] == "email"
    assert attributes(html, "pseudonym")["autocomplete"] == "nickname"
    assert attributes(html, "password")["autocomplete"] == "new-password"
    assert attributes(html, "password_confirm")["autocomplete"] == "new-password"


def test_the_account_deletion_asks_for_the_current_password(client, auth, create_user):
    auth.login(create_user())
    html = client.get("/konto/").get_data(as_text=True)
    assert 'autocomplete="current-password"' in html


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_svg_favicon(client):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert match is not None
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


@pytest.mark.parametrize("role", ["citizen", "moderator", "admin"])
def test_account_and_language_are_a_group_of_their_own(client, auth, create_user, create_region, role):
    user = create_user(role=role, regions=[create_region()] if role == "moderator" else (), pseudonym="Konto Test")
    auth.login(user)
    html = client.get("/").get_data(as_text=True)
    bar = re.search(r'<nav class="account-bar" aria-label="Konto und Sprache">(.*?)</nav>', html, re.S).group(1)
    main = re.search(r'<nav aria-label="Hauptnavigation">(.*?)</nav>', html, re.S).group(1)
    assert "Mein Konto" in bar and "Abmelden (Konto Test)" in bar and "English" in bar
    assert "Mein Konto" not in main and "Abmelden" not in main and "English" not in main
    assert "Beteiligungen" in main and "Umfragen" in main
    assert ("Moderation" in main) == (role != "citizen")
    assert ("Verwaltung" in main) == (role == "admin")
