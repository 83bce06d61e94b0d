"""The booking steps on a phone: the core journey from the home page to booked, counted
in taps, and the day step that shows a day's times on the same screen, with and without
JavaScript.

The clock is stopped at Monday 2 March 2026, 08:00 in London (see test_journeys.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from bookings.models import Booking, BookingStatus
from catalog.models import Technique
from tests.factories import TherapistFactory

from .browser import (
    PHONE,
    answer_safety_questions,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    save_screenshot,
)
from .test_journeys import CLIENT_EMAIL

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])

# The safety questions every booking asks first, for a client with nothing to report:
# "I have none of these right now" under the emergency signs (read first; each still has
# its own Yes and No), then "None of these" for the health conditions and the risk factors.
SAFETY_TAPS = 3
# Home -> booked at most this many taps (issue 25: 12); 20 before the day and its times
# shared a screen, 18 while every emergency sign needed its own tap.
CORE_JOURNEY_TAPS = 11
# Everything but the safety questions: what the booking steps themselves ask for.
BOOKING_TAPS = CORE_JOURNEY_TAPS - SAFETY_TAPS
# Apple's and WCAG 2.5.5's target size, in CSS pixels.
TOUCH_TARGET = 44


@pytest.fixture
def clinic(now, clinic_rules, therapist_user):
    """One therapist, Anna, offering every technique, Monday to Saturday 09-13 and 14-17."""
    return TherapistFactory(
        user=therapist_user,
        display_name="Anna K.",
        techniques=list(Technique.objects.all()),
        works_weekdays=True,
    )


@dataclass
class Taps:
    """Every tap a person makes, with what it was for; typing into a field is one tap
    (to put the cursor there)."""

    made: list[str] = field(default_factory=list)

    def tap(self, target: Locator, what: str) -> None:
        target.click()
        self.made.append(what)

    def type(self, target: Locator, text: str, what: str) -> None:
        target.click()
        target.fill(text)
        self.made.append(what)

    def many(self, count: int, what: str) -> None:
        self.made.extend([what] * count)

    def __len__(self) -> int:
        return len(self.made)

    def summary(self) -> str:
        """ "a, 10 x b, c": runs of the same tap counted."""
        runs: list[list[object]] = []
        for what in self.made:
            if runs and runs[-1][0] == what:
                runs[-1][1] = int(str(runs[-1][1])) + 1
            else:
                runs.append([what, 1])
        return ", ".join(f"{n} x {what}" if n != 1 else str(what) for what, n in runs)


def screen_and_open_the_day_step(page: Page, taps: Taps | None = None) -> None:
    taps = Taps() if taps is None else taps
    page.goto("/")
    taps.tap(page.get_by_role("link", name="Book Swedish Massage"), "Book on the home page")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A few safety questions before you book"
    )
    answer_safety_questions(page, none_at_once=True)
    taps.many(SAFETY_TAPS, "a safety answer")
    taps.tap(page.get_by_role("button", name="Continue to booking"), "Continue to booking")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Swedish Massage")
    taps.tap(page.get_by_role("button", name="Show free times"), "Show free times")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")


def assert_touch_targets(targets: Locator, what: str) -> None:
    count = targets.count()
    assert count, f"no {what} on the page"
    for index in range(count):
        box = targets.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= TOUCH_TARGET and box["width"] >= TOUCH_TARGET, (
            f"{what} {index} is {box['width']:.0f} x {box['height']:.0f} px"
        )


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["js", "no-js"])
def test_the_core_journey_from_home_to_booked_fits_in_few_taps_on_a_phone(
    page, browser_log, clinic, javascript_enabled, capsys
):
    taps = Taps()
    screen_and_open_the_day_step(page, taps)
    # The first day with free times is already chosen, its times on the same screen.
    expect(
        page.get_by_role("heading", level=2, name="Free times on Monday 2 March")
    ).to_be_visible()
    first_time = page.locator(".booking-times a").first
    chosen = first_time.inner_text()
    taps.tap(first_time, "a time")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    taps.type(page.get_by_label("Your name"), "Sam Jones", "name")
    taps.type(page.get_by_label("Email"), CLIENT_EMAIL, "email")
    taps.type(page.get_by_label("Phone"), "07700 900123", "phone")
    taps.tap(page.get_by_role("button", name="Confirm booking"), "Confirm booking")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert f"{booking.start:%H:%M}" == chosen  # GMT: London is UTC in March
    with capsys.disabled():
        script = "with" if javascript_enabled else "without"
        print(
            f"\nCore journey at 390 px {script} JavaScript, home to booked: {len(taps)} taps"
            f" ({SAFETY_TAPS} of them the safety questions): {taps.summary()}"
        )
    assert len(taps) <= CORE_JOURNEY_TAPS
    assert len(taps) - SAFETY_TAPS <= BOOKING_TAPS
    assert_no_browser_problems(browser_log)


def test_a_day_tapped_swaps_its_times_in_place_with_focus_on_them_and_a_shareable_address(
    page, browser_log, clinic
):
    # One therapist: the choice carries her, not "anyone".
    screen_and_open_the_day_step(page)
    save_screenshot(page, "day-step-first-free-day")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    assert_touch_targets(page.locator("a.day-chip"), "day")
    assert_touch_targets(page.locator(".time-button"), "time")
    # A mark on this document: a full page load would lose it.
    page.evaluate("() => { window.__sameDocument = true; }")

    page.get_by_role("navigation", name="Days").get_by_role(
        "link", name="Wednesday 4 March"
    ).click()

    expect(
        page.get_by_role("heading", level=2, name="Free times on Wednesday 4 March")
    ).to_be_focused()
    assert page.evaluate("() => window.__sameDocument === true"), "the page was loaded again"
    expect(page.locator('.day-strip [aria-current="date"]')).to_contain_text("4 Mar")
    query = parse_qs(urlsplit(page.url).query)
    # The address can be shared: the choices only, never an answer about health.
    assert query == {
        "length": [query["length"][0]],
        "therapist": [str(clinic.pk)],
        "day": ["2026-03-04"],
    }
    save_screenshot(page, "day-step-wednesday")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "09:00"

    # Back shows the day before, as a page of its own would.
    page.go_back()
    expect(
        page.get_by_role("heading", level=2, name="Free times on Monday 2 March")
    ).to_be_visible()
    expect(page.locator('.day-strip [aria-current="date"]')).to_contain_text("2 March")
    page.go_forward()
    # The address opened afresh shows the same day and times.
    page.goto(page.url)
    expect(
        page.get_by_role("heading", level=2, name="Free times on Wednesday 4 March")
    ).to_be_visible()
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("javascript_enabled", [False], ids=["no-js"])
def test_without_javascript_a_day_is_a_plain_link_to_the_same_screen(page, browser_log, clinic):
    # No axe here: it never returns from a page without JavaScript.
    screen_and_open_the_day_step(page)
    page.get_by_role("navigation", name="Days").get_by_role("link", name="Thursday 5 March").click()

    expect(
        page.get_by_role("heading", level=2, name="Free times on Thursday 5 March")
    ).to_be_visible()
    assert re.search(r"[?&]day=2026-03-05\b", page.url)
    save_screenshot(page, "day-step-thursday-no-js")
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="14:00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_text("Thursday 5 March, 14:00 to")).to_be_visible()
    assert_no_browser_problems(browser_log)


def test_the_first_step_and_the_details_privacy_line_fit_a_thumb(page, browser_log, clinic):
    screen_and_open_the_day_step(page)
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Swedish Massage")
    assert_touch_targets(page.locator(".choice-option"), "length")
    save_screenshot(page, "book-1-length")
    assert_accessible(page)

    page.get_by_role("button", name="Show free times").click()
    page.locator(".booking-times a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    what_we_keep = page.locator("summary", has_text="What we keep")
    assert_touch_targets(what_we_keep, "the privacy disclosure")
    name = page.get_by_label("Your name").bounding_box()
    note = page.locator(".privacy-note").bounding_box()
    assert name is not None and note is not None
    # One short line and a disclosure, not 440 px of text, before the name field.
    assert note["height"] < 120, note
    expect(page.get_by_text("tick or not")).to_be_hidden()
    save_screenshot(page, "book-3-details")
    assert_accessible(page)
    what_we_keep.click()
    expect(page.get_by_text("tick or not")).to_be_visible()
    save_screenshot(page, "book-3-details-what-we-keep")
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
