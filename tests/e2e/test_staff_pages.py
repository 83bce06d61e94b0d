"""A handful of staff pages as a browser draws them, at a desk (1280 px) and on a phone
(390 px), with the demo clinic: the text on screen is in the house formats, with no
internal values; a phone is a link that dials; the day's date field reads day first."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from bookings.management.commands.demo_data import DEMO_PASSWORD
from bookings.models import Booking, BookingStatus, Client, TreatmentNote
from tests.staff_pages import problems_in

from .browser import assert_accessible, both_widths, expect, log_into_admin, save_screenshot

# A Tuesday in December, as tests/test_staff_pages.py's walk.
DEMO_NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


@pytest.fixture
def demo_clinic(settings, time_machine, transactional_db) -> None:
    settings.DEBUG = True
    time_machine.move_to(DEMO_NOW, tick=False)
    call_command("demo_data", stdout=StringIO())
    settings.DEBUG = False


def shown_text(page) -> str:
    """What the page shows, as laid out: hidden parts and attributes left out."""
    text: str = page.locator("#content").inner_text()
    return text


@both_widths
def test_the_desks_pages_read_in_the_house_formats_on_a_desk_and_a_phone(
    page, viewport, demo_clinic
):
    log_into_admin(page, User.objects.get(username="frontdesk"), password=DEMO_PASSWORD)
    booking = Booking.objects.filter(status=BookingStatus.CONFIRMED, start__gt=DEMO_NOW).first()
    priya = Client.objects.get(name="Priya Shah")
    assert booking is not None
    pages = {
        "day": reverse("admin:bookings_booking_day") + "?date=2026-12-09",
        "bookings": reverse("admin:bookings_booking_changelist"),
        "booking": reverse("admin:bookings_booking_change", args=[booking.pk]),
        "client": reverse("admin:bookings_client_change", args=[priya.pk]),
        "week": reverse("admin:bookings_booking_schedule"),
    }
    for name, url in pages.items():
        page.goto(url)
        assert problems_in(shown_text(page)) == [], name
        save_screenshot(page, f"staff-{name}-{viewport.name}")
    assert_accessible(page)

    page.goto(pages["day"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Wed 9 Dec 2026")
    expect(page.get_by_label("Go to date")).to_have_value("09/12/2026")
    page.get_by_label("Go to date").fill("10/12/2026")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day of Thu 10 Dec 2026")

    page.goto(pages["bookings"])
    dial = page.get_by_role("link", name="07700 900100").first
    expect(dial).to_have_attribute("href", "tel:+447700900100")


def test_a_clinical_lead_reads_a_note_titled_by_client_and_session_written_by_a_name(
    page, demo_clinic
):
    log_into_admin(page, User.objects.get(username="clinical"), password=DEMO_PASSWORD)
    note = TreatmentNote.objects.select_related("booking").first()
    assert note is not None

    page.goto(reverse("admin:bookings_treatmentnote_change", args=[note.pk]))

    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        f"Treatment note: {note.booking.client_name}, "
    )
    assert "Written by:" in shown_text(page)
    assert problems_in(shown_text(page)) == []
    assert note.written_by is not None
    expect(page.get_by_text(note.written_by.get_full_name(), exact=True)).to_be_visible()
    save_screenshot(page, "staff-note-desktop")
