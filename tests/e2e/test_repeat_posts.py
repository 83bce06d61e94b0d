"""On a 390 px phone, each client post survives Back and send again, and a reload, with
one effect and one message: moving, cancelling, joining the waitlist, answering "How is
your back today?", booking a waitlist offer, and Back after booking."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.http import HttpResponse
from django.urls import reverse

from bookings.booking import services
from bookings.intake import cookie as intake
from bookings.models import (
    Booking,
    BookingStatus,
    Notification,
    NotificationKind,
    OutcomeRequest,
    WaitlistEntry,
)
from bookings.waitlist import services as waitlist
from tests.bookings.waitlist_helpers import fill_wednesday_afternoon, join
from tests.clock import clinic_time
from tests.factories import SCREENED_INTAKE, OutcomeRequestFactory

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


def check_page(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    save_screenshot(page, name)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def posted_form(page: Page, button: str) -> dict[str, Any]:
    """What the form around `button` sends, to send it again as the browser's resend does."""
    form = page.get_by_role("button", name=button).locator("xpath=ancestor::form")
    data: dict[str, Any] = form.evaluate("f => Object.fromEntries(new FormData(f))")
    return data


def send_again(page: Page, url: str, data: dict[str, Any]) -> None:
    """The same post once more from this browser (its cookies, its CSRF token), then the
    page it lands on, as after "Confirm Form Resubmission"."""
    response = page.request.post(url, form=data, max_redirects=0)
    assert response.status in (200, 303, 302, 409), response.status
    location = response.headers.get("location")
    if location:
        page.goto(location)
    else:
        page.set_content(response.text())


def screen(page: Page, live_server: Any) -> None:
    response = HttpResponse()
    intake.remember(response, SCREENED_INTAKE)
    value = response.cookies[intake.COOKIE_NAME].value
    page.context.add_cookies([{"name": intake.COOKIE_NAME, "value": value, "url": live_server.url}])


def sent(kind: str, **filters: Any) -> int:
    return Notification.objects.filter(kind=kind, **filters).count()


def test_a_move_survives_back_resend_and_reload(page, browser_log, now, book):
    booking = book()
    move = reverse("bookings:manage_reschedule", args=[booking.manage_token])
    page.goto(f"{move}?day=2026-03-05")
    page.get_by_label("11:00", exact=True).check()
    data = posted_form(page, "Move to this time")
    page.get_by_role("button", name="Move to this time").click()
    expect(page.get_by_text("Your booking has moved.")).to_be_visible()

    page.go_back()
    # Its new time is where it is: no longer offered as a time to move to.
    expect(page.get_by_role("heading", name="Free times on Thursday 5 March")).to_be_visible()
    expect(page.get_by_label("11:00", exact=True)).to_have_count(0)
    check_page(page, "repeat-move-back")
    send_again(page, f"{move}?day=2026-03-05", data)
    expect(page.get_by_text("Your booking is at this time. Nothing has changed.")).to_be_visible()
    check_page(page, "repeat-move-again")
    page.reload()
    expect(page.get_by_text("Nothing has changed")).to_have_count(0)

    booking.refresh_from_db()
    assert booking.start == clinic_time(now + timedelta(days=3), 11)
    assert sent(NotificationKind.RESCHEDULE, booking=booking) == 1
    assert_no_browser_problems(browser_log)


def test_a_cancellation_survives_back_resend_and_reload(page, browser_log, book):
    booking = book()
    page.goto(reverse("bookings:manage_cancel", args=[booking.manage_token]))
    data = posted_form(page, "Yes, cancel my booking")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_text("Your booking is cancelled. We have sent you an email")).to_be_visible()

    page.go_back()
    expect(page.get_by_text("This booking is already cancelled.")).to_be_visible()
    send_again(page, reverse("bookings:manage_cancel", args=[booking.manage_token]), data)
    expect(page.get_by_text("This booking is already cancelled")).to_be_visible()
    check_page(page, "repeat-cancel-again")
    page.reload()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert sent(NotificationKind.CANCELLATION, booking=booking) == 1
    assert_no_browser_problems(browser_log)


def fill_join_form(page: Page) -> None:
    page.get_by_label("Length").select_option("60")
    page.get_by_label("First day that suits").fill("2026-03-04")
    page.get_by_label("Last day that suits").fill("2026-03-04")
    page.get_by_label("Morning (before 12:00)").set_checked(False)
    page.get_by_label("Afternoon (12:00 to 17:00)").set_checked(True)
    page.get_by_label("Evening (from 17:00)").set_checked(False)
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email").fill("sam.jones@example.com")
    page.get_by_label("Phone").fill("07700 900321")


def test_joining_the_waitlist_survives_back_resend_and_reload(
    page, browser_log, live_server, clinic_rules, therapist, now
):
    screen(page, live_server)
    page.goto(reverse("bookings:waitlist_join", kwargs={"slug": "swedish"}) + "?length=60")
    # Wednesday afternoon is free: shown to book now, never sent.
    expect(page.get_by_role("heading", name="These times are free now")).to_be_visible()
    # The spam trap sits far off screen, out of the tab order and the accessibility tree.
    trap = page.get_by_text("Leave this field empty").bounding_box()
    assert trap is not None and trap["x"] + trap["width"] <= 0
    expect(page.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    check_page(page, "waitlist-join-free-now")
    fill_join_form(page)
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    expect(page.get_by_text("Wednesday 4 March", exact=True)).to_be_visible()
    check_page(page, "waitlist-place-free-now")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    fill_join_form(page)
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text("You are already on the waitlist for these days.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    check_page(page, "waitlist-place-again")
    page.reload()
    expect(page.get_by_text("already on the waitlist")).to_have_count(0)

    assert WaitlistEntry.objects.count() == 1
    assert waitlist.sweep(now=now) == 0
    assert sent(NotificationKind.WAITLIST_OFFER) == 0
    assert_no_browser_problems(browser_log)


def test_an_outcome_answer_survives_back_resend_and_reload(page, browser_log, now):
    outcome = OutcomeRequestFactory()
    url = reverse("bookings:outcome", args=[outcome.token])
    page.goto(url)
    page.get_by_label("3", exact=True).check()
    data = posted_form(page, "Send my answer")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answer")
    check_page(page, "outcome-thanks")

    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your answer")
    send_again(page, url, data | {"score": "8"})
    expect(page.get_by_text("You said 3 out of 10.")).to_be_visible()
    page.goto(url)  # the email's link tapped again
    expect(page.get_by_text("You said 3 out of 10.")).to_be_visible()

    outcome.refresh_from_db()
    assert outcome.score == 3
    assert OutcomeRequest.objects.answered().count() == 1
    assert_no_browser_problems(browser_log)


def test_booking_an_offer_survives_back_resend_and_reload(
    page, browser_log, now, clinic_rules, therapist, book
):
    full = fill_wednesday_afternoon(book)
    join(client_name="Sam Jones", client_email="sam.jones@example.com")
    services.cancel_booking(booking=full[1], now=now)
    (offer,) = waitlist.offer_freed_times(now=now)
    page.goto(reverse("bookings:waitlist_offer", args=[offer.token]))
    data = posted_form(page, "Book it")
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    send_again(page, reverse("bookings:waitlist_offer", args=[offer.token]), data)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    check_page(page, "offer-booked-again")
    page.reload()

    (booking,) = Booking.objects.filter(client_name="Sam Jones")
    assert sent(NotificationKind.CONFIRMATION, booking=booking) == 1
    assert_no_browser_problems(browser_log)


def test_back_after_booking_shows_the_booking(
    page, browser_log, live_server, now, clinic_rules, therapist
):
    screen(page, live_server)
    start = clinic_time(now + timedelta(days=2), 11).strftime("%Y-%m-%dT%H:%MZ")
    page.goto(
        reverse("bookings:book", kwargs={"slug": "swedish"})
        + f"?length=60&therapist=any&start={start}"
    )
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email").fill("sam.jones@example.com")
    page.get_by_label("Phone").fill("07700 900321")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are booked in")
    expect(page.get_by_text("Two questions before you book")).to_have_count(0)
    assert Booking.objects.count() == 1
    assert_no_browser_problems(browser_log)
