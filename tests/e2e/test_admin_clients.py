"""The client pages and the weekly report in a real browser: readable, keyboard and
screen-reader usable (axe), and within 1280 pixels."""

import re
from datetime import timedelta

from tests.clock import NOW
from tests.factories import BookingFactory, ClientFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
)


def test_front_desk_reads_a_client_books_again_and_reads_the_weekly_report(
    page, browser_log, now, front_desk_user, therapist
):
    jane = ClientFactory(name="Jane Doe", phone="+447700900123", email="jane@example.org")
    BookingFactory(client=jane, therapist=therapist, start=NOW + timedelta(days=1, hours=2))
    BookingFactory(client=jane, therapist=therapist, completed=True)
    log_into_admin(page, front_desk_user)

    page.goto("/admin/bookings/client/?q=07700+900123")
    page.get_by_role("link", name="Jane Doe").click()
    expect(page.get_by_role("table", name="Upcoming")).to_be_visible()
    expect(page.get_by_role("table", name="Past and cancelled")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_role("link", name="Merge into…").click()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Data: see or erase").click()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="Book again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a phone or walk-in client")
    expect(page.get_by_role("radio", name=re.compile("^Jane Doe"))).to_be_checked()
    assert_accessible(page)

    page.goto("/admin/bookings/booking/week-report/")
    expect(page.get_by_role("rowheader", name="Anna K.")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
