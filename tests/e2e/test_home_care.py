"""After a session the therapist writes a home-care plan from the booking page; the
client reads it on a phone behind their booking's private link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import HomeExercise
from bookings.records.services import save_home_care_plan
from tests.factories import BookingFactory

from .browser import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_the_therapist_writes_a_plan_from_the_booking_page(
    page, browser_log, clock, therapist, therapist_user
):
    booking = BookingFactory(therapist=therapist, start=timezone.now() - timedelta(hours=1))
    log_into_admin(page, therapist_user)
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("link", name="Home-care plan").click()
    expect(
        page.get_by_role("heading", name=f"Home-care plan for {booking.client_name}")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Knee to chest").check()
    page.get_by_label("Walking").check()
    page.get_by_label("Advice in your words").fill("Walk ten minutes a day this week.")
    save_screenshot(page, "home-care-write")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("has been emailed that it is waiting")).to_be_visible()
    assert [m.subject for m in mail.outbox] == ["Your home-care plan is ready"]
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_reads_the_plan_on_a_phone(page, browser_log, clock, therapist):
    booking = BookingFactory(therapist=therapist, start=timezone.now() - timedelta(hours=1))
    save_home_care_plan(
        booking=booking,
        exercises=HomeExercise.objects.filter(name__in=["Pelvic tilt", "Heat"]),
        advice="Keep moving gently; heat in the evening.",
        by=therapist.user,
        now=timezone.now(),
    )
    page.goto(f"/manage/{booking.manage_token}/")
    page.get_by_role("link", name="Read your home-care plan").click()
    expect(page.get_by_role("heading", name="Your home-care plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Pelvic tilt")).to_be_visible()
    expect(page.get_by_text("Keep moving gently; heat in the evening.")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "home-care-client")
    assert_no_browser_problems(browser_log)
