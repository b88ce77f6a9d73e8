"""Tests-only plugins for the navigation slot (tests/test_navigation.py).

``wegweiser`` has a page of its own (``/wegweiser/<region>/``) and names it, and one more entry,
in the navigation; ``irrweg`` fails in ``navigation_entries``.
"""

from flask import Blueprint, render_template_string, url_for

from beteiligung.plugin_api import Plugin, current_region, hookimpl

bp = Blueprint("wegweiser", __name__)

PAGE = """{% extends "base.html" %}{% block title %}Wegweiser{% endblock %}
{% block content %}<h1>Wegweiser für {{ region.name }}</h1>{% endblock %}"""


@bp.route("/")
def index():
    return render_template_string(PAGE, region=current_region())


class GuidePlugin(Plugin):
    title = "Wegweiser"
    core_version = ">=0.1,<1"
    blueprints = (bp,)

    @hookimpl
    def navigation_entries(self, region):
        return [{"label": "Wegweiser", "url": url_for("wegweiser.index", region_slug=region.slug),
                 "description": f"Alle Wege in {region.name}"},
                ("Sprechstunde", f"/regionen/{region.slug}#sprechstunde")]


class FailingGuidePlugin(Plugin):
    title = "Irrweg"
    core_version = ">=0.1,<1"

    @hookimpl
    def navigation_entries(self, region):
        raise RuntimeError("Irrweg")
