"""After the pain answer, a client names the everyday activities their back makes hard,
on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import FunctionScore
from tests.factories import BookingFactory, OutcomeRequestFactory

from .browser import (
    PHONE,
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    save_screenshot,
)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_client_names_two_activities_after_answering_on_a_phone(page, browser_log, clock):
    booking = BookingFactory(start=timezone.now() - timedelta(days=3), status="completed")
    outcome = OutcomeRequestFactory(booking=booking, expires=timezone.now() + timedelta(days=7))

    page.goto(f"/how-is-your-back/{outcome.token}/")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("link", name="Answer about everyday activities").click()
    expect(page.get_by_role("heading", name="Everyday activities")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # Sent with nothing named: the form answers 400 with what is missing.
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Please name at least one activity.")
    browser_log.expect_status(page.url, 400)
    first = page.get_by_role("group", name="Activity 1")
    first.get_by_label("What is it?").fill("Lifting my toddler")
    first.get_by_label("How able are you to do it today, 0 to 10?").select_option("3")
    second = page.get_by_role("group", name="Activity 2 (optional)")
    second.get_by_label("What is it?").fill("Sitting through a film")
    second.get_by_label("How able are you to do it today, 0 to 10?").select_option("5")
    save_screenshot(page, "everyday-activities")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("We have your answers")
    assert_accessible(page)

    page.reload()
    expect(page.get_by_role("status")).to_contain_text("We have your answers")
    assert sorted(FunctionScore.objects.values_list("score", flat=True)) == [3, 5]
    assert_no_browser_problems(browser_log)
