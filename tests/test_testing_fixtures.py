"""The test fixtures' shortcuts keep apps apart: URL builders shared between apps build each app's URLs."""

from flask import Flask, url_for
from werkzeug.routing import BaseConverter
from werkzeug.routing.rules import Rule

from beteiligung.testing.helpers import count_rows, duplicate_ids, elements


def _app(converter_prefix):
    class Prefixed(BaseConverter):
        def to_url(self, value):
            return f"{converter_prefix}{value}"

    def page(number):
        return str(number)

    app = Flask(__name__)
    app.url_map.converters["prefixed"] = Prefixed
    app.add_url_rule("/dinge/<prefixed:thing>", "thing", lambda thing: thing)
    app.add_url_rule("/seite/", "page", page, defaults={"number": 1})
    app.add_url_rule("/seite/<int:number>", "page", page)
    # A default for a part of the path is baked into the builder's code: never shared.
    app.add_url_rule("/heft/<prefixed:issue>", "issue", lambda issue: issue, defaults={"issue": 5})
    return app


def test_url_builders_are_cached_but_build_with_each_apps_converters():
    assert getattr(Rule._compile_builder, "beteiligung_cached", False)
    first, second = _app("a-"), _app("b-")
    with first.test_request_context():
        assert url_for("thing", thing=1) == "/dinge/a-1"
        assert url_for("thing", thing=2, q="x") == "/dinge/a-2?q=x"
        assert url_for("page", number=1) == "/seite/"
        assert url_for("page", number=3) == "/seite/3"
        assert url_for("issue") == "/heft/a-5"
    with second.test_request_context():
        assert url_for("thing", thing=1) == "/dinge/b-1"
        assert url_for("page", number=1) == "/seite/"
        assert url_for("issue") == "/heft/b-5"


def test_an_app_of_the_fixture_builds_its_own_urls(app, client):
    with app.test_request_context():
        assert url_for("home.index") == "/"
        assert url_for("polls.show", poll_id=7) == "/umfragen/7"
    assert client.get("/").status_code == 200


def test_helpers_count_rows_and_read_pages(db, create_region):
    from beteiligung.regions.models import Region

    assert count_rows(db, Region) == 0
    create_region(slug="soest")
    create_region(slug="aachen")
    assert count_rows(db, Region) == 2
    assert count_rows(db, Region, Region.slug == "soest") == 1
    html = '<p id="a"><input id="b" name="x"/><label for="b" id="a">X</label></p>'
    assert elements(html, "input") == [("input", {"id": "b", "name": "x"})]
    assert duplicate_ids(html) == ["a"]
