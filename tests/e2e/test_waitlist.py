"""A client joins the waitlist when Wednesday afternoon is full; a cancellation frees a
time, the worker's sweep offers it, and the client's link books it in one step."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core import mail

from bookings.booking import services
from bookings.messaging import notifications
from bookings.models import (
    Booking,
    Notification,
    NotificationKind,
    NotificationStatus,
    WaitlistEntry,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import WEDNESDAY_2PM, fill_wednesday_afternoon

from .browser import (
    answer_safety_questions,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page


def check_page(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    save_screenshot(page, name)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_waiting_client_books_a_cancelled_time_from_the_offer_link(
    page, browser_log, now, clinic_rules, therapist, book
):
    full = fill_wednesday_afternoon(book)

    page.goto("/techniques/swedish/")
    page.get_by_role("link", name="Book this technique").click()
    answer_safety_questions(page)
    page.get_by_role("button", name="Continue to booking").click()
    page.get_by_role("button", name="Show free days").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a day")
    page.get_by_role("link", name="Join the waitlist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    check_page(page, "waitlist-join")
    page.get_by_label("Length").select_option("60")
    page.get_by_label("First day that suits").fill("2026-03-04")
    page.get_by_label("Last day that suits").fill("2026-03-04")
    page.get_by_label("Morning (before 12:00)").uncheck()
    page.get_by_label("Evening (from 17:00)").uncheck()
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email").fill("sam.jones@example.com")
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    check_page(page, "waitlist-place")
    assert WaitlistEntry.objects.get().parts_of_day == ["afternoon"]

    services.cancel_booking(booking=full[1], now=now)
    assert waitlist.sweep(now=now) == 1
    (message,) = Notification.objects.filter(kind=NotificationKind.WAITLIST_OFFER)
    # The worker's task may have sent it on commit already; once either way.
    notifications.deliver(message.pk, now=now)
    message.refresh_from_db()
    assert message.status == NotificationStatus.SENT
    (email,) = [m for m in mail.outbox if m.to == ["sam.jones@example.com"]]
    link = re.search(r"https?://\S+/waitlist/offer/\S+/", str(email.body))
    assert link is not None

    page.goto(urlsplit(link.group()).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time came free")
    expect(page.get_by_text("Wednesday 4 March 2026, 14:00 to 15:00")).to_be_visible()
    check_page(page, "waitlist-offer")
    page.get_by_role("button", name="Book it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    booking = Booking.objects.get(client_name="Sam Jones")
    assert booking.start == WEDNESDAY_2PM
    assert_no_browser_problems(browser_log)
