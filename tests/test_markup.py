import pytest

from beteiligung.markup import clean_text, render_markdown, slugify, split_sections


def test_markdown_is_rendered_without_script_or_event_handlers():
    html = render_markdown('**fett** <script>alert(1)</script> <img src=x onerror="alert(2)"> '
                           '[klick](javascript:alert(3))')

    assert "<strong>fett</strong>" in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "<img" not in html
    assert "href=" not in html


def test_links_get_rel_nofollow():
    assert 'rel="nofollow noopener noreferrer"' in render_markdown("[Karte](https://www.example.org/karte)")


def test_body_is_split_into_intro_and_level_two_sections_outside_code_fences():
    body = "Einleitung\n\n## Erster Teil\nText A\n```\n## kein Abschnitt\n```\n## Zweiter Teil ##\nB"
    intro, sections = split_sections(body)

    assert intro == "Einleitung"
    assert [title for title, _ in sections] == ["Erster Teil", "Zweiter Teil"]
    assert "## kein Abschnitt" in sections[0][1]


def test_slugs_are_ascii_with_german_umlauts_spelled_out():
    assert slugify("Öffentliche Straßen & Plätze") == "oeffentliche-strassen-plaetze"
    assert slugify("!!!") == "abschnitt"


def test_clean_text_removes_nul_control_characters_and_lone_surrogates():
    assert clean_text("a\x00b\x07c\r\nd\ud800e\tf") == "abc\nde\tf"
    assert clean_text(None) == ""
    assert clean_text(42) == ""


# --- exact output of the sanitiser configuration (tags, attributes, link schemes) ---------------------------------


def test_render_markdown_of_nothing_is_empty():
    assert render_markdown(None) == ""
    assert render_markdown("") == ""


def test_allowed_block_and_inline_elements_are_kept_exactly():
    html = render_markdown("> zitat\n\n- a\n1. b\n\n---\n*e* **f** `c`  \nx")
    assert html == ("<blockquote>\n<p>zitat</p>\n</blockquote>\n<ul>\n<li>a</li>\n</ul>\n<ol>\n<li>b</li>\n</ol>\n"
                    "<hr>\n<p><em>e</em> <strong>f</strong> <code>c</code><br>\nx</p>\n")


def test_a_numbered_list_keeps_its_first_number():
    assert render_markdown("3. drei\n4. vier") == '<ol start="3">\n<li>drei</li>\n<li>vier</li>\n</ol>\n'


def test_headings_level_one_and_two_become_text_three_to_six_stay():
    # h1 and h2 belong to the page (title, sections); an author's "#" heading keeps its words only.
    assert render_markdown("# Eins") == "Eins\n"
    assert render_markdown("## Zwei") == "Zwei\n"
    assert render_markdown("### Drei\n#### Vier\n##### Fünf\n###### Sechs") == (
        "<h3>Drei</h3>\n<h4>Vier</h4>\n<h5>Fünf</h5>\n<h6>Sechs</h6>\n")


def test_tables_are_kept_with_their_structure():
    html = render_markdown("| Ort | Stimmen |\n|---|---|\n| Markt | 12 |")
    assert html == ("<table>\n<thead>\n<tr>\n<th>Ort</th>\n<th>Stimmen</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                    "<td>Markt</td>\n<td>12</td>\n</tr>\n</tbody>\n</table>\n")


@pytest.mark.parametrize("fence", ["```", "~~~"])
def test_code_fences_of_both_kinds_escape_their_content(fence):
    assert render_markdown(f"{fence}python\ncode <b>\n{fence}") == "<pre><code>code &lt;b&gt;\n</code></pre>\n"


def test_links_keep_http_https_and_mailto_and_lose_other_schemes():
    html = render_markdown('[M](mailto:rat@example.org) [H](http://example.org "Titel") '
                           "[S](https://example.org/a?b=1) [F](ftp://example.org/datei) [D](data:text/html,x)")
    rel = 'rel="nofollow noopener noreferrer"'
    assert html == (f'<p><a href="mailto:rat@example.org" {rel}>M</a> '
                    f'<a href="http://example.org" title="Titel" {rel}>H</a> '
                    f'<a href="https://example.org/a?b=1" {rel}>S</a> '
                    f"<a {rel}>F</a> [D](data:text/html,x)</p>\n")


def test_raw_html_is_shown_as_text():
    assert render_markdown('<b onclick="x()">fett</b>') == "<p>&lt;b onclick=\"x()\"&gt;fett&lt;/b&gt;</p>\n"


def test_images_are_shown_as_their_description():
    html = render_markdown("![Karte  der *Stadt*](https://example.org/a.png) ![](b.png) ![<b>&](c.png)")
    assert html == "<p>[Bild: Karte der Stadt] [Bild ohne Beschreibung] [Bild: &lt;b&gt;&amp;]</p>\n"


# --- sections, slugs, clean text: exact values ------------------------------------------------------------------


def test_split_sections_exactly():
    body = ("Intro\n# Eins\n### Drei\n##Kein\n## Zwei\nZeile 1\n\nZeile 2\n~~~\n## Nein\n~~~\n"
            "  ## Eingerückt\n##\tTab ## \nEnde")
    assert split_sections(body) == (
        "Intro\n# Eins\n### Drei\n##Kein",
        [("Zwei", "Zeile 1\n\nZeile 2\n~~~\n## Nein\n~~~\n  ## Eingerückt"), ("Tab", "Ende")],
    )


def test_split_sections_of_nothing():
    assert split_sections(None) == ("", [])
    assert split_sections("") == ("", [])
    assert split_sections("## Nur Titel") == ("", [("Nur Titel", "")])


def test_slugify_strips_dashes_and_accents_and_cuts_at_seventy():
    assert slugify("!!!Hallo Welt!!!") == "hallo-welt"
    assert slugify("Café Crème") == "cafe-creme"
    assert slugify("x" * 80) == "x" * 70
    assert slugify("a" * 69 + " b") == "a" * 69  # cut after the dash, which is stripped too
    assert slugify("a" * 68 + " bc") == "a" * 68 + "-b"
    assert slugify("Platz 1", max_length=5) == "platz"
    assert slugify("!" + "x" * 80) == "x" * 70  # leading dashes go before the cut, not after


def test_clean_text_turns_lone_carriage_returns_into_newlines():
    assert clean_text("a\rb\r\nc\n") == "a\nb\nc\n"
    assert clean_text("Antrag\u202efdp.exe\u2066x\u2069\u200f") == "Antragfdp.exex\u200f"
