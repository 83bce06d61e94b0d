"""Fixtures for tests that drive Debian's Chromium against pytest-django's live server.

Every test in this folder is marked `e2e` (select with `-m e2e`, leave out with
`-m "not e2e"`) and runs against a real, migrated database that is put back as it was
after each test. A journey is a plain test function asking for `page`:

    from .browser import both_widths, expect, log_into_admin

    @both_widths
    def test_a_client_finds_a_technique(page):
        page.goto("/")
        page.get_by_role("link", name="Swedish Massage").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Swedish Massage")

Fixtures: `browser` (one for all the tests in this folder), `page` (a fresh browser
context per test; relative URLs go to the live server), `browser_log` (what that page
reported), `viewport` (DESKTOP unless parametrized; `both_widths` runs a test at PHONE
and DESKTOP) and `javascript_enabled` (True unless parametrized:
`@pytest.mark.parametrize("javascript_enabled", [False])`). Staff fixtures from
tests/conftest.py work as usual; `log_into_admin(page, user)` signs one in.
A CSP violation or an uncaught script error fails any test here, and a failing test
leaves a screenshot in artifacts/failures/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browser import DESKTOP, FAILURES, BrowserLog, Viewport

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    # Containers and CI runners have no user namespaces for Chromium's sandbox.
    "--no-sandbox",
    "--disable-gpu",
    # Nothing but the live server: no update checks, no sync, no first-run pages.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Before pytest-django orders tests, so these run after the faster database tests.
    # Serialized rollback: each test's flush would otherwise lose the seeded catalog.
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


_call_failed = pytest.StashKey[bool]()
_skipped_because = pytest.StashKey[str]()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    # One line for all of them, not one per test.
    if _skipped_because in config.stash:
        terminalreporter.write_line(f"Browser tests skipped: {config.stash[_skipped_because]}")


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed: pip install -r requirements-dev.txt"
    if not CHROMIUM.exists():
        return "Chromium not installed: apt-get install chromium"
    return None


# Package scope: the browser, and the event loop that comes with it, are gone before the
# tests after this folder run (a subprocess there must not inherit the setting below).
@pytest.fixture(scope="package")
def browser(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[Browser]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (CI=true: the browser tests must run)", pytrace=False)
        request.config.stash[_skipped_because] = missing
        pytest.skip(missing)

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser
    # is open. Django then refuses ORM calls from tests (nothing here is concurrent, so
    # allow them), and keeps database connections per asyncio context instead of per
    # thread: hand the test database's connections, which hold the data each test is
    # rolled back to, over to that context.
    test_databases = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        for alias, connection in test_databases.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def viewport() -> Viewport:
    return DESKTOP


@pytest.fixture
def javascript_enabled() -> bool:
    return True


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    viewport: Viewport,
    javascript_enabled: bool,
    browser_log: BrowserLog,
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript_enabled,
        **viewport.context_options(),
    )
    # Seconds, not Playwright's 30: a local server that is slower than this is a failure.
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_log.attach(page)
    yield page
    if request.node.stash.get(_call_failed, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=FAILURES / f"{name}.png", full_page=True)
    context.close()
    if not request.node.stash.get(_call_failed, False):
        unexpected = [
            line
            for line in browser_log.problems()
            if line.startswith(("CSP violation", "uncaught error"))
        ]
        assert not unexpected, "The browser reported:\n" + "\n".join(unexpected)
