"""The front desk's day in the browser: the clinic's day view, a phone client booked
from a free gap, moved, and cancelled with a reason; a therapist's own column.

Each new admin page is axe-checked in the journey that reaches it.
"""

import re
from datetime import timedelta

import pytest

from bookings.models import Booking, BookingStatus
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, TherapistFactory

from .browser import (
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    png_size,
    save_screenshot,
)


def test_front_desk_books_a_phone_client_from_a_gap_moves_it_and_cancels_it(
    page, browser_log, now, front_desk_user, therapist, other_therapist
):
    log_into_admin(page, front_desk_user)
    # Front desk lands on today's day view.
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Mon 2 Mar 2026")
    expect(page.get_by_role("columnheader", name="Anna K.")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Ben M.")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "desk-day-view")

    # 10:00 today is inside the clients' two hours' notice: the desk may still book it.
    page.get_by_role("link", name="Book Anna K. at 10:00").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a phone or walk-in client")
    expect(page.get_by_label("Start time")).to_have_value("10:00")
    expect(page.get_by_role("combobox", name="Therapist")).to_have_value(str(therapist.pk))
    page.get_by_label("Technique").select_option(label="Swedish Massage")
    page.get_by_label("Length").select_option(label="60 minutes")
    page.get_by_label("Client's name").fill("Pat Phone")
    page.get_by_label("Client's phone").fill("07700 900456")
    # Asked every safety question: the emergency signs at once, then the two lists.
    page.get_by_label("Asked: none of these apply").check()
    for group in ("Health conditions", "Risk factors"):
        page.get_by_role("group", name=re.compile(f"^{group}")).get_by_label(
            "None of these"
        ).check()
    assert_accessible(page)
    save_screenshot(page, "desk-book")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_text("Booked Pat Phone with Anna K.")).to_be_visible()
    booking = Booking.objects.get(client_name="Pat Phone")
    assert booking.start == clinic_time(NOW, 10)
    assert booking.client_email == "" and booking.booked_by == front_desk_user
    page.get_by_role("link", name="10:00 to 11:00 Pat · Swedish Massage").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change booking")
    page.get_by_role("link", name="Move").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Move {booking.reference}")
    assert_accessible(page)
    page.get_by_label("Start time").fill("15:00")
    page.get_by_role("combobox", name="Therapist").select_option(label="Ben M.")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text(f"Moved {booking.reference} to Mon 2 Mar 2026, 15:00")).to_be_visible()
    booking.refresh_from_db()
    assert (booking.start, booking.therapist) == (clinic_time(NOW, 15), other_therapist)

    page.get_by_role("link", name="Cancel booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel {booking.reference}?")
    assert_accessible(page)
    page.get_by_label("Reason, for the clinic").fill("Client phoned back: feeling better")
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text(f"Cancelled {booking.reference}.")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Client phoned back: feeling better"
    assert booking.cancelled_by == front_desk_user
    assert_no_browser_problems(browser_log)


def test_ten_therapists_fit_side_by_side_at_1280_pixels(page, browser_log, now, front_desk_user):
    for n in range(10):
        therapist = TherapistFactory(display_name=f"Therapist {n:02}", works_weekdays=True)
        for k in range(6):
            BookingFactory(
                therapist=therapist,
                start=clinic_time(NOW + timedelta(days=1), 9) + k * timedelta(minutes=75),
                client_name=f"Client{n}{k} Surname",
                warning_flags=["night_pain"] if (n + k) % 4 == 0 else [],
            )
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/?date=2026-03-03")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Tue 3 Mar 2026")
    expect(page.locator("table.day-grid").get_by_role("columnheader")).to_have_count(11)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    path = save_screenshot(page, "desk-day-view-10-therapists")
    assert png_size(path)[0] == 1280
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_therapist_sees_only_their_day_as_a_list_on_a_phone(
    page, browser_log, now, therapist, other_therapist
):
    BookingFactory(therapist=therapist, start=clinic_time(NOW, 11), client_name="Olive Own")
    BookingFactory(therapist=other_therapist, start=clinic_time(NOW, 11), client_name="Oscar X")
    log_into_admin(page, therapist.user)
    page.goto("/admin/bookings/booking/day/")
    expect(page.get_by_role("heading", level=2, name="Anna K.")).to_be_visible()
    expect(page.get_by_role("link", name="11:00 to 12:00: Olive · Swedish Massage")).to_be_visible()
    expect(page.get_by_text("Oscar")).to_have_count(0)
    expect(page.get_by_text("Ben M.")).to_have_count(0)
    expect(page.get_by_role("table")).to_be_hidden()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, "desk-day-view-therapist")
    assert_no_browser_problems(browser_log)


def test_a_therapist_sees_only_their_column_on_a_desktop(
    page, browser_log, now, therapist, other_therapist
):
    BookingFactory(therapist=therapist, start=clinic_time(NOW, 11), client_name="Olive Own")
    BookingFactory(therapist=other_therapist, start=clinic_time(NOW, 11), client_name="Oscar X")
    log_into_admin(page, therapist.user)
    expect(page.locator("table.day-grid").get_by_role("columnheader")).to_have_count(2)
    expect(page.get_by_role("columnheader", name="Anna K.")).to_be_visible()
    expect(page.get_by_text("Oscar")).to_have_count(0)
    expect(page.get_by_role("link", name="11:00 to 12:00 Olive · Swedish Massage")).to_be_visible()
    assert_no_browser_problems(browser_log)
