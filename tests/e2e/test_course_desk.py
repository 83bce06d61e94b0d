"""The desk books a course of care at 1280 px: six weeks from one booking, the fourth
week taken, another therapist picked for it; the day view's "4 of 6"; then "this and
the rest" cancelled from the fifth session. Screenshots: artifacts/screenshots/course-*."""

from datetime import timedelta

from bookings.models import Booking, BookingStatus
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)

TUESDAY = NOW + timedelta(days=1)  # 3 March 2026


def test_the_desk_books_a_six_week_course_around_a_clash_and_cancels_the_rest(
    page, browser_log, now, front_desk_user, therapist, other_therapist
):
    source = BookingFactory(
        therapist=therapist, start=clinic_time(TUESDAY, 10), client_name="Jane Doe"
    )
    # Week 4 (24 March) is someone else's with Anna already.
    BookingFactory(therapist=therapist, start=clinic_time(TUESDAY + timedelta(weeks=3), 10))
    log_into_admin(page, front_desk_user)
    page.goto(f"/admin/bookings/booking/{source.pk}/change/")
    page.get_by_role("link", name="Repeat as a course").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Repeat Jane Doe's session on Tue 3 Mar 2026 as a course"
    )
    expect(page.get_by_label("Every week")).to_be_checked()
    expect(page.get_by_label("Sessions in total")).to_have_value("6")
    page.get_by_role("button", name="Check these dates").click()

    plan = page.get_by_role("region", name="The dates: every week, 6 sessions")
    expect(plan.get_by_text("Free", exact=True)).to_have_count(4)
    expect(plan).to_contain_text("Tue 24 Mar 2026, 10:00")
    expect(plan).to_contain_text("Anna K. already has a session then.")
    expect(plan).to_contain_text("Tue 7 Apr 2026, 10:00")  # after the clocks change
    instead = plan.get_by_role("group", name="Instead of session 4")
    expect(instead.get_by_label("Leave this one out")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, "course-plan")

    instead.get_by_label("Tue 24 Mar 2026, 10:00 with Ben M. (another therapist, same day)").check()
    page.get_by_role("button", name="Book the sessions chosen (up to 6)").click()

    expect(page.get_by_text("6 sessions booked: Tue 3 Mar to Tue 7 Apr 2026.")).to_be_visible()
    expect(page.get_by_role("heading", name="Session 1 of 6 in a course")).to_be_visible()
    fourth = Booking.objects.get(course__isnull=False, course_position=4)
    assert fourth.therapist == other_therapist

    page.goto("/admin/bookings/booking/day/?date=2026-03-24")
    ben = page.locator("a.day-block", has_text="Jane")
    expect(ben.first).to_contain_text("4 of 6")
    save_screenshot(page, "course-day-view")

    sixth = Booking.objects.get(course__isnull=False, course_position=6)
    page.goto(f"/admin/bookings/booking/{sixth.pk}/change/")
    expect(page.get_by_text("Safety questions due again")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "course-recheck-due")

    fifth = Booking.objects.get(course__isnull=False, course_position=5)
    page.goto(f"/admin/bookings/booking/{fifth.pk}/change/")
    expect(page.get_by_role("heading", name="Session 5 of 6 in a course")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, "course-booking-page")

    page.get_by_role("link", name="Cancel this and the rest…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this and the rest?")
    page.get_by_label("Reason, for the clinic (optional)").fill("Moving away")
    assert_accessible(page)
    save_screenshot(page, "course-cancel-rest")
    page.get_by_role("button", name="Yes, cancel").click()

    expect(page.get_by_text("Cancelled 2 sessions of the course.")).to_be_visible()
    statuses = [
        b.status for b in Booking.objects.filter(course__isnull=False).order_by("course_position")
    ]
    assert statuses == [BookingStatus.CONFIRMED] * 4 + [BookingStatus.CANCELLED] * 2
    save_screenshot(page, "course-after-cancel")

    page.get_by_role("link", name="Open the client's record (all their sessions)").click()
    upcoming = page.get_by_role("table", name="Upcoming")
    expect(upcoming.get_by_role("row")).to_have_count(5)  # the heading and four sessions
    expect(upcoming).to_contain_text("Confirmed · course, 4 of 4")
    assert_accessible(page)
    save_screenshot(page, "course-client-page")
    assert_no_browser_problems(browser_log)
