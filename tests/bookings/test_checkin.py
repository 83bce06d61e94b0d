"""Check-in at the desk: Arrived, Completed, No-show and the safety check as buttons on a
booking's page and in the day view, each a POST safe to repeat, per role; treatment notes
only once the session has started."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import BookingStatus
from bookings.records import notes
from bookings.scheduling.selectors import clinic_zone
from tests.clock import NOW
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

DAY_URL = reverse("admin:bookings_booking_day")


def press(client, booking, step, **data):
    url = reverse("admin:bookings_booking_checkin", args=[booking.pk, step])
    return client.post(url, data)


def said(response) -> list[str]:
    """The messages this press added (earlier ones wait in the session, unread)."""
    queued = getattr(get_messages(response.wsgi_request), "_queued_messages", [])
    return [str(m) for m in queued]


@pytest.fixture
def today(therapist, clock):
    """Anna's session with Jane today, Monday 2 March at 10:00 (now is 08:00)."""
    return BookingFactory(therapist=therapist, start=NOW + timedelta(hours=2), client_name="Jane")


def test_front_desk_checks_a_client_in_once_however_often_arrived_is_pressed(
    client, front_desk_user, today, clock
):
    client.force_login(front_desk_user)
    first = press(client, today, "arrived")
    assert first.status_code == 302
    assert first["Location"] == reverse("admin:bookings_booking_change", args=[today.pk])
    today.refresh_from_db()
    arrived = today.arrived_at
    assert arrived == NOW
    assert said(first) == ["Jane arrived (Mon 2 Mar 2026, 08:00)."]

    clock.shift(timedelta(minutes=5))
    again = press(client, today, "arrived")
    today.refresh_from_db()
    assert today.arrived_at == arrived
    assert today.status == BookingStatus.CONFIRMED
    assert said(again) == ["Already done: Jane arrived (Mon 2 Mar 2026, 08:00)."]


def test_a_client_checks_in_only_on_the_day_of_their_session(client, front_desk_user, therapist):
    tomorrow = BookingFactory(therapist=therapist, start=NOW + timedelta(days=1))
    client.force_login(front_desk_user)
    response = press(client, tomorrow, "arrived")
    tomorrow.refresh_from_db()
    assert tomorrow.arrived_at is None
    assert said(response) == [
        f"{tomorrow.reference}: Clients check in on the day of their session."
    ]


@pytest.mark.parametrize(
    ("step", "status", "words"),
    [
        ("completed", BookingStatus.COMPLETED, "completed"),
        ("no-show", BookingStatus.NO_SHOW, "no-show"),
    ],
)
def test_completed_and_no_show_wait_for_the_start_and_are_safe_to_repeat(
    client, front_desk_user, today, clock, step, status, words
):
    client.force_login(front_desk_user)
    early = press(client, today, step)
    today.refresh_from_db()
    assert today.status == BookingStatus.CONFIRMED
    assert said(early) == [f"{today.reference}: This session has not started yet."]

    clock.move_to(today.start + timedelta(minutes=70), tick=False)
    done = press(client, today, step)
    today.refresh_from_db()
    assert today.status == status
    assert said(done) == [f"{today.reference} marked as {words}."]
    again = press(client, today, step)
    assert said(again) == [f"Already done: {today.reference} marked as {words}."]


def test_a_cancelled_booking_cannot_be_checked_in(client, front_desk_user, today):
    today.status = BookingStatus.CANCELLED
    today.save()
    client.force_login(front_desk_user)
    response = press(client, today, "arrived")
    today.refresh_from_db()
    assert today.arrived_at is None
    assert said(response) == [f"{today.reference}: This booking was cancelled."]


def test_a_therapist_checks_in_their_own_client_but_not_a_colleagues(
    client, therapist_user, today, other_therapist
):
    theirs = BookingFactory(therapist=other_therapist, start=NOW + timedelta(hours=3))
    client.force_login(therapist_user)
    assert press(client, today, "arrived").status_code == 302
    assert press(client, theirs, "arrived").status_code == 404
    theirs.refresh_from_db()
    assert theirs.arrived_at is None


@pytest.mark.parametrize("who", ["clinical_lead", "content_editor"])
def test_roles_that_do_not_run_the_diary_are_refused(client, request, today, who):
    client.force_login(request.getfixturevalue(who))
    assert press(client, today, "arrived").status_code == 403
    today.refresh_from_db()
    assert today.arrived_at is None


def test_check_in_is_a_post_only_and_an_unknown_step_is_not_found(client, front_desk_user, today):
    client.force_login(front_desk_user)
    url = reverse("admin:bookings_booking_checkin", args=[today.pk, "arrived"])
    assert client.get(url).status_code == 405
    assert press(client, today, "teleported").status_code == 404


def test_only_the_sessions_therapist_records_the_safety_check_and_once(
    client, front_desk_user, therapist_user, today, clock
):
    client.force_login(front_desk_user)
    refused = press(client, today, "safety-checked")
    assert said(refused) == [
        f"{today.reference}: Only the therapist of this session can record the check."
    ]
    client.force_login(therapist_user)
    done = press(client, today, "safety-checked")
    today.refresh_from_db()
    checked = today.safety_checked_at
    assert checked == NOW
    assert said(done) == [f"{today.reference}: safety facts recorded as checked with the client."]
    clock.shift(timedelta(minutes=1))
    press(client, today, "safety-checked")
    today.refresh_from_db()
    assert today.safety_checked_at == checked


def test_the_press_returns_to_the_day_view_it_came_from_but_never_off_site(
    client, front_desk_user, today
):
    client.force_login(front_desk_user)
    back = press(client, today, "arrived", next=f"{DAY_URL}?date=2026-03-02")
    assert back["Location"] == f"{DAY_URL}?date=2026-03-02"
    away = press(client, today, "arrived", next="https://evil.example/")
    assert away["Location"] == reverse("admin:bookings_booking_change", args=[today.pk])


def test_the_booking_page_shows_who_what_when_and_the_days_buttons_first(
    client, front_desk_user, today
):
    client.force_login(front_desk_user)
    page = client.get(reverse("admin:bookings_booking_change", args=[today.pk])).content.decode()
    top = page.index('class="booking-today"')
    assert top < page.index('id="booking_form"')
    arrived = reverse("admin:bookings_booking_checkin", args=[today.pk, "arrived"])
    assert f'action="{arrived}"' in page
    assert "Cancel booking…" in page
    # Not started: no Completed or No-show yet; the safety check is the therapist's.
    assert "/checkin/completed/" not in page and "/checkin/safety-checked/" not in page
    # The buffer's end and the record fold away.
    assert 'class="module collapse' in page or "<details" in page
    assert page.index("Room free again") > top


def test_the_therapist_sees_the_safety_button_on_their_own_session(client, therapist_user, today):
    client.force_login(therapist_user)
    page = client.get(reverse("admin:bookings_booking_change", args=[today.pk])).content.decode()
    assert "Checked with the client</button>" in page


def test_the_day_view_offers_check_in_in_the_sessions_panel(client, front_desk_user, today, clock):
    client.force_login(front_desk_user)
    page = client.get(DAY_URL).content.decode()
    arrived = reverse("admin:bookings_booking_checkin", args=[today.pk, "arrived"])
    assert '<details class="day-actions">' in page
    assert f'action="{arrived}"' in page
    press(client, today, "arrived", next=DAY_URL)
    after = client.get(DAY_URL).content.decode()
    assert f'action="{arrived}"' not in after
    assert '<span class="day-arrived">Arrived</span>' in after


# Treatment notes wait for the session.


def test_a_note_cannot_be_written_before_the_session_starts(therapist_user, today):
    with pytest.raises(notes.NoteError, match="once the session has started"):
        notes.write_note(booking=today, by=therapist_user, now=NOW, subjective="Too soon.")
    note = notes.write_note(
        booking=today, by=therapist_user, now=today.start, subjective="Started."
    )
    assert note.subjective == "Started."


def test_the_note_page_before_the_start_sends_the_therapist_back_with_a_reason(
    client, therapist_user, today
):
    client.force_login(therapist_user)
    change = reverse("admin:bookings_booking_change", args=[today.pk])
    page = client.get(change).content.decode()
    assert "Treatment notes open when the session starts." in page
    assert reverse("admin:bookings_booking_note", args=[today.pk]) not in page
    response = client.get(reverse("admin:bookings_booking_note", args=[today.pk]))
    assert response.status_code == 302 and response["Location"] == change
    assert said(response) == ["Treatment notes can be written once the session has started."]


def test_the_top_of_a_booking_page_shows_when_and_a_phone_that_dials(
    client, front_desk_user, therapist, clock
):
    booking = BookingFactory(
        therapist=therapist,
        start=NOW + timedelta(hours=2),
        client_name="Jane",
        client_phone="+447700900105",
    )
    client.force_login(front_desk_user)
    html = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    end = booking.end.astimezone(clinic_zone()).strftime("%H:%M")
    assert f"<dd>Mon 2 Mar 2026, 10:00 to {end}</dd>" in html
    assert 'Jane · <a href="tel:+447700900105">07700\u00a0900105</a>' in html
