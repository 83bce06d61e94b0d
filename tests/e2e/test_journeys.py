"""A client's whole way through the site, from the back-pain questions to a cancelled booking.

The clock is stopped at Monday 2 March 2026, 08:00 in London (the `clock` fixture stops
time-machine's clock, which the live server's thread reads too). The journeys at both widths
also screenshot and axe-check every page they pass, so each booking page is covered
once, in the state a client really sees it (a result page only exists once the answers
are in the browser's cookie).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from bookings.models import Booking, BookingStatus
from catalog.models import Technique
from tests.factories import TherapistFactory

from .browser import (
    PHONE,
    BrowserLog,
    answer_safety_questions,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    assert_styled,
    both_widths,
    expect,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

CLIENT_EMAIL = "sam.jones@example.com"


@pytest.fixture
def clinic(now, clinic_rules, therapist_user):
    """One therapist, Anna, offering every technique, Monday to Saturday 09-13 and 14-17."""
    return TherapistFactory(
        user=therapist_user,
        display_name="Anna K.",
        techniques=list(Technique.objects.all()),
        works_weekdays=True,
    )


def check_public_page(page: Page, name: str) -> None:
    """Screenshot, fits the width, styled, and no serious accessibility problem."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    save_screenshot(page, name)
    assert_no_horizontal_scroll(page)
    assert_styled(page)
    assert_accessible(page)


def answer_intake(
    page: Page,
    *,
    yes: tuple[str, ...] = (),
    conditions: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
) -> None:
    page.goto("/find-your-massage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find the right massage")
    page.get_by_label("Lower back").check()
    page.get_by_label("A few weeks").check()
    page.get_by_label("How strong is the pain right now, from 0 to 10?").fill("6")
    page.get_by_label("Most days").check()
    page.get_by_label("Tight or stiff").check()
    page.get_by_label("Long sitting, desk work or posture").check()
    answer_safety_questions(page, yes=yes, conditions=conditions, risks=risks)


def show_suggestion(page: Page) -> None:
    page.get_by_role("button", name="Show my suggestion").click()


def book_top_suggestion(page: Page) -> str:
    """Follow the top suggestion's "Book" button; the technique's name."""
    top = page.get_by_role("region", name="Our suggestion for you")
    button = top.get_by_role("link", name=re.compile(r"^Book "))
    technique = button.inner_text().removeprefix("Book ")
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Book {technique}")
    return technique


def choose_length_and_anyone(page: Page) -> None:
    # The first length is already chosen, and with one therapist there is no "anyone" to
    # choose; a person checks and goes on.
    expect(page.locator('input[name="length"]').first).to_be_checked()
    expect(page.get_by_label("Anyone who is free (most choice of times)")).to_have_count(0)
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day and time")


def pick_day(page: Page, day: str) -> None:
    page.get_by_role("navigation", name="Days").get_by_role("link", name=day).click()
    expect(page.get_by_role("heading", level=2, name=f"Free times on {day}")).to_be_visible()


def pick_time(page: Page, time: str) -> None:
    page.get_by_role("link", name=time, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")


def fill_details(page: Page) -> None:
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email").fill(CLIENT_EMAIL)
    page.get_by_label("Phone").fill("07700 900123")


def confirm_booking(page: Page) -> Booking:
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    booking = Booking.objects.get()
    expect(page.locator(".booking-reference")).to_have_text(booking.reference)
    return booking


@both_widths
def test_a_client_books_from_the_intake_then_moves_and_cancels_online(
    page, browser_log, clinic, mailoutbox
):
    answer_intake(page)
    check_public_page(page, "intake")
    show_suggestion(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your massage suggestion")
    check_public_page(page, "intake-result")
    technique = book_top_suggestion(page)
    check_public_page(page, "book-1-length-and-therapist")
    choose_length_and_anyone(page)
    check_public_page(page, "book-2-day-and-time")
    pick_day(page, "Wednesday 4 March")
    check_public_page(page, "book-2-day-and-time-wednesday")
    pick_time(page, "10:00")
    check_public_page(page, "book-3-details")
    fill_details(page)
    page.get_by_label("Keep my answers about my back with this booking").check()

    booking = confirm_booking(page)

    check_public_page(page, "booking-confirmation")
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.technique.name == technique
    assert booking.therapist == clinic
    assert booking.start == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # GMT: London is UTC
    assert booking.client_email == CLIENT_EMAIL
    assert booking.intake_answers is not None
    assert booking.intake_answers["areas"] == ["lower"]
    assert booking.warning_flags in ([], None)
    assert any(booking.reference in message.body for message in mailoutbox)

    page.get_by_role("link", name="Change or cancel this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    check_public_page(page, "manage")
    page.get_by_role("link", name="Choose a new time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new time")
    page.get_by_role("navigation", name="Days with free times").get_by_role(
        "link", name="Thu 5 Mar"
    ).click()
    expect(page.get_by_role("heading", name="Free times on Thursday 5 March")).to_be_visible()
    check_public_page(page, "manage-reschedule")
    page.get_by_label("14:30").check()
    page.get_by_role("button", name="Move to this time").click()

    expect(page.get_by_text("Your booking has moved.")).to_be_visible()
    expect(page.locator(".booking-summary")).to_contain_text("Thursday 5 March 2026, 14:30")
    booking.refresh_from_db()
    assert booking.start == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert booking.status == BookingStatus.CONFIRMED

    page.get_by_role("link", name="Cancel this booking").click()

    # Asked first, with an optional reason; nothing is cancelled yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    check_public_page(page, "manage-cancel-confirm")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    page.get_by_label("Reason (optional)").fill("Feeling better")
    page.get_by_role("button", name="Yes, cancel my booking").click()

    expect(page.get_by_text("Your booking is cancelled.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="This booking is cancelled.")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel this booking")).to_have_count(0)
    check_public_page(page, "manage-cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Feeling better"
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
@pytest.mark.parametrize("javascript_enabled", [False], ids=["no-js"])
def test_a_client_without_javascript_books_from_the_intake(page, browser_log, clinic):
    answer_intake(page)
    show_suggestion(page)
    book_top_suggestion(page)
    choose_length_and_anyone(page)
    pick_day(page, "Friday 6 March")
    pick_time(page, "09:00")
    fill_details(page)

    booking = confirm_booking(page)

    assert booking.status == BookingStatus.CONFIRMED
    assert booking.start == datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert booking.intake_answers is None  # no tick, nothing kept
    page.get_by_role("link", name="Change or cancel this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    assert_no_browser_problems(browser_log)


@both_widths
def test_a_client_with_a_doctor_first_sign_books_only_after_reading_the_advice(
    page, browser_log, clinic
):
    answer_intake(page, risks=("You are 50 or over, and this back pain is new",))
    show_suggestion(page)

    advice = page.get_by_role("region", name="Please see a doctor before you book")
    expect(advice).to_contain_text("New back pain after 50")
    check_public_page(page, "intake-result-see-a-doctor")
    book_top_suggestion(page)
    choose_length_and_anyone(page)
    pick_day(page, "Tuesday 3 March")
    pick_time(page, "11:00")
    fill_details(page)
    page.get_by_role("button", name="Confirm booking").click()

    # Shown beside the box (exact text) and in the summary at the top (with the label).
    refusal = page.get_by_text(
        "Please tick this box to confirm you have read the advice.", exact=True
    )
    expect(page.locator("#form-problems")).to_contain_text("I have read the advice")
    expect(refusal).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Sam Jones")
    check_public_page(page, "book-4-details-needs-acknowledgement")
    assert not Booking.objects.exists()

    page.get_by_label("I have read the advice to see a doctor first").check()
    booking = confirm_booking(page)

    assert booking.start == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
    assert booking.health_conditions == ["over_50_new"]
    assert booking.warning_acknowledged_at is not None
    assert_no_browser_problems(browser_log)


@both_widths
def test_a_client_with_an_urgent_sign_is_sent_to_emergency_care_and_cannot_book(
    page, browser_log: BrowserLog, clinic
):
    answer_intake(page, yes=("bladder_bowel",))
    check_public_page(page, "intake-questions-answered")
    show_suggestion(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Please get emergency care today")
    expect(page.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(page.get_by_role("link", name="111")).to_have_attribute("href", "tel:111")
    expect(page.get_by_text("If you book")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Book "))).to_have_count(0)
    check_public_page(page, "intake-result-emergency")

    # Typing a booking address by hand meets the same advice, not a booking form.
    page.goto("/book/swedish/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get medical help today")
    expect(page.get_by_role("button", name="Show free times")).to_have_count(0)
    check_public_page(page, "book-urgent")
    assert not Booking.objects.exists()
    assert_no_browser_problems(browser_log)


def pick_technique_and_book(page: Page, slug: str) -> None:
    page.goto(f"/techniques/{slug}/")
    page.get_by_role("link", name="Book this technique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A few safety questions before you book"
    )


@both_widths
def test_a_client_booking_from_a_technique_page_answers_the_safety_screen_first(
    page, browser_log, clinic
):
    pick_technique_and_book(page, "swedish")
    expect(page.get_by_role("group", name="Emergency signs")).to_be_visible()
    expect(page.get_by_role("group", name="Your health")).to_be_visible()
    # Nothing is pre-set: continuing at once asks every question again.
    page.get_by_role("button", name="Continue to booking").click()
    expect(page.get_by_text("Please answer yes or no.").first).to_be_visible()
    check_public_page(page, "book-0-screen-unanswered")
    answer_safety_questions(page)
    check_public_page(page, "book-0-screen")
    page.get_by_role("button", name="Continue to booking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Book Swedish Massage")
    choose_length_and_anyone(page)
    pick_day(page, "Tuesday 3 March")
    pick_time(page, "10:00")
    fill_details(page)
    booking = confirm_booking(page)

    assert booking.intake_answers is None
    assert booking.health_conditions == []
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_condition_on_the_screen_turns_a_ruled_out_technique_into_advice(
    page, browser_log, clinic
):
    pick_technique_and_book(page, "deep-tissue")
    answer_safety_questions(page, conditions=["Blood thinners or a bleeding disorder"])
    page.get_by_role("button", name="Continue to booking").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Deep Tissue Massage is not advised for you"
    )
    expect(page.get_by_text("You said you take blood thinners")).to_be_visible()
    expect(page.get_by_role("link", name="Book Swedish Massage")).to_be_visible()
    expect(page.get_by_role("button", name="Show free times")).to_have_count(0)
    check_public_page(page, "book-not-advised")
    assert_no_browser_problems(browser_log)
