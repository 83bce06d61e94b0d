import re

from .browser import (
    STAFF_PASSWORD,
    assert_accessible,
    assert_no_browser_problems,
    expect,
    log_into_admin,
)


def test_a_superuser_logs_into_the_admin_and_its_pages_are_accessible(page, browser_log, superuser):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert_accessible(page)

    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="The clinic", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Techniques", exact=True).click()

    expect(page.get_by_role("heading", name="Select technique to change")).to_be_visible()
    expect(page.get_by_role("link", name="Swedish Massage")).to_be_visible()
    assert_accessible(page)
    assert_no_browser_problems(browser_log)


def test_a_wrong_password_keeps_a_staff_member_on_the_login_page(page, browser_log, superuser):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Please enter the correct username and password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/login/$"))
    assert_accessible(page)
    assert_no_browser_problems(browser_log)


def test_a_content_editor_rewords_a_technique_and_clients_see_it(page, browser_log, content_editor):
    log_into_admin(page, content_editor)
    page.get_by_role("link", name="Techniques", exact=True).click()
    page.get_by_role("link", name="Swedish Massage").click()
    expect(page.get_by_role("heading", name="Change technique")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Summary").fill("Long, gentle strokes for a tired back.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    page.goto("/techniques/swedish/")
    expect(page.get_by_text("Long, gentle strokes for a tired back.").first).to_be_visible()
    assert_no_browser_problems(browser_log)
