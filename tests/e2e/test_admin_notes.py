"""A therapist writes the treatment note of the session they just gave."""

from datetime import timedelta

from bookings.models import BookingStatus, TreatmentNote
from bookings.privacy.looks import looks
from tests.clock import NOW
from tests.factories import BookingFactory

from .browser import (
    assert_accessible,
    assert_no_browser_problems,
    expect,
    log_into_admin,
    write_note_from_booking_page,
)


def test_a_therapist_writes_a_note_from_their_bookings_page(
    page, browser_log, now, therapist, therapist_user
):
    # Sunday 1 March, 10:00-11:00: the note is open until Monday 11:00.
    booking = BookingFactory(
        therapist=therapist,
        start=NOW - timedelta(hours=22),
        client_name="Nora Notes",
        status=BookingStatus.COMPLETED,
        with_safety_facts=True,
    )
    log_into_admin(page, therapist_user)
    write_note_from_booking_page(
        page,
        booking,
        subjective="Lower back tight after a long drive.",
        pain_before=7,
        pain_after=3,
    )
    expect(page.get_by_role("cell", name="Lower back tight after a long drive.")).to_be_visible()
    assert_accessible(page)
    note = TreatmentNote.objects.get()
    assert (note.pain_before, note.pain_after, note.areas) == (7, 3, ["lower"])
    assert {look.additional_data["what"] for look in looks()} == {"booking", "note"}
    assert_no_browser_problems(browser_log)
