"""The desk at 1280 px: the day view's "To call" list for a waiting client no message can
reach (book it for them, once), and cancelling with a message to the client shown as
the client will read it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import mail
from django.urls import reverse

from bookings.booking import services
from bookings.models import Booking, BookingStatus, OfferStatus, WaitlistOffer
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import WEDNESDAY_315PM, fill_wednesday_afternoon, join

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

DAY = reverse("admin:bookings_booking_day") + "?date=2026-03-04"


def check_page(page: Page, name: str) -> None:
    save_screenshot(page, name)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_the_desk_phones_a_waiting_client_and_books_the_freed_time_for_them(
    page, browser_log, now, front_desk_user, clinic_rules, therapist, book
):
    full = fill_wednesday_afternoon(book)
    join(client_name="Pat Phone", client_email="", client_phone="07700 900456")
    join(client_name="Ray Unreached", client_email="", client_phone="07700 900789")
    services.cancel_booking(booking=full[2], now=now)
    assert len(waitlist.offer_freed_times(now=now)) == 2

    log_into_admin(page, front_desk_user)
    page.goto(DAY)
    calls = page.get_by_role("region", name="To call")
    expect(calls).to_be_visible()
    expect(calls.get_by_role("link", name="07700 900456")).to_have_attribute(
        "href", "tel:+447700900456"
    )
    check_page(page, "desk-call-list")

    calls.get_by_role("button", name="Couldn't reach Ray Unreached").click()
    expect(page.get_by_text("Ray Unreached could not be reached")).to_be_visible()
    page.get_by_role("region", name="To call").get_by_role(
        "button", name="Book it for them (Pat Phone at 15:15)"
    ).click()
    expect(page.get_by_text("is booked for Pat Phone")).to_be_visible()
    expect(page.get_by_role("region", name="To call")).to_have_count(0)
    check_page(page, "desk-call-list-booked")
    page.go_back()
    page.reload()

    (booking,) = Booking.objects.filter(client_name="Pat Phone")
    assert (booking.start, booking.booked_by) == (WEDNESDAY_315PM, front_desk_user)
    statuses = dict(WaitlistOffer.objects.values_list("entry__client_name", "status"))
    assert statuses == {"Pat Phone": OfferStatus.TAKEN, "Ray Unreached": OfferStatus.UNREACHED}
    assert_no_browser_problems(browser_log)


def test_the_desk_cancels_with_its_reason_kept_and_its_message_shown_as_sent(
    page, browser_log, front_desk_user, clinic_rules, therapist, book
):
    booking = book()
    log_into_admin(page, front_desk_user)
    page.goto(reverse("admin:bookings_booking_cancel", args=[booking.pk]))
    expect(page.get_by_role("heading", name="What the client reads")).to_be_visible()
    expect(page.get_by_text("Hello Jane,")).to_be_visible()
    check_page(page, "desk-cancel-message")
    page.get_by_label("Reason, for the clinic (optional)").fill("Client phoned: unwell")
    page.get_by_label("Message to the client (optional)").fill(
        "Anna is away today. We are sorry for the trouble."
    )
    mail.outbox.clear()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text(f"Cancelled {booking.reference}.")).to_be_visible()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Client phoned: unwell"
    assert booking.client_message == "Anna is away today. We are sorry for the trouble."
    assert_no_browser_problems(browser_log)
