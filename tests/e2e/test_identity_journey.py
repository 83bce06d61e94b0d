"""An online booking with an address another client holds, as its people see it: the
client books on a phone and taps "Confirm my email" in the booking email; front desk, on
a desktop, finds the record "Unconfirmed: same email as Priya Shah" and joins it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from bookings.models import Booking, Client
from catalog.models import Technique
from tests.factories import BookingFactory, TherapistFactory

from .browser import (
    PHONE,
    BrowserLog,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)
from .test_journeys import (
    answer_intake,
    book_top_suggestion,
    choose_length_and_anyone,
    pick_day,
    pick_time,
    show_suggestion,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

PRIYA = "priya.shah@example.com"


@pytest.fixture
def clinic(now, clinic_rules, therapist_user, front_desk_user):
    """Anna, offering every technique; Priya Shah, a client the desk booked last week."""
    anna = TherapistFactory(
        user=therapist_user,
        display_name="Anna K.",
        techniques=list(Technique.objects.all()),
        works_weekdays=True,
    )
    BookingFactory(
        therapist=anna,
        completed=True,
        client_name="Priya Shah",
        client_email=PRIYA,
        booked_by=front_desk_user,
        email_confirmed_at=None,
    )
    return anna


def book_on_a_phone(phone: Page, mailoutbox: list) -> Booking:
    answer_intake(phone)
    show_suggestion(phone)
    book_top_suggestion(phone)
    choose_length_and_anyone(phone)
    pick_day(phone, "Wednesday 4 March")
    pick_time(phone, "10:00")
    # Her name as she types it on a phone: not quite the record's.
    phone.get_by_label("Your name").fill("P. Shah")
    phone.get_by_label("Email").fill(PRIYA)
    phone.get_by_label("Phone").fill("07700 900123")
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are booked in")
    save_screenshot(phone, "identity-1-booked")
    return Booking.objects.get(client_name="P. Shah")


def test_a_phone_booking_with_priyas_email_is_confirmed_then_joined_by_the_desk(
    page,
    browser_log,
    browser: Browser,
    live_server: LiveServer,
    clinic,
    mailoutbox,
    front_desk_user,
):
    phone_log = BrowserLog()
    context = browser.new_context(base_url=live_server.url, **PHONE.context_options())
    context.set_default_timeout(10_000)
    try:
        phone = context.new_page()
        phone_log.attach(phone)
        booking = book_on_a_phone(phone, mailoutbox)
        priya = Client.objects.get(name="Priya Shah")
        assert booking.client is not None and booking.client.same_email_as == priya

        (email,) = [m for m in mailoutbox if PRIYA in m.to and "booked" in m.subject]
        found = re.search(r"https?://[^/\s]+(/confirm-email/[\w-]+/)", str(email.body))
        assert found is not None, email.body
        phone.goto(found.group(1))
        expect(phone.get_by_role("heading", level=1)).to_have_text("Confirm your email")
        save_screenshot(phone, "identity-2-confirm")
        assert_no_horizontal_scroll(phone)
        assert_accessible(phone)
        phone.get_by_role("button", name="Yes, this is my email").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Your email is confirmed")
        save_screenshot(phone, "identity-3-confirmed")
        assert_no_horizontal_scroll(phone)
        assert_accessible(phone)
        assert "Priya Shah" not in phone.content()
        assert_no_browser_problems(phone_log)
    finally:
        context.close()

    # Another name than the record's: the address is proved, the desk decides.
    booking.refresh_from_db()
    assert booking.email_confirmed_at is not None and booking.client_id != priya.pk

    log_into_admin(page, front_desk_user)
    page.goto(reverse("admin:bookings_client_changelist") + "?identity=unconfirmed")
    expect(page.get_by_text("Unconfirmed: same email as Priya Shah")).to_be_visible()
    save_screenshot(page, "identity-4-desk-list")
    page.get_by_role("link", name="P. Shah").click()
    notice = page.get_by_role("status").filter(has_text="Unconfirmed: same email as Priya Shah")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("The client confirmed the address")
    save_screenshot(page, "identity-5-desk-unconfirmed")
    assert_accessible(page)
    page.get_by_role("button", name="Join to Priya").click()
    expect(page.get_by_text("Joined P. Shah's booking to Priya Shah.")).to_be_visible()
    save_screenshot(page, "identity-6-desk-joined")
    booking.refresh_from_db()
    assert booking.client_id == priya.pk
    assert_no_browser_problems(browser_log)
