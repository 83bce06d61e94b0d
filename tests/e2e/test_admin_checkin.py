"""Check-in at the desk in the browser, at 1280 px: the day view's legend and panel, the
booking page's who-what-when with its buttons, a closed Sunday, and the week's
needs-attention mark; axe on each page state."""

from datetime import timedelta

from django.urls import reverse

from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, TimeOffFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    expect,
    log_into_admin,
    save_screenshot,
)


def test_front_desk_checks_a_client_in_from_the_day_view_and_the_booking_page(
    page, browser_log, now, front_desk_user, therapist, other_therapist
):
    jane = BookingFactory(therapist=therapist, start=clinic_time(NOW, 10), client_name="Jane Doe")
    log_into_admin(page, front_desk_user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Mon 2 Mar 2026")
    expect(page.get_by_role("list", name="What the shading means")).to_be_visible()
    navigation = page.locator("#nav-sidebar")
    expect(navigation.get_by_role("link", name="Day view")).to_be_visible()
    expect(navigation.get_by_text("Email workers")).to_have_count(0)
    expect(navigation.get_by_text("Answer weights")).to_have_count(0)
    assert_accessible(page)

    page.locator("details.day-actions summary").first.click()
    expect(page.get_by_role("button", name="Arrived for Jane")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "desk-day-check-in")
    page.get_by_role("button", name="Arrived for Jane").click()
    expect(page.get_by_text("Jane Doe arrived")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Mon 2 Mar 2026")
    expect(page.locator(".day-grid .day-arrived")).to_have_text("Arrived")
    # Back and send again: one arrival, one message saying so.
    page.go_back()
    page.reload()
    jane.refresh_from_db()
    assert jane.arrived_at == NOW

    page.get_by_role("link", name="10:00 to 11:00 Jane · Swedish Massage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change booking")
    today = page.locator(".booking-today")
    expect(today).to_contain_text("Jane Doe")
    expect(today).to_contain_text("Swedish Massage, 60 minutes, with Anna K.")
    expect(today).to_contain_text("arrived")
    expect(today.get_by_role("link", name="Move")).to_be_visible()
    # The buffer's end and the record are folded away until asked for.
    expect(page.get_by_text("Room free again (after the buffer)")).not_to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "desk-booking-page")


def test_a_therapist_records_the_safety_check_with_a_button(page, browser_log, now, therapist):
    session = BookingFactory(
        therapist=therapist, start=clinic_time(NOW, 11), client_name="Sam Safe", with_warning=True
    )
    log_into_admin(page, therapist.user)
    page.goto(reverse("admin:bookings_booking_change", args=[session.pk]))
    expect(page.get_by_text("Go through the safety facts below")).to_be_visible()
    page.get_by_role("button", name="Checked with the client").click()
    expect(page.get_by_text("safety facts recorded as checked with the client")).to_be_visible()
    expect(page.get_by_role("button", name="Checked with the client")).to_have_count(0)
    expect(page.get_by_text("Treatment notes open when the session starts.")).to_be_visible()
    assert_accessible(page)
    assert_no_browser_problems(browser_log)


def test_a_closed_sunday_says_so_and_the_week_marks_what_needs_attention(
    page, browser_log, now, front_desk_user, therapist
):
    covered = BookingFactory(therapist=therapist, start=clinic_time(NOW + timedelta(days=1), 10))
    TimeOffFactory(
        therapist=therapist,
        start=covered.start - timedelta(hours=1),
        end=covered.start + timedelta(hours=2),
    )
    log_into_admin(page, front_desk_user)
    page.goto(reverse("admin:bookings_booking_day") + "?date=2026-03-08")
    expect(page.get_by_text("Closed: nobody works on Sundays.")).to_be_visible()
    expect(page.locator("table.day-grid")).to_have_count(0)
    assert_accessible(page)

    page.goto(reverse("admin:bookings_booking_schedule") + "?week=2026-03-02")
    expect(page.locator(".schedule-status .day-attention")).to_have_text("Needs attention")
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
