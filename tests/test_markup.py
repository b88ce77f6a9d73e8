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
