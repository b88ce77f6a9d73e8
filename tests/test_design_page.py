"""The style page /gestaltung: public, German, every component of the design system shown, every form field
labelled, nothing written (no INSERT/UPDATE/DELETE), other methods refused."""

import re
from html.parser import HTMLParser

import pytest

COMPONENTS = ["card-grid", "card", "card-kicker", "card-footer", "figures", "figure-value", "figure-label", "hero",
              "hero-search", "region-choice", "section-head", "dates", "date-tile", "progress", "measure-progress",
              "timeline", "data-table", "table-scroll", "choice", "field-error", "hint", "breadcrumbs", "pagination",
              "tabs", "subnav", "notice", "chart"]
BADGES = ["open", "closed", "draft", "upcoming", "ending", "planned", "running", "completed", "accepted", "rejected",
          "phase"]
NOTICES = ["info", "success", "warning", "error"]


class Fields(HTMLParser):
    """The form fields (with their id, type and aria-label) and the `for` targets of the labels."""

    def __init__(self):
        super().__init__()
        self.fields, self.label_targets, self.classes, self.ids = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        self.classes.append(set((attrs.get("class") or "").split()))
        if tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.fields.append(attrs)


def parse(html):
    parser = Fields()
    parser.feed(html)
    return parser


def test_style_page_is_public_and_german(client):
    response = client.get("/gestaltung")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "<title>Gestaltung – Bausteine der Oberfläche – Beteiligung NRW</title>" in html
    assert "<h1>Gestaltung – Bausteine der Oberfläche</h1>" in html
    assert "Alle anzeigen" in html and "Aktuelle Phase" in html


def test_style_page_labels_every_form_field(client):
    page = parse(client.get("/gestaltung").get_data(as_text=True))
    assert len(page.fields) >= 10  # search, region, text, e-mail, textarea, date, 3 radios, 2 checkboxes
    unlabelled = [f for f in page.fields if f.get("id") not in page.label_targets and not f.get("aria-label")]
    assert unlabelled == []
    kinds = {f.get("type") for f in page.fields}
    assert {"radio", "checkbox", "email", "search"} <= kinds


def test_style_page_shows_every_component_badge_and_notice(client):
    page = parse(client.get("/gestaltung").get_data(as_text=True))
    used = set().union(*page.classes)
    assert [name for name in COMPONENTS if name not in used] == []
    badges = {kind for classes in page.classes if "badge" in classes for kind in classes - {"badge"}}
    assert set(BADGES) <= badges
    notices = {kind for classes in page.classes if "flash" in classes for kind in classes - {"flash"}}
    assert set(NOTICES) <= notices
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"


def test_style_page_timeline_marks_past_current_and_upcoming_phases(client):
    html = client.get("/gestaltung").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    phases = re.findall(r'<li class="phase (\w+)"( aria-current="step")?>', timeline)
    assert [status for status, _ in phases] == ["past", "past", "current", "upcoming", "upcoming"]
    assert [status for status, current in phases if current] == ["current"]


def test_style_page_chart_is_an_accessible_svg_without_inline_styles(client):
    html = client.get("/gestaltung").get_data(as_text=True)
    svg = re.search(r"<svg[^>]*class=\"chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<desc" in svg and "Radwege ausbauen: 412" in svg
    assert "style=" not in html and "<style" not in html and "<script" not in html


def test_style_page_writes_nothing(client, count_queries):
    with count_queries() as counter:
        assert client.get("/gestaltung").status_code == 200
    writes = [s for s in counter.statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)]
    assert writes == []


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_style_page_refuses_other_methods(client, method):
    assert getattr(client, method)("/gestaltung").status_code == 405


def test_style_page_ignores_unknown_query_parameters(client):
    response = client.get("/gestaltung?titel=%00%ff&rad=x&seite=-1&" + "q=" + "x" * 5000)
    assert response.status_code == 200
    assert "Gestaltung – Bausteine der Oberfläche" in response.get_data(as_text=True)


def test_english_style_page_marks_the_german_samples(client):
    html = client.get("/gestaltung?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Design – components of the interface</h1>" in html
    assert '<ol class="timeline" lang="de">' in html and '<form class="stack" lang="de"' in html
    german = client.get("/gestaltung?lang=de").get_data(as_text=True)
    assert '<ol class="timeline">' in german
