import pytest

from .browser import assert_no_browser_problems, both_widths, expect


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
