"""Screenshots as tests: each main page at 1280 and 375 px, compared with a reference kept in the repository
(tests/browser/screenshots/<name>-<width>.webp, lossless). How it works, the tolerance and how to update a reference:
docs/testing-screenshots.md. Update: `make screenshots` (UPDATE_SCREENSHOTS=1).

The pages come from a server of their own (own SQLite database, freshly loaded demo data), so what the
other browser tests write (comments, votes, log-ins) never reaches a screenshot, and its clock stands still
at FROZEN_NOW while it loads the demo data and renders pages: every date on a page ("bis 24.12.2026, 10:00
Uhr") is the same on every day and in every run.
"""

import os
import re
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from browser_support import LiveServer
from PIL import Image, ImageChops
from sqlalchemy import select

HERE = Path(__file__).resolve().parent
REFERENCES = HERE / "screenshots"
FAILURES = REFERENCES / "failures"  # git-ignored
UPDATE_COMMAND = ("`make screenshots` (= UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest "
                  "tests/browser/test_screenshots.py)")

# A pixel counts as changed when one of its colour channels differs by more than CHANNEL_THRESHOLD (of 255);
# a screenshot fails when more than TOLERANCE of its pixels changed. Unchanged pages render bit for bit alike
# here (0 changed pixels in every repeated run), so the tolerance only leaves room for rare anti-aliasing
# noise. One changed word changed 1,334 to 6,746 pixels in the trial (docs/testing-screenshots.md); 0.01 % is
# 102 pixels of a 1280 x 800 page and 768 of the longest compared one (1280 x 6000), so one word still fails.
CHANNEL_THRESHOLD = 16
TOLERANCE = 0.0001  # 0.01 % of the pixels
MAX_HEIGHT = 6000  # px; longer pages are compared down to this height only (keeps the references small)
# References are lossless WebP: the same pixels as PNG at about a quarter of the size (20 full pages: 1.5 MB
# instead of 5.8 MB as optimized PNG). What a failure leaves in FAILURES is PNG, for any image viewer.
REFERENCE_SUFFIX = ".webp"

VIEWPORTS = {1280: {"width": 1280, "height": 800}, 375: {"width": 375, "height": 740}}

# The clock of the screenshot server. Demo data is made relative to "now", so its dates only stay the same
# when "now" does. Every module below reads the clock as `datetime.now(...)` of its own `datetime` name.
FROZEN_NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
CLOCK_MODULES = ("beteiligung.timeutil", "beteiligung_gelsenkirchen.opendata", "beteiligung_paderborn.models")

# What still changes without the page having changed: masked (a magenta box) in every screenshot. Empty for
# now: with its own database and FROZEN_NOW, nothing on these pages changes from run to run or day to day
# (`time` elements included). Add a selector here, with the reason, only for what cannot be made stable;
# a mask hides real changes too.
MASKS = ()

# (name, path). A path may name demo objects in braces, looked up by `demo_paths` below.
PAGES = [
    ("home", "/"),
    ("consultations", "{consultations}"),
    ("consultation", "/beteiligungen/{consultation}"),
    ("polls", "/umfragen/"),
    ("poll-results", "/umfragen/{survey}/ergebnisse"),
    ("regions", "/regionen"),
    ("region", "/regionen/gelsenkirchen"),
    ("archive", "/archiv"),
    ("process", "/prozesse/{process}"),
    ("search", "/suche?q=Radweg"),
    ("login", "/konto/anmelden"),
    ("showcase", "/projektschaufenster"),
    ("design", "/gestaltung"),
]
# Pages announced but not built yet: skipped (with the reason) while they answer 404.
COMING = {"/projektschaufenster", "/gestaltung"}

DEMO_TITLES = {
    "consultation": "Offenes Datenportal für Gelsenkirchen",
    "survey": "Offene Daten in Gelsenkirchen: Was wünschen Sie sich?",
    "process": "Datenstrategie Gelsenkirchen",
}

# Loads lazy images, then waits for them and for the fonts (evaluate is not subject to the page's CSP).
SETTLE_JS = """
async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.complete ? null :
    new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  await document.fonts.ready;
  return Math.ceil(document.documentElement.scrollHeight);
}
"""


def _in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _updating():
    return os.environ.get("UPDATE_SCREENSHOTS", "").lower() in ("1", "true", "yes")


class _FrozenClock(datetime):
    """`datetime` whose now(), utcnow() and today() are FROZEN_NOW; they return plain datetimes."""

    @classmethod
    def now(cls, tz=None):
        return FROZEN_NOW.astimezone(tz) if tz is not None else FROZEN_NOW.astimezone().replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return FROZEN_NOW.replace(tzinfo=None)

    @classmethod
    def today(cls):
        return cls.now()


@pytest.fixture(scope="module")
def screenshot_server(browser_tools, tmp_path_factory):
    """A live server of its own: fresh SQLite database, demo data, clock at FROZEN_NOW."""
    if os.environ.get("BETEILIGUNG_TEST_DB") == "postgresql":
        pytest.skip("screenshots run in the SQLite run of the suite (their server has its own SQLite database)")
    import importlib

    with ExitStack() as stack:  # unwinds in reverse: the server stops, then the clock runs again
        for name in CLOCK_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:  # a plugin that is not installed
                continue
            stack.enter_context(mock.patch.object(module, "datetime", _FrozenClock))
        server = LiveServer("sqlite:///" + str(tmp_path_factory.mktemp("screens-db") / "screens.db"),
                            tmp_path_factory.mktemp("screens-instance"))
        stack.callback(server.stop)
        started = datetime.now(UTC).replace(tzinfo=None)  # the real clock: this module's `datetime` is not patched
        server.prepare()
        server.loaded_during = (started, datetime.now(UTC).replace(tzinfo=None))
        server.start()
        yield server


@pytest.fixture(scope="module")
def demo_paths(screenshot_server):
    """The values for the braces in PAGES, from the screenshot server's demo data."""
    def lookup():
        from flask import url_for

        from beteiligung.consultations.models import Consultation
        from beteiligung.extensions import db
        from beteiligung.polls.models import Poll
        from beteiligung.processes.models import Process

        found = {
            "consultation": db.session.scalar(select(Consultation.id).where(
                Consultation.title == DEMO_TITLES["consultation"])),
            "survey": db.session.scalar(select(Poll.id).where(Poll.title == DEMO_TITLES["survey"])),
            "process": db.session.scalar(select(Process.id).where(Process.title == DEMO_TITLES["process"])),
        }
        with screenshot_server.app.test_request_context():
            # The list of consultations, filtered so that it is not the same view as the home page.
            found["consultations"] = url_for("consultations.index", status="open")
        return found

    found = screenshot_server.query(lookup)
    missing = [f"{key} ({DEMO_TITLES[key]!r})" for key, value in found.items() if value is None]
    assert not missing, "demo data no longer has: " + ", ".join(missing) + " - adjust DEMO_TITLES"
    return found


def _changed_pixels(actual, reference):
    """(number of changed pixels, mask of them) of two RGB images of one size."""
    difference = ImageChops.difference(actual, reference)
    red, green, blue = difference.split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    changed = largest.point(lambda value: 255 if value > CHANNEL_THRESHOLD else 0)
    return changed.histogram()[255], changed


def _diff_image(reference, changed):
    """The reference, faded, with every changed pixel in red."""
    faded = Image.blend(reference.convert("L").convert("RGB"), Image.new("RGB", reference.size, "white"), 0.7)
    return Image.composite(Image.new("RGB", reference.size, (230, 0, 0)), faded, changed)


def _save(image, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".webp":
        image.save(path, lossless=True, quality=100, method=4)  # method 6: same size, 10x slower
    else:
        image.save(path, optimize=True)


def _shown(path):
    """`path` relative to the checkout where it lies inside it."""
    return str(path.relative_to(HERE.parents[1])) if path.is_relative_to(HERE.parents[1]) else str(path)


def _size_change(actual, reference):
    changes = []
    if actual.height != reference.height:
        changes.append("the page got " + ("longer" if actual.height > reference.height else "shorter"))
    if actual.width != reference.width:
        changes.append("it got " + ("wider" if actual.width > reference.width else "narrower"))
    return " and ".join(changes)


def compare(actual, reference_path, label, failures=FAILURES):
    """None when `actual` matches the reference within the tolerance, else the reason (and files in `failures`)."""
    reference = Image.open(reference_path).convert("RGB")
    actual_path = failures / f"{label}.actual.png"
    diff_path = failures / f"{label}.diff.png"
    if actual.size != reference.size:
        # The common part still shows where the page begins to differ.
        width, height = min(actual.width, reference.width), min(actual.height, reference.height)
        box = (0, 0, width, height)
        _, changed = _changed_pixels(actual.crop(box), reference.crop(box))
        _save(actual, actual_path)
        _save(_diff_image(reference.crop(box), changed), diff_path)
        return (f"size {actual.width}x{actual.height} px, reference {reference.width}x{reference.height} px "
                f"({_size_change(actual, reference)}); "
                f"see {_shown(actual_path)} and {diff_path.name}")
    count, changed = _changed_pixels(actual, reference)
    share = count / (actual.width * actual.height)
    if share <= TOLERANCE:
        return None
    _save(actual, actual_path)
    _save(_diff_image(reference, changed), diff_path)
    return (f"{count} pixels ({share:.3%}) differ by more than {CHANNEL_THRESHOLD}/255, tolerance {TOLERANCE:.2%}; "
            f"see {_shown(actual_path)} and {diff_path.name}")


def take_screenshot(chromium, server, path, width):
    """(status, RGB image) of the page at `path`: full page (down to MAX_HEIGHT), masks applied."""
    import io

    context = chromium.new_context(base_url=server.url, locale="de-DE", timezone_id="Europe/Berlin",
                                   viewport=VIEWPORTS[width], device_scale_factor=1, color_scheme="light",
                                   reduced_motion="reduce", forced_colors="none")
    try:
        context.set_default_timeout(15_000)
        page = context.new_page()
        response = page.goto(path, wait_until="load")
        status = response.status if response is not None else 0
        if status != 200:
            return status, None
        height = page.evaluate(SETTLE_JS)
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
        png = page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide", scale="css",
                              mask=[page.locator(selector) for selector in MASKS], mask_color="#FF00FF")
        return status, Image.open(io.BytesIO(png)).convert("RGB")
    finally:
        context.close()


@pytest.mark.parametrize("width", sorted(VIEWPORTS, reverse=True))
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_screenshot(chromium, screenshot_server, demo_paths, name, path, width):
    label = f"{name}-{width}"
    for stale in (FAILURES / f"{label}.actual.png", FAILURES / f"{label}.diff.png"):
        stale.unlink(missing_ok=True)
    url = re.sub(r"\{(\w+)\}", lambda match: str(demo_paths[match.group(1)]), path)
    errors_before = len(screenshot_server.errors)
    status, actual = take_screenshot(chromium, screenshot_server, url, width)
    if status == 404 and path in COMING:
        pytest.skip(f"{path} answers 404: the page is not built yet")
    assert status == 200, f"{url} answered {status}; the server raised: {screenshot_server.errors[errors_before:]}"

    reference_path = REFERENCES / f"{label}{REFERENCE_SUFFIX}"
    if not reference_path.exists():
        if _in_ci() and not _updating():
            pytest.fail(f"no reference screenshot {reference_path.relative_to(HERE.parents[1])}: "
                        f"make it with {UPDATE_COMMAND} and commit it", pytrace=False)
        _save(actual, reference_path)
        pytest.skip(f"reference created: {reference_path.relative_to(HERE.parents[1])}")
    problem = compare(actual, reference_path, label)
    if problem is None:
        return
    if _updating():
        _save(actual, reference_path)
        for leftover in (FAILURES / f"{label}.actual.png", FAILURES / f"{label}.diff.png"):
            leftover.unlink(missing_ok=True)
        pytest.skip(f"reference updated: {reference_path.relative_to(HERE.parents[1])} ({problem.split(';')[0]})")
    pytest.fail(f"{url} at {width} px looks different from its reference: {problem}. If the change is intended, "
                f"update the reference with {UPDATE_COMMAND} and commit it together with the change.",
                pytrace=False)


def test_demo_data_follows_the_frozen_clock(screenshot_server):
    """No time the demo load stored came from the real clock (a module reading it outside CLOCK_MODULES would
    make the screenshots change from day to day): none lies within the minutes of the load with a fraction of
    a second (times made from FROZEN_NOW are whole seconds)."""
    started, finished = screenshot_server.loaded_during
    window = (started - timedelta(minutes=1), finished + timedelta(minutes=1))

    def stamped_by_the_real_clock():
        import sqlalchemy as sa

        from beteiligung.extensions import db

        found = []
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.DateTime):
                    values = db.session.scalars(select(column).where(column.between(*window))).all()
                    if any(value.microsecond for value in values):
                        found.append(f"{table.name}.{column.name}")
        return found

    found = screenshot_server.query(stamped_by_the_real_clock)
    assert found == [], ("stamped with the real clock (add the module that reads it to CLOCK_MODULES): "
                         + ", ".join(found))


def test_every_reference_belongs_to_a_page():
    """A reference whose page left PAGES (or whose width left VIEWPORTS) would lie around unnoticed."""
    expected = {f"{name}-{width}{REFERENCE_SUFFIX}" for name, _ in PAGES for width in VIEWPORTS}
    present = {path.name for path in REFERENCES.iterdir() if path.is_file()}
    assert present - expected == set(), f"references of no page in PAGES (delete them): {sorted(present - expected)}"


def test_comparison_counts_changed_pixels():
    """The comparison itself: below the tolerance passes, above it fails, and small noise does not count."""
    reference = Image.new("RGB", (100, 100), "white")
    noisy = reference.copy()
    noisy.paste((255 - CHANNEL_THRESHOLD, 255, 255), (0, 0, 100, 100))  # within the channel threshold everywhere
    assert _changed_pixels(noisy, reference)[0] == 0
    one_word = reference.copy()
    one_word.paste((0, 0, 0), (10, 10, 30, 20))  # 200 pixels = 2 %
    count, changed = _changed_pixels(one_word, reference)
    assert count == 200
    assert changed.getpixel((15, 15)) == 255 and changed.getpixel((50, 50)) == 0
    assert count / (100 * 100) > TOLERANCE
    diff = _diff_image(reference, changed)
    assert diff.getpixel((15, 15)) == (230, 0, 0) and diff.getpixel((50, 50)) != (230, 0, 0)


def test_compare_writes_what_differs(tmp_path):
    """compare(): same pixels pass, noise below the tolerance passes, a change above it and a change of size
    fail with the actual screenshot and a diff image written next to each other."""
    reference = Image.new("RGB", (200, 100), "white")
    reference_path = tmp_path / f"page-200{REFERENCE_SUFFIX}"
    _save(reference, reference_path)
    failures = tmp_path / "failures"
    assert compare(reference.copy(), reference_path, "page-200", failures) is None
    speck = reference.copy()
    speck.putpixel((5, 5), (0, 0, 0))  # 1 of 20,000 pixels: 0.005 %
    assert compare(speck, reference_path, "page-200", failures) is None
    assert not failures.exists()

    word = reference.copy()
    word.paste((0, 0, 0), (10, 10, 40, 20))
    problem = compare(word, reference_path, "page-200", failures)
    assert problem.startswith("300 pixels (1.500%) differ")
    assert Image.open(failures / "page-200.actual.png").getpixel((15, 15)) == (0, 0, 0)
    assert Image.open(failures / "page-200.diff.png").getpixel((15, 15)) == (230, 0, 0)

    longer = Image.new("RGB", (200, 120), "white")
    problem = compare(longer, reference_path, "page-200", failures)
    assert problem.startswith("size 200x120 px, reference 200x100 px (the page got longer); see ")
    assert Image.open(failures / "page-200.actual.png").size == (200, 120)
    assert Image.open(failures / "page-200.diff.png").size == (200, 100)
