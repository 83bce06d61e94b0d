import re

import pytest

from .browser import (
    PHONE,
    assert_no_browser_problems,
    both_widths,
    expect,
    save_screenshot,
)


@both_widths
@pytest.mark.parametrize("javascript_enabled", [False], ids=["no-js"])
def test_a_visitor_without_javascript_finds_a_technique_by_following_links(page, browser_log):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Techniques").click()

    expect(page).to_have_url("/techniques/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Massage techniques for back pain")

    page.get_by_role("link", name="Trigger Point Therapy").click()

    expect(page).to_have_url("/techniques/trigger-point/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trigger Point Therapy")
    expect(page.get_by_text("30 minutes: £")).to_be_visible()

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    expect(page).to_have_url("/techniques/")
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
@pytest.mark.parametrize("javascript_enabled", [False], ids=["no-js"])
def test_the_safety_questions_work_without_javascript(page, browser_log, now, clinic_rules):
    page.goto("/book/swedish/screen/")
    fall = page.get_by_role("group", name=re.compile("fall, slip or knock"))
    # A follow-up shows only once what it follows is ticked (CSS alone).
    expect(fall).to_be_hidden()
    page.get_by_role("group", name="Your health").get_by_label("Osteoporosis").check()
    expect(fall).to_be_visible()
    page.get_by_role("group", name="Emergency signs").get_by_role("group").first.locator(
        "label", has_text="Yes"
    ).click()
    save_screenshot(page, "book-0-screen-no-js-one-yes")
    page.get_by_role("button", name="Continue to booking").click()

    # One "yes" is enough: emergency advice at once, the rest unanswered.
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get medical help today")
    # No axe here: it runs as page script, which this browser refuses (the same page is
    # checked with axe in test_journeys' emergency case).
    assert_no_browser_problems(browser_log)
