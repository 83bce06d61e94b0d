import re

from .browser import assert_accessible, assert_no_browser_problems, expect

PASSWORD = "a-long-test-password-1"  # tests/factories.py UserFactory


def test_a_superuser_logs_into_the_admin_and_its_pages_are_accessible(page, browser_log, superuser):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert_accessible(page)

    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Schedules, bookings and techniques")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Techniques", exact=True).click()

    expect(page.get_by_role("heading", name="Select technique to change")).to_be_visible()
    expect(page.get_by_role("link", name="Swedish Massage")).to_be_visible()
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
