"""At 1280 px: the day view marks a hold awaiting payment apart from a confirmed
session; the course plan names a clinic closure; the course cancel page asks who asked,
its two answers one size. Screenshots: artifacts/screenshots/fix-*."""

from datetime import timedelta

from bookings.models import BookingCheckout, BookingStatus, PaymentPolicy
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, ClinicClosureFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)

TUESDAY = NOW + timedelta(days=1)  # 3 March 2026


def test_the_day_view_shows_a_hold_awaiting_payment_apart(
    page, browser_log, now, front_desk_user, therapist
):
    BookingFactory(therapist=therapist, start=clinic_time(TUESDAY, 9), client_name="Jane Doe")
    held = BookingFactory(
        therapist=therapist,
        start=clinic_time(TUESDAY, 11),
        client_name="Omar Said",
        status=BookingStatus.AWAITING_PAYMENT,
    )
    BookingCheckout.objects.create(
        booking=held,
        policy=PaymentPolicy.DEPOSIT,
        currency="gbp",
        due_now_minor=2000,
        hold_until=clinic_time(NOW, 22) + timedelta(minutes=54),
    )
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/?date=2026-03-03")
    block = page.locator("a.day-block-held")
    expect(block).to_contain_text("Omar")
    expect(block).to_contain_text("Awaiting payment, held until 22:54")
    assert block.evaluate("b => getComputedStyle(b).borderTopStyle") == "dashed"
    confirmed = page.locator("a.day-block", has_text="Jane")
    assert confirmed.evaluate("b => getComputedStyle(b).borderTopStyle") != "dashed"
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, "fix-day-held")
    assert_no_browser_problems(browser_log)


def test_the_course_plan_names_a_closure_and_the_cancel_page_asks_who_asked(
    page, browser_log, now, front_desk_user, therapist
):
    source = BookingFactory(
        therapist=therapist, start=clinic_time(TUESDAY, 10), client_name="Jane Doe"
    )
    ClinicClosureFactory(start_date=(TUESDAY + timedelta(weeks=2)).date(), reason="Christmas Day")
    log_into_admin(page, front_desk_user)
    page.goto(f"/admin/bookings/booking/{source.pk}/course/?every_weeks=1&sessions=4")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Repeat Jane Doe's session on Tue 3 Mar 2026 as a course"
    )
    plan = page.get_by_role("region", name="The dates: every week, 4 sessions")
    expect(plan).to_contain_text("Clinic closed: Christmas Day.")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, "fix-course-closure")

    page.get_by_label("Leave this one out").check()
    page.get_by_role("button", name="Book the sessions chosen (up to 4)").click()
    expect(page.get_by_text("3 sessions booked")).to_be_visible()
    page.get_by_role("link", name="Cancel this and the rest…").click()
    expect(page.get_by_role("group", name="Who asked to cancel?")).to_be_visible()
    page.get_by_label("The client asked").check()
    yes = page.get_by_role("button", name="Yes, cancel").bounding_box()
    no = page.get_by_role("link", name="No, keep them").bounding_box()
    assert yes and no and abs(yes["height"] - no["height"]) < 1
    assert abs(yes["y"] - no["y"]) < 1
    assert_accessible(page)
    save_screenshot(page, "fix-cancel-who-asked")
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text("Cancelled 3 sessions of the course.")).to_be_visible()
    assert_no_browser_problems(browser_log)
