"""What end-to-end tests use besides the fixtures: widths, screenshots, and page checks.

Import `expect` from here rather than from playwright (and playwright's types only under
TYPE_CHECKING), so a machine without playwright still collects the suite and skips these
tests with the `browser` fixture's reason.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import pytest
from django.conf import settings
from django.urls import reverse

try:
    from playwright.sync_api import expect
except ImportError:
    # The `browser` fixture skips, or fails under CI, before any test runs. Hidden from
    # mypy so `expect` keeps playwright's type for the tests that import it from here.
    if not TYPE_CHECKING:
        expect = None

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from playwright.sync_api import ConsoleMessage, Page, Response

# UserFactory's password (tests/factories.py).
STAFF_PASSWORD = "a-long-test-password-1"

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"

# Our own pages must never be worse than this; minor and moderate findings are for review.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    is_mobile: bool

    def context_options(self) -> dict[str, Any]:
        return {
            "viewport": {"width": self.width, "height": self.height},
            # A phone honours <meta name="viewport"> and zooms out when a page is too wide,
            # which is exactly the failure the scroll check must see.
            "is_mobile": self.is_mobile,
            "has_touch": self.is_mobile,
        }


PHONE = Viewport("phone", 390, 844, is_mobile=True)
DESKTOP = Viewport("desktop", 1280, 800, is_mobile=False)

# Override the `viewport` fixture (desktop by default) to run a test at both widths.
both_widths = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)


# Runs before any page script, and reports every refusal with its directive and place,
# whether or not Chromium also logs it to the console.
# Each report is a promise that settles once Python has it; they are chained so that
# let_page_events_arrive() can wait for all of them.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const report = window.__clinicCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
  window.__clinicCspReported = Promise.all([window.__clinicCspReported, report]);
});
"""


@dataclass
class BrowserLog:
    """Everything a page complained about: console errors, uncaught errors, CSP refusals,
    and responses of 400 or more."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        _LOGS[page] = self
        page.expose_binding(
            "__clinicCspViolation", lambda _source, text: self.csp_violations.append(text)
        )
        page.add_init_script(_CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            url = message.location.get("url", "")
            self.console_errors.append(f"{message.text} ({url})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.url}")

    def expect_status(self, url: str, status: int) -> None:
        """Forget the one error a page is meant to cause (the 404 page's own 404)."""
        self.bad_responses.remove(f"{status} {url}")
        self.console_errors = [
            line
            for line in self.console_errors
            if not (line.endswith(f"({url})") and f"status of {status}" in line)
        ]

    def problems(self) -> list[str]:
        return [
            *(f"console error: {line}" for line in self.console_errors),
            *(f"uncaught error: {line}" for line in self.page_errors),
            *(f"CSP violation: {line}" for line in self.csp_violations),
            *(f"bad response: {line}" for line in self.bad_responses),
        ]


_LOGS: WeakKeyDictionary[Page, BrowserLog] = WeakKeyDictionary()


def let_page_events_arrive(page: Page) -> None:
    """Wait until what the page has already done is in the log: events it queued run before
    a task queued after them, and then their CSP reports are awaited."""
    page.evaluate(
        "() => new Promise((resolve) => setTimeout(resolve)).then(() => window.__clinicCspReported)"
    )


def assert_no_browser_problems(log: BrowserLog) -> None:
    problems = log.problems()
    assert not problems, "The browser reported:\n" + "\n".join(problems)


def log_into_admin(page: Page, user: AbstractBaseUser, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the admin's login form, as a person would (django-axes included).
    Each role lands on its own work (clinic/admin_site.py): superusers on the index."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def write_note_from_booking_page(
    page: Page, booking: Any, *, subjective: str, pain_before: int, pain_after: int
) -> None:
    """As the session's therapist: open the booking, follow "Write treatment notes", fill
    a Swedish, lower-back, medium-pressure note and save it (axe checks the form)."""
    page.goto(reverse("admin:bookings_booking_change", args=[booking.pk]))
    page.get_by_role("link", name="Write treatment notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Treatment note: {booking.reference}"
    )
    assert_accessible(page)
    page.get_by_label("Subjective").fill(subjective)
    page.get_by_label("Swedish Massage").check()
    page.get_by_label("Lower back").check()
    page.get_by_label("Pressure").select_option("medium")
    page.get_by_label("Pain before (0 to 10)").fill(str(pain_before))
    page.get_by_label("Pain after (0 to 10)").fill(str(pain_after))
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Treatment note saved.")).to_be_visible()


def answer_safety_questions(
    page: Page,
    *,
    yes: Iterable[str] = (),
    conditions: Iterable[str] = (),
    risks: Iterable[str] = (),
    none_at_once: bool = False,
) -> None:
    """Answer every safety question as a client does: a Yes or No button for each
    emergency sign (codes in `yes` answered Yes), or with `none_at_once` the one box
    "I have none of these right now", then tick the conditions and risk factors given by
    their labels, or "None of these"."""
    from catalog.vocabulary import EMERGENCY_SIGNS

    said_yes = set(yes)
    if none_at_once and not said_yes:
        page.get_by_label("I have none of these right now").check()
    else:
        for sign in EMERGENCY_SIGNS:
            group = page.get_by_role("group", name=sign.label, exact=True)
            group.locator("label", has_text="Yes" if sign.code in said_yes else "No").click()
    for name, ticked in (
        ("Your health", list(conditions)),
        ("Things a doctor should know about", list(risks)),
    ):
        group = page.get_by_role("group", name=name)
        for label in ticked or ["None of these"]:
            group.get_by_label(label, exact=True).check()


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page PNG at artifacts/screenshots/<name>-<width>.png."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def assert_no_horizontal_scroll(page: Page) -> None:
    # clientWidth is the layout viewport (scroll bar excluded); a phone that zooms out to
    # fit a wide page grows innerWidth, but never clientWidth.
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], (
        f"{page.url} scrolls sideways: {widths['scroll']}px of content "
        f"in a {widths['client']}px wide window. Widest elements: {_widest_elements(page)}"
    )


def _widest_elements(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth)
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`
                        + ` (right edge ${Math.round(el.getBoundingClientRect().right)}px)`)"""
    )


def assert_styled(page: Page) -> None:
    """Bootstrap and site.css both applied, not the browser's defaults."""
    button_background = page.locator(".btn-primary").first.evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert button_background not in ("", "rgba(0, 0, 0, 0)", "transparent"), (
        f"{page.url}: .btn-primary has no background; is Bootstrap's stylesheet served?"
    )
    skip_link_position = page.locator(".skip-link").evaluate(
        "(el) => getComputedStyle(el).position"
    )
    assert skip_link_position == "absolute", f"{page.url}: site.css does not seem to apply"


def assert_accessible(page: Page, *, ignore_rules: Iterable[str] = ()) -> None:
    """No serious or critical axe-core violation, except the rule ids in `ignore_rules`."""
    from axe_playwright_python.sync_playwright import Axe

    ignored = set(ignore_rules)
    page.wait_for_load_state()
    # axe-core adds <style> elements to measure some pages, which our CSP refuses, and
    # re-reads stylesheets against the page's address, so the admin's relative
    # `@import url('widgets.css')` becomes a 404 under the change page: what the page
    # itself reported stays in the log, what axe caused is dropped.
    log = _LOGS.get(page, BrowserLog())
    let_page_events_arrive(page)
    csp_before, console_before = len(log.csp_violations), len(log.console_errors)
    responses_before = len(log.bad_responses)
    results = Axe().run(page)
    let_page_events_arrive(page)
    del log.csp_violations[csp_before:]
    del log.console_errors[console_before:]
    del log.bad_responses[responses_before:]
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS and violation["id"] not in ignored
    ]
    assert not blocking, f"Accessibility violations on {page.url}:\n" + "\n".join(
        _describe(violation) for violation in blocking
    )


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
