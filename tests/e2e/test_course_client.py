"""A client on a phone books their session as a fortnightly course from its private
page (one date clashes: they keep the nearest other time), then answers the safety
questions again before the later sessions.

The clock is stopped at Monday 2 March 2026, 08:00 in London; the session is Wednesday
4 March at 10:00.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bookings.booking.services import book_session
from bookings.models import Booking, ClinicRules, Course, RecheckResult
from tests.clock import clinic_time
from tests.factories import EVERY_DAY_NINE_TO_FIVE, SCREENED_INTAKE, BookingFactory

from .browser import (
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])

# Where the screenshots are looked at (/tmp/i28-shots on Linux).
SHOTS = Path(tempfile.gettempdir()) / "i28-shots"


@pytest.fixture
def therapist_hours():
    return EVERY_DAY_NINE_TO_FIVE


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"client-{name}.png", full_page=True)
    save_screenshot(page, f"client-{name}")


def check_page(page: Page, name: str, *, axe: bool = True) -> None:
    """No sideways scroll, axe clean (axe needs the page's JavaScript), a screenshot."""
    assert_no_horizontal_scroll(page)
    if axe:
        assert_accessible(page)
    shot(page, name)


@pytest.fixture
def source(clock, clinic_rules: ClinicRules, therapist, swedish, now) -> Booking:
    clinic_rules.booking_horizon_days = 120
    clinic_rules.save()
    return book_session(
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=clinic_time(now + timedelta(days=2), 10),
        client_name="Jane Doe",
        client_email="jane@example.org",
        client_phone="07700 900123",
        intake=SCREENED_INTAKE,
        now=now,
    )


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["js", "no-js"])
def test_a_client_books_a_fortnightly_course_on_a_phone(
    page, browser_log, source, javascript_enabled
):
    # Anna is busy on the second date: the page offers the nearest other times.
    BookingFactory(therapist=source.therapist, start=source.start + timedelta(days=14))
    page.goto(f"/manage/{source.manage_token}/")
    check_page(page, "manage" + ("" if javascript_enabled else "-nojs"), axe=javascript_enabled)
    page.get_by_role("link", name="Book this as a course").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book this as a course")
    page.get_by_label("Every 2 weeks").check()
    page.locator("label.count-button", has_text="4").first.click()
    check_page(
        page, "course-choose" + ("" if javascript_enabled else "-nojs"), axe=javascript_enabled
    )
    page.get_by_role("button", name="Show the dates").click()

    expect(page.get_by_text("4 sessions in all, every 2 weeks")).to_be_visible()
    expect(page.get_by_role("heading", name="Session 2: Wednesday 18 March, 10:00")).to_be_visible()
    expect(page.get_by_text("Not free: Anna K. already has a session then.")).to_be_visible()
    expect(page.get_by_label("Skip this one")).to_be_visible()
    expect(page.get_by_role("heading", name="Session 4: Wednesday 15 April, 10:00")).to_be_visible()
    check_page(
        page, "course-dates" + ("" if javascript_enabled else "-nojs"), axe=javascript_enabled
    )
    page.get_by_role("button", name="Book these 3 sessions").click()

    expect(page.get_by_text("Your course is booked: 4 sessions, every 2 weeks.")).to_be_visible()
    expect(page.get_by_text("Session 1 of 4")).to_be_visible()
    check_page(
        page, "course-booked" + ("" if javascript_enabled else "-nojs"), axe=javascript_enabled
    )
    course = Course.objects.get()
    assert course.sessions.count() == 4
    assert course.sessions.get(course_position=2).start != source.start + timedelta(days=14)
    assert_no_browser_problems(browser_log)


def test_a_client_answers_the_safety_questions_again(page, browser_log, source, clock):
    page.goto(f"/manage/{source.manage_token}/course/?every_weeks=2&sessions=4")
    page.get_by_role("button", name="Book these 3 sessions").click()
    expect(page.get_by_text("Session 1 of 4")).to_be_visible()
    third = Course.objects.get().sessions.get(course_position=3)
    # Two days before the session the answers no longer cover: the email has gone.
    clock.move_to(third.start - timedelta(days=2))

    page.goto(f"/manage/{third.manage_token}/")
    expect(page.get_by_text("Session 3 of 4")).to_be_visible()
    check_page(page, "course-session-3")
    page.get_by_role("link", name="Answer the questions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A few questions before your next session"
    )
    check_page(page, "recheck")
    page.get_by_label("I have none of these right now").check()
    page.get_by_role("group", name="Has anything about your health changed since").locator(
        "label", has_text="No"
    ).click()
    # Only a screenshot here: axe would read the buttons' colours mid-transition.
    page.mouse.move(0, 0)
    page.wait_for_timeout(400)
    shot(page, "recheck-answered")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_text("Your answers are up to date.")).to_be_visible()
    check_page(page, "recheck-done")
    assert Course.objects.get().recheck_result == RecheckResult.CLEAR
    assert_no_browser_problems(browser_log)


# Where the fixes' screenshots are looked at (/tmp/fix-shots on Linux).
FIX_SHOTS = Path(tempfile.gettempdir()) / "fix-shots"


def fix_shot(page: Page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    FIX_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=FIX_SHOTS / f"{name}.png", full_page=True)


def test_a_course_sessions_page_lists_its_dates_and_asks_nothing_too_early(
    page, browser_log, source
):
    page.goto(f"/manage/{source.manage_token}/course/?every_weeks=2&sessions=4")
    page.get_by_role("button", name="Book these 3 sessions").click()
    expect(page.get_by_text("Session 1 of 4")).to_be_visible()
    second, third = (
        Course.objects.get().sessions.filter(course_position__in=[2, 3]).order_by("course_position")
    )

    page.goto(f"/manage/{second.manage_token}/")
    expect(page.get_by_text("Wednesday 1 April, 10:00: Booked")).to_be_visible()
    fix_shot(page, "course-session-manage")

    page.get_by_role("link", name="Cancel this and the later ones…").click()
    expect(page.get_by_text("Wednesday 15 April, 10:00", exact=False).first).to_be_visible()
    fix_shot(page, "course-cancel-ask")

    # On 2 March, answers would not last to 1 April: nothing is asked yet.
    page.goto(f"/manage/{third.manage_token}/safety-check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing to answer yet")
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    fix_shot(page, "recheck-nothing-yet")
    assert_no_browser_problems(browser_log)
