"""The style page /gestaltung in Chromium: axe-core finds no WCAG 2.1 A/AA violation at 320 px and 1280 px in
the light and the dark theme and with forced colours; nothing scrolls sideways at 320 px; focus is visible;
with reduced motion nothing is animated; the timeline is a vertical list on phones and a stepper on wide
screens; print hides the page chrome."""

import pytest
from browser_support import NARROW, check_page

WIDE = {"width": 1280, "height": 800}
SCHEMES = [("light", "none"), ("dark", "none"), ("light", "active"), ("dark", "active")]


@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["320px", "1280px"])
@pytest.mark.parametrize(("scheme", "forced"), SCHEMES, ids=["light", "dark", "forced", "forced-dark"])
def test_style_page_passes_axe(viewport, scheme, forced, open_page, axe_source):
    page = open_page(viewport=viewport)
    page.emulate_media(color_scheme=scheme, forced_colors=forced)
    response = page.goto("/gestaltung")
    assert response.status == 200
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches") == (forced == "active")
    problems = check_page(page, axe_source)
    assert not problems, "\n".join(problems)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]


def test_dark_theme_changes_the_colours(open_page):
    page = open_page(viewport=WIDE)
    page.goto("/gestaltung")
    colours = "() => [getComputedStyle(document.body).backgroundColor, " \
              "getComputedStyle(document.querySelector('svg.chart .chart-bar:not(.chart-bar-highlight)')).fill]"
    light = page.evaluate(colours)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(colours)
    assert light[0] == "rgb(255, 255, 255)"
    assert dark[0] != light[0] and dark[1] != light[1]
    # The chart takes its fill from the tokens, not from the SVG's presentation attribute.
    assert dark[1] == "rgb(111, 179, 234)"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_is_visible_on_a_link(scheme, open_page):
    page = open_page(viewport=WIDE)
    page.emulate_media(color_scheme=scheme)
    page.goto("/gestaltung")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, st = getComputedStyle(el);
        return {tag: el.tagName, style: st.outlineStyle, width: parseFloat(st.outlineWidth), colour: st.outlineColor};
    }""")
    assert focused["tag"] == "A"
    assert focused["style"] == "solid" and focused["width"] >= 3
    assert focused["colour"] == "rgb(255, 191, 71)"
    link = page.locator("main .section-head a").first
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_reduced_motion_turns_off_transitions(open_page):
    page = open_page(viewport=WIDE)
    page.goto("/gestaltung")
    duration = "() => getComputedStyle(document.querySelector('main button')).transitionDuration"
    assert page.evaluate(duration) != "0s"  # the sample button does move a little by default
    page.emulate_media(reduced_motion="reduce")
    durations = page.evaluate("""() => [...document.querySelectorAll('main *')].map(
        (el) => getComputedStyle(el).transitionDuration.split(',').map(parseFloat)).flat()""")
    assert durations and max(durations) == 0


def test_timeline_is_a_list_on_phones_and_a_stepper_on_wide_screens(open_page):
    tops = """() => [...document.querySelectorAll('.timeline > li')]
        .map((li) => Math.round(li.getBoundingClientRect().top))"""
    narrow = open_page()
    narrow.goto("/gestaltung")
    rows = narrow.evaluate(tops)
    assert rows == sorted(rows) and len(set(rows)) == 5
    wide = open_page(viewport=WIDE)
    wide.goto("/gestaltung")
    assert len(set(wide.evaluate(tops))) == 1
    # The current phase is told apart without colour: aria-current, a filled marker with its number, a badge.
    marker = wide.evaluate("""() => {
        const before = (selector) => getComputedStyle(document.querySelector(selector), '::before');
        const current = document.querySelector('.timeline > li[aria-current=step]');
        return {content: before('.timeline > li[aria-current=step]').content,
                badge: current.querySelector('.badge').textContent,
                filled: before('.timeline > li.current').backgroundColor,
                hollow: before('.timeline > li.upcoming').backgroundColor,
                dashed: before('.timeline > li.upcoming').borderTopStyle};
    }""")
    assert "counter(phase)" in marker["content"] and marker["badge"] == "Aktuelle Phase"
    assert marker["filled"] != marker["hollow"] and marker["dashed"] == "dashed"
    done = wide.evaluate("getComputedStyle(document.querySelector('.timeline > li.past'), '::before').content")
    assert "✓" in done


def test_print_hides_navigation_and_forms(open_page):
    page = open_page(viewport=WIDE)
    page.goto("/gestaltung")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => Object.fromEntries(['header.site', 'footer', 'main form', 'main .pagination',
        '.card', '.timeline', 'svg.chart'].map((s) => [s, getComputedStyle(document.querySelector(s)).display]))""")
    assert shown["header.site"] == "none" and shown["footer"] == "none"
    assert shown["main form"] == "none" and shown["main .pagination"] == "none"
    assert shown[".card"] != "none" and shown[".timeline"] != "none" and shown["svg.chart"] != "none"
    colours = page.evaluate("[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
