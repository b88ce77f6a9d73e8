"""The page of a region (/regionen/<slug>), the navigation_entries hook and /<plugin>/."""

import pytest
from flask import url_for

from beteiligung.plugin_api import Plugin, hookimpl
from beteiligung.testing.fixtures import plugin_entry_point


class GuidePlugin(Plugin):
    """A plugin with pages: two entries per region, as a pair and as a dict."""

    title = "Wegweiser"
    core_version = ">=0.1,<1"

    @hookimpl
    def navigation_entries(self, region):
        return [(f"Stadtplan {region.name}", f"/guide/{region.slug}/plan"),
                {"label": "Termine", "url": f"/guide/{region.slug}/termine", "description": "Was wann los ist"}]


class BrokenPlugin(Plugin):
    title = "Kaputt"
    core_version = ">=0.1,<1"

    @hookimpl
    def navigation_entries(self, region):
        raise RuntimeError("kaputt")


class SloppyPlugin(Plugin):
    title = "Schlampig"
    core_version = ">=0.1,<1"

    @hookimpl
    def navigation_entries(self, region):
        return [("Ohne Adresse", None), "kein Eintrag", {"url": "/ohne-titel"}, ("Gut", "/schlampig/gut")]


class SilentPlugin(Plugin):
    """A plugin without pages of its own."""

    title = "Still"
    core_version = ">=0.1,<1"


PLUGINS = [plugin_entry_point(name, f"test_region_page:{cls}") for name, cls in
           (("guide", "GuidePlugin"), ("broken", "BrokenPlugin"), ("sloppy", "SloppyPlugin"),
            ("silent", "SilentPlugin"))]


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": PLUGINS}


@pytest.fixture
def regions(create_region):
    return create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")


def test_the_region_page_lists_consultations_polls_and_the_pages_of_enabled_plugins(
        client, regions, enable_plugin, create_consultation, create_poll):
    soest, aachen = regions
    enable_plugin(soest, "guide")
    create_consultation(region=soest, title="Busse im Kreis")
    create_consultation(region=aachen, title="Schulen in Aachen")
    create_poll(region=soest, title="Wie kommen Sie zur Arbeit?")

    response = client.get("/regionen/soest")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<h1>Soest</h1>" in html
    assert "Busse im Kreis" in html and "Schulen in Aachen" not in html
    assert "Wie kommen Sie zur Arbeit?" in html
    assert '<a href="/guide/soest/plan">Stadtplan Soest</a>' in html
    assert '<a href="/guide/soest/termine">Termine</a> – Was wann los ist' in html
    assert "/guide/aachen/" not in client.get("/regionen/aachen").get_data(as_text=True)  # not enabled there


def test_the_regions_list_links_each_region_page_and_its_plugin_pages(client, regions, enable_plugin):
    enable_plugin(regions[0], "guide")
    html = client.get("/regionen").get_data(as_text=True)
    assert '<a href="/regionen/soest">Soest</a>' in html and '<a href="/regionen/aachen">Aachen</a>' in html
    assert '<a href="/guide/soest/plan">Stadtplan Soest</a>' in html and "/guide/aachen/" not in html


def test_an_unknown_region_page_is_404(client, regions):
    assert client.get("/regionen/nirgendwo").status_code == 404
    assert client.get("/regionen/%3Cscript%3E").status_code == 404


def test_drafts_are_listed_for_the_region_moderators_only(client, auth, regions, create_user, create_consultation):
    soest, _aachen = regions
    create_consultation(region=soest, title="Geheimer Entwurf", status="draft")
    assert "Geheimer Entwurf" not in client.get("/regionen/soest").get_data(as_text=True)
    auth.login(create_user(role="moderator", regions=[soest]))
    assert "Geheimer Entwurf" in client.get("/regionen/soest").get_data(as_text=True)


def test_a_failing_or_sloppy_plugin_costs_only_its_own_entries(client, regions, enable_plugin):
    soest, _aachen = regions
    for name in ("guide", "broken", "sloppy"):
        enable_plugin(soest, name)
    response = client.get("/regionen/soest")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stadtplan Soest" in html and '<a href="/schlampig/gut">Gut</a>' in html
    assert "Ohne Adresse" not in html and "/ohne-titel" not in html


def test_the_region_page_query_count_does_not_grow(client, regions, enable_plugin, create_consultation, create_poll,
                                                   count_queries):
    soest, _aachen = regions
    enable_plugin(soest, "guide")
    create_consultation(region=soest)
    create_poll(region=soest)
    with count_queries() as few:
        client.get("/regionen/soest")
    for _ in range(8):
        create_consultation(region=soest)
        create_poll(region=soest)
    with count_queries() as many:
        client.get("/regionen/soest")
    assert few.count == many.count


def test_the_regions_list_query_count_does_not_grow_with_regions(client, create_region, enable_plugin, count_queries):
    enable_plugin(create_region(), "guide")
    with count_queries() as few:
        client.get("/regionen")
    for _ in range(5):
        enable_plugin(create_region(), "guide")
    with count_queries() as many:
        client.get("/regionen")
    assert few.count == many.count


def test_plugin_root_redirects_to_its_page_in_the_one_region_where_it_is_enabled(client, regions, enable_plugin):
    enable_plugin(regions[0], "guide")
    response = client.get("/guide/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/guide/soest/plan"


def test_plugin_root_offers_a_choice_of_regions_where_it_is_enabled_in_several(client, regions, enable_plugin):
    for region in regions:
        enable_plugin(region, "guide")
    response = client.get("/guide/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="/guide/aachen/plan">Aachen</a>' in html and '<a href="/guide/soest/plan">Soest</a>' in html
    assert html.index("Aachen</a>") < html.index("Soest</a>")


def test_plugin_root_is_404_with_a_german_message_where_it_is_enabled_nowhere(client, regions, enable_plugin):
    response = client.get("/guide/")
    assert response.status_code == 404
    assert "„Wegweiser“ ist in keiner Region aktiviert" in response.get_data(as_text=True)
    enable_plugin(regions[0], "silent")  # enabled, but without pages of its own
    assert client.get("/silent/").status_code == 404
    enable_plugin(regions[0], "broken")
    assert client.get("/broken/").status_code == 404


def test_plugin_root_without_slash_and_unknown_plugins(client, regions, enable_plugin):
    enable_plugin(regions[0], "guide")
    assert client.get("/guide", follow_redirects=False).status_code == 308
    assert client.get("/nichtda/").status_code == 404


def test_url_for_the_plugin_root(app):
    with app.test_request_context():
        assert url_for("plugin_landing", plugin_name="guide") == "/guide/"


def test_the_region_page_in_english_marks_what_people_wrote_as_german(client, regions, enable_plugin,
                                                                     create_consultation, create_poll):
    from beteiligung.testing.language import unmarked

    soest, _aachen = regions
    enable_plugin(soest, "guide")
    create_consultation(region=soest, title="Busse im Kreis")
    create_poll(region=soest, title="Wie kommen Sie zur Arbeit?")
    html = client.get("/regionen/soest?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Services of the region" in html
    assert unmarked(html, "Busse im Kreis") == [] and unmarked(html, "Wie kommen Sie zur Arbeit?") == []
    german = client.get("/regionen/soest?lang=de").get_data(as_text=True)
    assert "Angebote der Region" in german and 'lang="de">Busse' not in german
    assert "is not enabled in any region" in client.get("/silent/?lang=en").get_data(as_text=True)


def test_numbers_follow_the_page_language(app):
    from flask_babel import refresh

    from beteiligung.charts import format_number

    assert format_number(1234.5) == "1.234,5"  # outside a request: German
    for lang, decimal, whole in (("de", "1.234,5", "1.234.567"), ("en", "1,234.5", "1,234,567")):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the test's app context already holds a locale
            assert format_number(1234.5) == decimal
            assert format_number(1234567) == whole
