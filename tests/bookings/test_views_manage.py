import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.booking.services import book_session
from bookings.models import Booking, BookingStatus, ClinicRules
from tests.clock import clinic_time
from tests.factories import EVERY_DAY_NINE_TO_FIVE, SCREENED_INTAKE


@pytest.fixture
def therapist_hours():
    """Anna works 09:00-17:00 every day here, lunchtime included."""
    return EVERY_DAY_NINE_TO_FIVE


@pytest.fixture
def soon(db, therapist, swedish, now):
    """A booking made earlier whose session is now only hours away."""

    def make(hours: int = 5) -> Booking:
        start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
        return Booking.objects.create(
            client_name="Jane Doe",
            client_email="jane@example.org",
            client_phone="07700 900123",
            therapist=therapist,
            technique=swedish,
            length_minutes=60,
            price=Decimal("75.00"),
            start=start,
            end=start + timedelta(minutes=60),
            blocked_until=start + timedelta(minutes=75),
        )

    return make


def manage_url(booking: Booking, name: str = "manage") -> str:
    return reverse(f"bookings:{name}", args=[booking.manage_token])


def test_the_manage_page_shows_the_booking_and_its_actions(client, book):
    booking = book()
    page = client.get(manage_url(booking))
    assert page.status_code == 200
    assert booking.reference in page.text and "Anna K." in page.text
    assert "Swedish" in page.text
    assert manage_url(booking, "manage_cancel") in page.text
    assert manage_url(booking, "manage_reschedule") in page.text
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    "token",
    [secrets.token_urlsafe(32), "short", "x" * 200, "a" * 42 + "!"],
)
def test_a_wrong_token_is_a_plain_404(client, book, token):
    booking = book()
    for name in ["manage", "manage_reschedule"]:
        response = client.get(reverse(f"bookings:{name}", args=[token]))
        assert response.status_code == 404
        assert booking.reference not in response.text and "Jane" not in response.text
    response = client.post(reverse("bookings:manage_cancel", args=[token]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_token_opens_its_own_booking_and_nothing_else(client, book, now):
    mine = book()
    theirs = book(
        start=mine.start + timedelta(hours=3),
        client_name="Other Person",
        client_email="other@example.org",
    )
    page = client.get(manage_url(theirs))
    assert theirs.reference in page.text
    assert mine.reference not in page.text and "Jane" not in page.text
    client.post(manage_url(theirs, "manage_cancel"))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (BookingStatus.CONFIRMED, BookingStatus.CANCELLED)


def test_cancelling_asks_first_and_cancels_nothing_on_the_question(client, book):
    booking = book()
    page = client.get(manage_url(booking, "manage_cancel"))
    assert page.status_code == 200
    assert "Cancel your booking?" in page.text
    assert 'name="reason"' in page.text
    assert "Yes, cancel my booking" in page.text
    assert page["Cache-Control"].startswith("max-age=0")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_clients_reason_is_kept_and_nobody_on_staff_is_recorded(client, book, now):
    booking = book()
    client.post(manage_url(booking, "manage_cancel"), {"reason": "  Feeling   better  "})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Feeling better"
    assert booking.cancelled_at == now
    assert booking.cancelled_by is None


def test_a_reason_too_long_is_a_form_error_not_a_cancellation(client, book):
    booking = book()
    response = client.post(manage_url(booking, "manage_cancel"), {"reason": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_question_is_not_asked_inside_the_window(client, soon):
    response = client.get(manage_url(soon(), "manage_cancel"), follow=True)
    assert "can no longer be changed online" in response.text
    assert "Cancel your booking?" not in response.text


def test_cancel_is_get_or_post_only(client, book):
    booking = book()
    assert client.put(manage_url(booking, "manage_cancel")).status_code == 405


def test_cancel_needs_the_csrf_token(book):
    booking = book()
    response = Client(enforce_csrf_checks=True).post(manage_url(booking, "manage_cancel"))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_client_cancels_and_gets_an_email(client, book, django_capture_on_commit_callbacks):
    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(booking, "manage_cancel"), follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "Your booking is cancelled" in response.text
    assert any(m.to == ["jane@example.org"] and "cancelled" in m.subject for m in mail.outbox)


def test_a_cancelled_booking_shows_as_cancelled_with_no_actions(client, book):
    booking = book()
    client.post(manage_url(booking, "manage_cancel"))
    page = client.get(manage_url(booking))
    assert page.status_code == 200
    assert "This booking is cancelled." in page.text
    # Nothing is owed for a cancelled session: no "You pay £… at the clinic".
    assert "You pay" not in page.text
    assert "Payment" not in page.text
    assert manage_url(booking, "manage_cancel") not in page.text
    assert manage_url(booking, "manage_reschedule") not in page.text
    again = client.post(manage_url(booking, "manage_cancel"), follow=True)
    assert "already cancelled" in again.text
    moved = client.get(manage_url(booking, "manage_reschedule"), follow=True)
    assert "already cancelled" in moved.text


def test_inside_the_window_the_page_says_to_phone_instead(client, soon, settings):
    booking = soon(hours=5)
    page = client.get(manage_url(booking))
    assert "can no longer be changed online" in page.text
    assert settings.CLINIC_PHONE in page.text and settings.CLINIC_EMAIL in page.text
    assert manage_url(booking, "manage_cancel") not in page.text
    assert manage_url(booking, "manage_reschedule") not in page.text


def test_inside_the_window_a_forced_cancel_is_refused(client, soon):
    booking = soon(hours=5)
    response = client.post(manage_url(booking, "manage_cancel"), follow=True)
    assert "less than 24 hours away" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_inside_the_window_a_forced_reschedule_is_refused(client, soon):
    booking = soon(hours=5)
    original = booking.start
    response = client.post(
        manage_url(booking, "manage_reschedule"),
        {"start": (original + timedelta(days=2)).isoformat()},
        follow=True,
    )
    assert "less than 24 hours away" in response.text
    booking.refresh_from_db()
    assert booking.start == original


def test_the_window_follows_the_clinic_rules(client, soon):
    booking = soon(hours=5)
    ClinicRules.objects.filter(pk=1).update(cancellation_window_hours=2)
    page = client.get(manage_url(booking))
    assert manage_url(booking, "manage_cancel") in page.text


def test_the_reschedule_page_lists_days_and_times_without_javascript(client, book):
    booking = book()
    page = client.get(manage_url(booking, "manage_reschedule"))
    assert page.status_code == 200
    assert "?day=" in page.text
    assert 'type="radio" name="start"' in page.text
    day = (booking.start + timedelta(days=1)).astimezone(timezone.get_current_timezone()).date()
    other_day = client.get(manage_url(booking, "manage_reschedule") + f"?day={day}")
    assert f"?day={day}" in other_day.text
    assert "<script" not in page.text


def test_nonsense_day_or_time_gets_a_message_not_an_error(client, book):
    booking = book()
    assert client.get(manage_url(booking, "manage_reschedule") + "?day=banana").status_code == 200
    response = client.post(manage_url(booking, "manage_reschedule"), {"start": "tomorrow-ish"})
    assert response.status_code == 200
    assert "That time is not valid" in response.text
    naive = client.post(manage_url(booking, "manage_reschedule"), {"start": "2030-01-01T10:00"})
    assert "That time is not valid" in naive.text


def test_a_client_moves_their_booking(client, book, django_capture_on_commit_callbacks):
    booking = book()
    new_start = booking.start + timedelta(days=1, hours=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            manage_url(booking, "manage_reschedule"), {"start": new_start.isoformat()}
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == new_start
    assert booking.end == new_start + timedelta(minutes=60)
    assert any("moved" in m.subject for m in mail.outbox if m.to == ["jane@example.org"])


def test_a_time_taken_meanwhile_keeps_the_old_booking_and_offers_alternatives(
    client, book, therapist, swedish, now
):
    booking = book()
    original = booking.start
    wanted = original + timedelta(days=1)
    page = client.get(manage_url(booking, "manage_reschedule") + f"?day={wanted.date()}")
    assert page.status_code == 200
    # Someone else books the new time between the page loading and the client's click.
    book_session(
        intake=SCREENED_INTAKE,
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=wanted,
        client_name="Quick Booker",
        client_email="quick@example.org",
        client_phone="07700 900999",
        now=now,
    )
    response = client.post(manage_url(booking, "manage_reschedule"), {"start": wanted.isoformat()})
    assert response.status_code == 200
    assert "just been taken" in response.text
    assert "Times close to the one you chose" in response.text
    booking.refresh_from_db()
    assert (booking.start, booking.status) == (original, BookingStatus.CONFIRMED)
    assert Booking.objects.filter(start=wanted, status=BookingStatus.CONFIRMED).count() == 1


def test_the_old_time_is_free_only_after_the_move(client, book, therapist, swedish, now):
    booking = book()
    original = booking.start
    client.post(
        manage_url(booking, "manage_reschedule"),
        {"start": clinic_time(original + timedelta(days=1), 14).isoformat()},
    )
    # Now someone else can have the old time.
    other = book_session(
        intake=SCREENED_INTAKE,
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=original,
        client_name="Next Person",
        client_email="next@example.org",
        client_phone="07700 900111",
        now=now,
    )
    assert other.start == original
