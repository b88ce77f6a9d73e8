"""Fixtures of the browser tests: a live server with the demo data, one headless Chromium per session,
logged-in browser contexts per demo account, screenshots of failing tests.

Needs /usr/bin/chromium (Debian's package), Playwright for Python (the `test` extra) and axe-core
(`npm ci`). Without them the tests are skipped here, and fail in CI (CI=true).
"""

import os
import re
import shutil

import pytest
from browser_support import (
    ARTIFACTS,
    AXE_PATH,
    CHROMIUM,
    CHROMIUM_ARGS,
    NARROW,
    AxeScript,
    LiveServer,
    missing_tools,
)

from beteiligung.demo.loader import ADMIN, CITIZEN_PASSWORD, MODERATOR_PASSWORD

ACCOUNTS = {
    "anonymous": None,
    "citizen": ("anna@example.org", CITIZEN_PASSWORD),
    "admin": (ADMIN["email"], ADMIN["password"]),
}
for _slug in ("gelsenkirchen", "aachen", "paderborn", "soest", "wuppertal"):
    ACCOUNTS[f"moderator-{_slug}"] = (f"moderation.{_slug}@example.org", MODERATOR_PASSWORD)


def _database_kind():
    return "postgresql" if os.environ.get("BETEILIGUNG_TEST_DB") == "postgresql" else "sqlite"


@pytest.fixture(scope="session")
def browser_tools():
    reason = missing_tools()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def live_server(browser_tools, tmp_path_factory):
    """The app on a free loopback port, on a database of its own, with the demo data."""
    drop = None
    if _database_kind() == "postgresql":
        from browser_support import postgres_browser_url

        test_url = os.environ.get("TEST_DATABASE_URL")
        if not test_url:
            pytest.exit("BETEILIGUNG_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=2)
        url, drop = postgres_browser_url(test_url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "browser.db")
    server = LiveServer(url, tmp_path_factory.mktemp("browser-instance"))
    try:
        server.prepare()
        server.start()
        yield server
    finally:
        server.stop()
        if drop is not None:
            drop()


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """Any exception inside the live server during a test fails that test."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server")
    before = len(server.errors)
    yield
    assert server.errors[before:] == [], "the server raised: " + "; ".join(server.errors[before:])


@pytest.fixture(scope="session")
def axe_source(browser_tools):
    return AxeScript(AXE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def chromium(browser_tools):
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS / _database_kind(), ignore_errors=True)  # only this run's screenshots
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def storage_states(chromium, live_server):
    """Logged-in storage states, made once per account on first use: states(role) -> dict or None."""
    states = {}

    def get(role):
        if ACCOUNTS[role] is None:
            return None
        if role not in states:
            email, password = ACCOUNTS[role]
            context = chromium.new_context(base_url=live_server.url, locale="de-DE")
            page = context.new_page()
            page.goto("/konto/anmelden")
            page.fill("#email", email)
            page.fill("#password", password)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            assert "/konto/anmelden" not in page.url, f"log-in of {email} failed"
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return get


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def open_page(request, chromium, live_server, storage_states):
    """open_page(role="anonymous", width=320) -> a Playwright page in a fresh context of that account.

    When the test fails, a full-page screenshot of every page it opened is kept under test-artifacts/.
    """
    contexts = []

    def open_(role="anonymous", viewport=NARROW):
        context = chromium.new_context(base_url=live_server.url, locale="de-DE", viewport=viewport,
                                       storage_state=storage_states(role))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = getattr(request.node, "browser_failed", False)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for number, context in enumerate(contexts):
        if failed:
            folder = ARTIFACTS / _database_kind()
            folder.mkdir(parents=True, exist_ok=True)
            for index, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(folder / f"{name}-{number}-{index}.png"), full_page=True)
                except Exception as error:  # a crashed page must not hide the test's own failure
                    print(f"no screenshot of {name}: {error}")
        context.close()
