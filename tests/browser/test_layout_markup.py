"""Fast checks without a browser (they run where Chromium is missing too): the markup and the style
sheet that keep a radio button or checkbox on one line with its label (issue item 1) and wide
tables inside their own scroll box (item 3). The browser tests check the rendered result."""

import re
from html.parser import HTMLParser
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "beteiligung" / "static" / "style.css").read_text(encoding="utf-8")
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}


class Elements(HTMLParser):
    """Each radio button/checkbox with the classes of its ancestors, each label's `for` with its parent's
    position, and each table with the classes of its ancestors."""

    def __init__(self):
        super().__init__()
        self.stack, self.choices, self.labels, self.tables, self.count = [], [], {}, [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.count += 1
        element = (tag, self.count, attrs.get("class") or "")
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.choices.append((attrs.get("id"), list(self.stack)))
        if tag == "label" and attrs.get("for"):
            self.labels[attrs["for"]] = self.stack[-1] if self.stack else None
        if tag == "table":
            self.tables.append(list(self.stack))
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def parse(html):
    parser = Elements()
    parser.feed(html)
    return parser


def assert_choice_rows(html):
    page = parse(html)
    assert page.choices, "the page has no radio button or checkbox"
    for input_id, ancestors in page.choices:
        row = ancestors[-1]
        assert "choice" in row[2].split(), f"#{input_id} is not in a .choice row: {row}"
        assert page.labels.get(input_id) == row, f"the label of #{input_id} is not in the same row"


def css_rule(selector_part):
    """The declarations of the style sheet's rules whose selector contains selector_part."""
    return " ".join(body for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS) if selector_part in selectors)


def test_style_sheet_puts_choice_and_label_on_one_line():
    row = css_rule("p.choice")
    assert "display: flex" in row
    label = css_rule(".choice > label")
    assert "font-weight: normal" in label and "flex: 1" in label and "cursor: pointer" in label
    assert "font-weight: normal" in css_rule("form.stack input[type=checkbox] + label")


def test_style_sheet_scrolls_wide_tables_and_stacks_the_matrix():
    assert "overflow-x: auto" in css_rule(".table-scroll")
    assert "min-width: 0" in css_rule("fieldset")
    assert re.search(r"@media \(max-width: 40rem\) \{\s*\.matrix table", CSS), "the matrix does not stack"


def test_registration_consent_is_a_choice_row(client):
    assert_choice_rows(client.get("/konto/registrieren").get_data(as_text=True))


def test_survey_choices_are_choice_rows(client, auth, create_user, create_poll):
    poll = create_poll()
    auth.login(create_user())
    response = client.get(f"/umfragen/{poll.id}")
    assert response.status_code == 200
    assert_choice_rows(response.get_data(as_text=True))


def test_official_statement_box_is_a_choice_row(client, auth, create_user, create_region, create_consultation):
    region = create_region()
    consultation = create_consultation(region=region)
    auth.login(create_user(role="moderator", regions=[region]))
    response = client.get(f"/beteiligungen/{consultation.id}")
    assert response.status_code == 200
    assert 'name="official"' in response.get_data(as_text=True)
    assert_choice_rows(response.get_data(as_text=True))


def test_admin_tables_scroll_in_their_own_box(client, auth, create_user, create_region):
    create_region()
    auth.login(create_user(role="admin"))
    for url in ("/verwaltung/", "/verwaltung/konten", "/verwaltung/protokoll"):
        response = client.get(url)
        assert response.status_code == 200, url
        tables = parse(response.get_data(as_text=True)).tables
        assert tables, url
        for ancestors in tables:
            assert "table-scroll" in ancestors[-1][2].split(), f"{url}: a table outside a scroll box"


def _templates():
    """Page templates (not mails: their HTML is laid out with tables, as mail programs need)."""
    root = Path(__file__).resolve().parents[2]
    pages = [path for path in (root / "templates").rglob("*.html") if "mail" not in path.relative_to(root).parts[1:2]]
    return [*pages, *(root / "plugins").glob("*/beteiligung_*/templates/**/*.html")]


def test_every_table_in_the_templates_has_its_scroll_box():
    """Item 3: each <table> of every template (core and plugins) sits in a .table-scroll box, except
    the matrix question, which stacks on narrow screens instead."""
    unwrapped = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            before = text[:match.start()].rstrip()
            if path.name == "matrix.html" or re.search(r'<div class="table-scroll"[^>]*>$', before):
                continue
            unwrapped.append(f"{path.relative_to(path.parents[2])}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not unwrapped, "tables without a scroll box: " + ", ".join(unwrapped)


def test_every_radio_and_checkbox_in_the_templates_is_a_choice_row():
    """Item 1: each radio button/checkbox written in a template opens a .choice row (matrix cells aside)."""
    loose = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<input type="(radio|checkbox)"', text):
            before = text[:match.start()].rstrip()
            if path.name == "matrix.html" or re.search(r'<(p|div) class="choice">$', before):
                continue
            loose.append(f"{path.relative_to(path.parents[2])}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not loose, "radio buttons/checkboxes outside a .choice row: " + ", ".join(loose)
