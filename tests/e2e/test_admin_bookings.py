"""Staff at work on bookings in the browser: a therapist's week, front desk's actions.

Each admin page is axe-checked once, in the journey that reaches it.
"""

from datetime import UTC, datetime

import pytest

from bookings.models import BookingStatus
from tests.factories import BookingFactory

from .browser import assert_accessible, assert_no_browser_problems, expect, log_into_admin

# Wednesday 4 March 2026, in the week of the frozen `now` (Monday 2 March, 08:00 GMT).
WEDNESDAY_10AM = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def own_and_other_bookings(now, therapist, other_therapist):
    own = BookingFactory(therapist=therapist, start=WEDNESDAY_10AM, client_name="Olive Own")
    other = BookingFactory(
        therapist=other_therapist, start=WEDNESDAY_10AM, client_name="Oscar Other"
    )
    return own, other


def test_a_therapist_opens_their_week_and_sees_only_their_own_sessions(
    page, browser_log, therapist_user, own_and_other_bookings
):
    own, _other = own_and_other_bookings
    log_into_admin(page, therapist_user)

    # Therapists land on their day; the week is in the navigation.
    page.get_by_role("navigation", name="Sidebar").get_by_role("link", name="Week schedule").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Week of Mon 2 Mar 2026")
    expect(page.get_by_role("heading", level=2, name="Anna K.")).to_be_visible()
    session = page.get_by_role("link", name="Olive Own: Swedish Massage, 60 min")
    expect(session).to_be_visible()
    expect(page.get_by_text("Oscar Other")).to_have_count(0)
    expect(page.get_by_text("Ben M.")).to_have_count(0)
    expect(page.get_by_label("Therapist")).to_have_count(0)
    assert_accessible(page)

    session.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change booking")
    expect(page.get_by_role("heading", name=f"{own.reference} · Olive Own")).to_be_visible()
    assert_no_browser_problems(browser_log)


def test_front_desk_confirms_a_cancelled_booking_from_the_list(
    page, browser_log, now, front_desk_user, therapist
):
    booking = BookingFactory(
        therapist=therapist,
        start=WEDNESDAY_10AM,
        client_name="Carla Cancelled",
        status=BookingStatus.CANCELLED,
    )
    log_into_admin(page, front_desk_user)
    page.get_by_role("navigation", name="Sidebar").get_by_role(
        "link", name="Bookings", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select booking to change")
    # Cancelled bookings are left out unless asked for.
    expect(page.get_by_text("Carla Cancelled")).to_have_count(0)
    page.goto("/admin/bookings/booking/?status=all")
    row = page.get_by_role("row").filter(has_text="Carla Cancelled")
    expect(row).to_contain_text("Cancelled")
    assert_accessible(page)

    row.get_by_role("checkbox").check()
    actions = page.get_by_role("combobox", name="Action")
    actions.select_option(label="Confirm the selected bookings again")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("1 booking confirmed.")).to_be_visible()
    expect(row).to_contain_text("Confirmed")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    row.get_by_role("link", name=booking.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change booking")
    expect(page.get_by_label("Client name")).to_have_value("Carla Cancelled")
    assert_accessible(page)

    page.goto(f"/admin/bookings/therapist/{therapist.pk}/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change therapist")
    expect(page.get_by_label("Display name")).to_have_value("Anna K.")
    assert_accessible(page)
    assert_no_browser_problems(browser_log)
