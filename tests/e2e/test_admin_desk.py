"""The front desk's booking list and schedule edits, at the desk's 1280 px screen."""

import re
from datetime import UTC, datetime, timedelta

from bookings.models import TimeOff
from tests.factories import BookingFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)

# Tuesday 3 March 2026, the day after the frozen `now`.
TUESDAY_10AM = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_the_booking_list_fits_1280px_and_finds_a_phone_number(
    page, browser_log, now, front_desk_user, therapist, other_therapist
):
    for n in range(12):
        BookingFactory(
            therapist=therapist if n % 2 else other_therapist,
            start=TUESDAY_10AM + timedelta(days=n // 2),
            client_name=f"Alexandra Montgomery-Featherstonehaugh {n}",
            client_phone=f"+44 (0)7700 900 {n:03d}",
            warning_flags=["night_pain", "injury"] if n % 3 == 0 else [],
        )
    log_into_admin(page, front_desk_user)
    page.get_by_role("navigation", name="Sidebar").get_by_role("link", name="Bookings").click()

    table = page.locator("#result_list")
    for heading in [
        "Reference",
        "Start",
        "Client",
        "Phone",
        "Therapist",
        "Technique",
        "Status",
        "Safety",
    ]:
        expect(table.get_by_role("columnheader", name=heading)).to_be_visible()
    widths = page.locator("div.results").evaluate(
        "(el) => ({scroll: el.scrollWidth, client: el.clientWidth, cells: [...el.querySelectorAll("
        "'thead th')].map((th) => `${th.textContent.trim()}: ${th.offsetWidth}`)})"
    )
    save_screenshot(page, "admin-booking-list")
    assert widths["scroll"] <= widths["client"], widths
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_role("textbox", name="Search").fill("07700900004")
    page.get_by_role("button", name="Search").click()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Alexandra Montgomery-Featherstonehaugh 4")
    assert_no_browser_problems(browser_log)


def test_front_desk_sees_the_bookings_time_off_would_strand_before_saving(
    page, browser_log, now, front_desk_user, therapist
):
    booking = BookingFactory(therapist=therapist, start=TUESDAY_10AM, client_name="Jane Doe")
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/timeoff/add/")
    page.get_by_label("Therapist").select_option(label="Anna K.")
    page.locator("#id_start_0").fill("03/03/2026")
    page.locator("#id_start_1").fill("09:00")
    page.locator("#id_end_0").fill("03/03/2026")
    page.locator("#id_end_1").fill("13:00")
    page.get_by_role("button", name="Save", exact=True).click()

    clashes = page.get_by_role("region", name="Confirmed bookings this change leaves outside")
    expect(clashes).to_contain_text(booking.reference)
    expect(clashes).to_contain_text("Jane")
    assert not TimeOff.objects.exists()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Save anyway").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert TimeOff.objects.count() == 1

    page.goto("/admin/bookings/booking/?attention=yes")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.get_by_text("Needs attention")).not_to_have_count(0)
    assert_no_browser_problems(browser_log)


def test_front_desk_books_a_phone_client_only_with_every_safety_question_answered(
    page, browser_log, now, clinic_rules, front_desk_user, therapist
):
    from bookings.models import Booking
    from catalog.vocabulary import EMERGENCY_SIGNS

    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a phone or walk-in client")
    page.get_by_label("Technique").select_option(label="Swedish Massage")
    page.get_by_label("Length").select_option("60")
    page.get_by_label("Date").fill("03/03/2026")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Client's name").fill("Pat Phone")
    page.get_by_label("Client's phone").fill("07700 900456")
    page.get_by_role("button", name="Book", exact=True).click()

    # Nothing answered: every question says so, and nothing is booked.
    expect(page.get_by_text("Please answer yes or no.")).to_have_count(len(EMERGENCY_SIGNS))
    save_screenshot(page, "admin-desk-book-unanswered")
    assert not Booking.objects.exists()

    for sign in EMERGENCY_SIGNS:
        question = page.get_by_role("group", name=re.compile("^" + re.escape(sign.label)))
        question.get_by_label("No", exact=True).check()
    for group in ("Health conditions", "Risk factors"):
        page.get_by_role("group", name=re.compile(f"^{group}")).get_by_label(
            "None of these"
        ).check()
    save_screenshot(page, "admin-desk-book-answered")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_text("Booked Pat Phone")).to_be_visible()
    booking = Booking.objects.get()
    assert booking.health_conditions == [] and booking.warning_flags == []
    assert_no_browser_problems(browser_log)
