"""The desk's three journeys at 1280 px, counted as a receptionist feels them: every
click (typing is not a click), and the seconds from the first click to the result.

- a known client from a day-view gap: at most 3 clicks plus typing the search;
- a new client (whose phone another record holds): at most 5;
- moving a session to another therapist, from the day view: at most 4.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from bookings.models import Booking, Client
from tests.clock import NOW, clinic_time
from tests.factories import BookingFactory, ClientFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    assert_no_horizontal_scroll,
    expect,
    log_into_admin,
    save_screenshot,
)


class Clicks:
    def __init__(self, journey: str) -> None:
        self.journey = journey
        self.count = 0
        self.started = time.monotonic()

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Checks the test makes (axe, screenshots) are not the desk's time."""
        began = time.monotonic()
        yield
        self.started += time.monotonic() - began

    def report(self) -> tuple[int, float]:
        seconds = time.monotonic() - self.started
        print(f"\n{self.journey}: {self.count} clicks, {seconds:.1f} s")
        return self.count, seconds


def test_a_known_client_is_booked_from_a_gap_in_three_clicks(
    page, browser_log, now, front_desk_user, therapist, swedish
):
    priya = ClientFactory(name="Priya Shah", phone="+447700900100", email="priya@example.org")
    BookingFactory(client=priya, therapist=therapist, length_minutes=90, past=True)
    ClientFactory(name="Sam Other", phone="+447700900999")
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/")

    clicks = Clicks("Known client from a gap")
    clicks.click(page.get_by_role("link", name="Book Anna K. at 10:00"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a phone or walk-in client")
    expect(page.get_by_label("Find a client")).to_be_focused()
    # htmx binds the search as the page finishes loading: a robot types faster than that.
    page.wait_for_load_state("load")
    page.keyboard.type("Shah")
    # The one match is chosen for us, with her last session's technique and length.
    expect(page.get_by_role("radio", name=re.compile("^Priya Shah · 07700 900100"))).to_be_checked()
    expect(page.get_by_label("Length")).to_have_value("90")
    expect(page.get_by_label("Technique")).to_have_value(str(swedish.pk))
    expect(page.get_by_label("Find a client")).to_be_focused()
    expect(page.get_by_role("button", name="10:00", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_text("Please correct")).to_have_count(0)
    with clicks.aside():
        save_screenshot(page, "desk-book-known-client")
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    clicks.click(page.get_by_label(re.compile("^Asked every question above")))
    clicks.click(page.get_by_role("button", name="Book", exact=True))

    expect(page.get_by_text("Booked Priya Shah with Anna K.")).to_be_visible()
    count, _ = clicks.report()
    booking = Booking.objects.get(start=clinic_time(NOW, 10))
    assert (booking.client_id, booking.length_minutes) == (priya.pk, 90)
    assert count <= 3
    assert_no_browser_problems(browser_log)


def test_a_new_client_sharing_a_phone_is_booked_in_five_clicks_at_most(
    page, browser_log, now, front_desk_user, therapist
):
    ClientFactory(name="Priya Shah", phone="+447700900100")
    BookingFactory(therapist=therapist, start=clinic_time(NOW + timedelta(days=7), 10))
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/")

    clicks = Clicks("New client from a gap")
    clicks.click(page.get_by_role("link", name="Book Anna K. at 10:00"))
    expect(page.get_by_label("Technique")).not_to_have_value("")
    clicks.click(page.get_by_label("Client's name"))
    page.keyboard.type("Ravi Shah")
    page.keyboard.press("Tab")
    page.keyboard.type("07700 900100")
    clicks.click(page.get_by_label(re.compile("^Asked every question above")))
    clicks.click(page.get_by_role("button", name="Book", exact=True))

    expect(page.get_by_role("heading", name="Already on record?")).to_be_visible()
    expect(page.get_by_role("button", name="Use Priya Shah, 07700 900100")).to_be_visible()
    with clicks.aside():
        save_screenshot(page, "desk-book-duplicate")
        assert_accessible(page)
    assert not Booking.objects.filter(client_name="Ravi Shah").exists()
    clicks.click(page.get_by_role("button", name="No, a different person"))

    expect(page.get_by_text("Booked Ravi Shah with Anna K.")).to_be_visible()
    count, _ = clicks.report()
    assert Client.objects.filter(name="Ravi Shah", phone="+447700900100").count() == 1
    assert count <= 5
    assert_no_browser_problems(browser_log)


def test_free_times_follow_the_choices_in_place_and_keep_the_focus(
    page, browser_log, now, front_desk_user, therapist
):
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/add/")
    expect(page.get_by_text("Choose a technique, a length and a date")).to_be_visible()
    expect(page.get_by_text("No free times")).to_have_count(0)
    page.get_by_label("Technique").select_option(label="Swedish Massage")
    lengths = page.get_by_label("Length").locator("option")
    expect(lengths).to_have_text(["30 minutes", "60 minutes", "90 minutes"])
    # Staff type the day in the clinic's order; the times follow when the field is left.
    page.get_by_label("Date").fill("03/03/2026")
    page.get_by_label("Date").press("Tab")
    expect(page.get_by_role("button", name="14:30", exact=True)).to_be_visible()
    page.evaluate("window.scrollTo(0, 400)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.get_by_role("button", name="14:30", exact=True).click()
    expect(page.get_by_label("Start time")).to_have_value("14:30")
    expect(page.get_by_role("button", name="14:30", exact=True)).to_be_focused()
    assert page.evaluate("window.scrollY") == scrolled
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_text("Please correct")).to_have_count(0)
    assert_no_browser_problems(browser_log)


@pytest.mark.parametrize("javascript_enabled", [False], ids=["no-js"])
def test_the_desk_books_a_known_client_without_javascript(
    page, browser_log, now, front_desk_user, therapist
):
    priya = ClientFactory(name="Priya Shah", phone="+447700900100")
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/")
    page.get_by_role("link", name="Book Anna K. at 10:00").click()
    page.get_by_label("Find a client").fill("900100")
    page.get_by_role("button", name="Find client").click()
    expect(page).to_have_url(re.compile("#client-matches$"))
    expect(page.get_by_role("radio", name=re.compile("^Priya Shah"))).to_be_checked()
    page.get_by_label("Technique").select_option(label="Swedish Massage")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_text("Please correct")).to_have_count(0)
    page.get_by_label(re.compile("^Asked every question above")).check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked Priya Shah with Anna K.")).to_be_visible()
    assert Booking.objects.get(start=clinic_time(NOW, 10)).client_id == priya.pk
    assert_no_browser_problems(browser_log)


def test_a_session_moves_to_another_therapist_in_four_clicks(
    page, browser_log, now, front_desk_user, therapist, other_therapist
):
    booking = BookingFactory(therapist=therapist, start=clinic_time(NOW, 10), client_name="Jo Lee")
    BookingFactory(therapist=therapist, start=clinic_time(NOW, 15), client_name="Al Busy")
    log_into_admin(page, front_desk_user)
    page.goto("/admin/bookings/booking/day/")

    clicks = Clicks("Move to another therapist")
    clicks.click(page.get_by_role("link", name=re.compile("^10:00 to 11:00 Jo")))
    clicks.click(page.get_by_role("link", name="Move", exact=True))
    expect(page.get_by_role("heading", name="Ben M.")).to_be_visible()
    expect(page.get_by_role("link", name="15:00 with Anna K.")).to_have_count(0)
    with clicks.aside():
        save_screenshot(page, "desk-move-anywhere")
        assert_accessible(page)
    clicks.click(page.get_by_role("link", name="15:00 with Ben M."))
    clicks.click(page.get_by_role("button", name="Move the session"))

    expect(
        page.get_by_text(re.compile(f"Moved {booking.reference} to .* with Ben M."))
    ).to_be_visible()
    count, _ = clicks.report()
    booking.refresh_from_db()
    assert (booking.therapist, booking.start) == (other_therapist, clinic_time(NOW, 15))
    assert count <= 4
    assert_no_browser_problems(browser_log)
