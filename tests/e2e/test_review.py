"""A clinical lead finds the clients who are not getting better, and opens one of them:
the band beside the pain chart says why."""

import pytest

from tests.bookings.test_review import course
from tests.factories import ClientFactory

from .browser import (
    DESKTOP,
    assert_accessible,
    assert_no_browser_problems,
    expect,
    log_into_admin,
    save_screenshot,
)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_a_clinical_lead_reviews_a_client_not_getting_better(
    page, browser_log, clock, clinical_lead
):
    stuck = ClientFactory(name="Sam Stuck")
    course(stuck, [7, 7, 7], intake=8)
    course(ClientFactory(name="Bea Better"), [7, 6, 4], intake=8)
    course(ClientFactory(name="Wendy Worse"), [6], intake=4)

    log_into_admin(page, clinical_lead)
    page.goto("/admin/bookings/client/")
    page.get_by_role("link", name="Review: clients not getting better").click()
    listing = page.get_by_role("table", name="To review")
    rows = listing.get_by_role("row")
    expect(rows).to_have_count(3)  # the header, Wendy (worse, first), Sam
    expect(rows.nth(1)).to_contain_text("Worse by 2 points since the intake (4 to 6).")
    expect(rows.nth(2)).to_contain_text("3 sessions without a clinically important improvement")
    expect(listing).not_to_contain_text("Bea Better")
    assert_accessible(page)
    save_screenshot(page, "review-list-desktop")

    listing.get_by_role("link", name="Sam Stuck").click()
    expect(page.get_by_text("No important change: intake 8, latest answer 7.")).to_be_visible()
    expect(page.get_by_text("To review: 3 sessions without")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "review-client-page-desktop")

    page.goto("/admin/bookings/outcomerequest/")
    expect(page.get_by_role("table", name="Responders by technique")).to_contain_text(
        "1 of 3 (33%)"
    )
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
