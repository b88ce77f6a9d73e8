"""The navigation slot: a plugin's navigation_entries appear in the main menu of every page that
belongs to a region where the plugin is enabled (its region page, consultations, polls, lists
filtered by the region, the plugin's own pages), as plain links (no JavaScript)."""

import logging
import re

import pytest

from beteiligung.testing.fixtures import plugin_entry_point

PLUGINS = [plugin_entry_point("wegweiser", "sample_plugins.navigation:GuidePlugin"),
           plugin_entry_point("irrweg", "sample_plugins.navigation:FailingGuidePlugin")]


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": PLUGINS}


@pytest.fixture
def regions(create_region, enable_plugin):
    soest, aachen = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    enable_plugin(soest, "wegweiser")
    enable_plugin(soest, "irrweg")
    return soest, aachen


def main_menu(response):
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return re.search(r'<nav aria-label="(?:Hauptnavigation|Main navigation)">(.*?)</nav>', html, re.S).group(1)


def menu_links(response):
    """(href, visible text) of the main menu's links."""
    return [(href, re.sub(r'<span class="visually-hidden">.*?</span>', "", text).strip())
            for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', main_menu(response), re.S)]


GUIDE = [("/wegweiser/soest/", "Wegweiser")]  # the menu shows each plugin's first entry


def test_the_region_page_has_the_first_entry_in_its_main_menu_and_all_in_its_list(client, regions):
    response = client.get("/regionen/soest")
    links = menu_links(response)

    assert links[:5] == [("/beteiligungen/", "Beteiligungen"), ("/umfragen/", "Umfragen"), ("/regionen", "Regionen"),
                         ("/projektschaufenster", "Projektschaufenster"), ("/archiv", "Archiv")]
    assert links[5:] == GUIDE
    assert '<a href="/regionen/soest#sprechstunde">Sprechstunde</a>' in response.get_data(as_text=True)


def test_entries_are_labelled_with_their_region_and_described(client, regions):
    menu = main_menu(client.get("/regionen/soest"))

    entry = re.search(r'<li class="plugin-entry" data-plugin="wegweiser"><a href="/wegweiser/soest/"(.*?)</li>',
                      menu, re.S).group(1)
    assert 'title="Alle Wege in Soest"' in entry
    assert '<span class="visually-hidden"> (Angebot der Region Soest)</span>' in entry


def test_pages_of_the_region_show_the_entries(client, regions, create_consultation, create_poll):
    soest, _aachen = regions
    consultation = create_consultation(region=soest)
    poll = create_poll(region=soest)

    for url in (f"/beteiligungen/{consultation.id}", f"/umfragen/{poll.id}", "/beteiligungen/?region=soest",
                "/umfragen/?region=soest", "/wegweiser/soest/"):
        assert menu_links(client.get(url))[5:] == GUIDE, url


def test_pages_of_other_regions_and_of_no_region_show_none(client, regions, create_consultation):
    _soest, aachen = regions
    consultation = create_consultation(region=aachen)

    for url in ("/regionen/aachen", f"/beteiligungen/{consultation.id}", "/beteiligungen/?region=aachen", "/",
                "/umfragen/", "/regionen"):
        assert [label for _href, label in menu_links(client.get(url))][5:] == [], url


def test_disabling_the_plugin_removes_its_entries(client, regions, disable_plugin):
    soest, _aachen = regions
    disable_plugin(soest, "wegweiser")

    assert menu_links(client.get("/regionen/soest"))[5:] == []
    assert client.get("/wegweiser/soest/").status_code == 404


def test_a_failing_plugin_adds_nothing_and_is_logged(client, regions, caplog):
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        links = menu_links(client.get("/regionen/soest"))

    assert links[5:] == GUIDE
    assert any("navigation_entries" in r.getMessage() and "irrweg" in r.getMessage() for r in caplog.records)


def test_english_pages_label_the_entries_in_english(client, regions):
    menu = main_menu(client.get("/regionen/soest?lang=en"))

    assert '<span class="visually-hidden"> (Service of the region Soest)</span>' in menu


def test_the_cached_consultation_page_follows_a_plugin_being_switched_on_and_off(client, regions, create_consultation,
                                                                                enable_plugin, disable_plugin):
    soest, aachen = regions
    consultation = create_consultation(region=aachen)
    url = f"/beteiligungen/{consultation.id}"
    assert menu_links(client.get(url))[5:] == []
    assert menu_links(client.get(url))[5:] == []  # served from the page cache now

    enable_plugin(aachen, "wegweiser")
    assert menu_links(client.get(url))[5:] == [("/wegweiser/aachen/", "Wegweiser")]
    assert menu_links(client.get(url))[5:] == [("/wegweiser/aachen/", "Wegweiser")]

    disable_plugin(aachen, "wegweiser")
    assert menu_links(client.get(url))[5:] == []
