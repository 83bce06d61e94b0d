import smtplib
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from bookings.booking import services
from bookings.booking.errors import InvalidBooking, SlotUnavailable
from bookings.intake.answers import IntakeAnswers
from bookings.messaging import notifications
from bookings.messaging.outbox import MAX_ATTEMPTS, RETRY_DELAYS, Outcome, deliver
from bookings.models import (
    Booking,
    BookingStatus,
    ClinicRules,
    Notification,
    NotificationKind,
    NotificationStatus,
)
from catalog.vocabulary import WARNING_SIGNS
from tests.clock import clinic_time
from tests.factories import EVERY_DAY_NINE_TO_FIVE, SCREENED_INTAKE


@pytest.fixture
def therapist_hours():
    """Anna works 09:00-17:00 every day here, lunchtime included."""
    return EVERY_DAY_NINE_TO_FIVE


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def only(kind: NotificationKind, booking: Booking) -> Notification:
    return Notification.objects.get(booking=booking, kind=kind, status__in=["pending", "sent"])


def message_to(address: str, subject_part: str = "") -> mail.EmailMultiAlternatives:
    found = [m for m in mail.outbox if address in m.to and subject_part in m.subject]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    (message,) = found
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def all_parts(message: mail.EmailMultiAlternatives) -> list[str]:
    parts = [str(message.subject), str(message.body)]
    for content, _ in message.alternatives:
        assert isinstance(content, str)
        parts.append(content)
    parts += [
        a.content if isinstance(a.content, str) else a.content.decode() for a in message.attachments
    ]
    return parts


def invitation(message: mail.EmailMultiAlternatives) -> Calendar:
    (attachment,) = message.attachments
    assert attachment.mimetype == "text/calendar"
    content = attachment.content
    return Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


def test_booking_sends_the_client_a_confirmation_in_text_and_html(book):
    booking = book()
    message = message_to("jane@example.org")
    assert message.subject.startswith("Your massage is booked:")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Hello Jane," in message.body
    assert booking.reference in message.body
    assert "Swedish" in message.body and "Anna K." in message.body
    assert reverse("bookings:manage", args=[booking.manage_token]) in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    assert booking.reference in html and "Manage your booking" in html
    assert only(NotificationKind.CONFIRMATION, booking).status == NotificationStatus.SENT


def test_the_confirmation_carries_a_calendar_invitation_in_utc(book):
    booking = book()
    calendar = invitation(message_to("jane@example.org"))
    assert calendar["method"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"booking-{booking.reference}@clinic.example"
    assert event.decoded("dtstart") == booking.start
    dtstart, dtend = event["dtstart"].to_ical(), event["dtend"].to_ical()
    assert isinstance(dtstart, bytes) and isinstance(dtend, bytes)
    assert dtstart.endswith(b"Z")
    assert dtend.endswith(b"Z")
    assert event.decoded("dtend") == booking.end
    assert settings.CLINIC_ADDRESS in str(event["location"])
    assert event["sequence"] == 0


def test_the_front_desk_gets_a_note_without_a_calendar_file(book):
    booking = book()
    note = message_to(settings.FRONT_DESK_EMAIL)
    assert booking.reference in note.subject
    assert "Jane Doe" in note.body and "07700 900123" in note.body
    assert note.attachments == []


def test_no_email_carries_health_answers_or_warning_details(book, now):
    answers = IntakeAnswers(
        areas=("lower",),
        conditions=("osteoporosis",),
        warning_signs=("night_pain",),
        description="It hurts most after gardening",
        screened=True,
    )
    booking = book(intake=answers, consent=True, acknowledged_warning=True)
    assert booking.warning_flags == ["night_pain"]
    assert booking.health_conditions == ["osteoporosis"]
    # The cancellation emails too: queued here, sent by the loop below.
    services.cancel_booking(booking=booking)
    for notification in Notification.objects.filter(status="pending", scheduled_for__lte=now):
        deliver(notification.pk, now=now)
    assert len(mail.outbox) >= 3
    forbidden = [
        "osteoporosis",
        "night",
        "gardening",
        WARNING_SIGNS.label_of("night_pain").lower(),
        "doctor",
        "warning",
    ]
    for message in mail.outbox:
        assert isinstance(message, mail.EmailMultiAlternatives)
        for part in all_parts(message):
            for word in forbidden:
                assert word not in part.lower(), (message.subject, word)


def test_a_reminder_waits_until_its_time_and_goes_out_once(book):
    booking = book()
    reminder = only(NotificationKind.REMINDER, booking)
    hours = ClinicRules.load().reminder_hours_before
    assert reminder.scheduled_for == booking.start - timedelta(hours=hours)
    mail.outbox.clear()

    assert deliver(reminder.pk, now=reminder.scheduled_for - timedelta(minutes=1)) == (
        Outcome.NOT_CLAIMED
    )
    assert mail.outbox == []

    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.SENT
    message = message_to("jane@example.org", "Reminder")
    assert invitation(message)["method"] == "REQUEST"
    # A restarted worker, or a second copy of the task, runs it again.
    assert deliver(reminder.pk, now=reminder.scheduled_for + timedelta(hours=1)) == (
        Outcome.NOT_CLAIMED
    )
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.SENT, 1)


def test_there_is_no_reminder_when_its_time_has_already_passed(db, book, now):
    booking = book()
    Notification.objects.all().delete()
    notifications.notify_booked(booking, now=booking.start - timedelta(hours=3))
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {
        NotificationKind.CONFIRMATION,
        NotificationKind.CLINIC_BOOKED,
        NotificationKind.OUTCOME_ASK,
    }


def test_a_cancelled_booking_gets_no_reminder(book, after_commit):
    booking = book()
    reminder = only(NotificationKind.REMINDER, booking)
    after_commit(services.cancel_booking, booking=booking)
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.SKIPPED
    mail.outbox.clear()
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.NOT_CLAIMED
    assert mail.outbox == []


def test_a_reminder_claimed_after_a_late_cancellation_is_not_sent(book):
    booking = book()
    reminder = only(NotificationKind.REMINDER, booking)
    # Cancelled by staff in a way that did not touch the reminder row.
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    mail.outbox.clear()
    assert deliver(reminder.pk, now=reminder.scheduled_for) == Outcome.SKIPPED
    assert mail.outbox == []


def test_a_moved_booking_gets_a_new_reminder_and_not_the_old_one(book, after_commit, now):
    booking = book()
    old = only(NotificationKind.REMINDER, booking)
    new_start = booking.start + timedelta(days=1)
    after_commit(services.reschedule_booking, booking=booking, start=new_start, now=now)
    old.refresh_from_db()
    assert old.status == NotificationStatus.SKIPPED
    new = Notification.objects.get(
        booking=booking, kind=NotificationKind.REMINDER, status=NotificationStatus.PENDING
    )
    assert new.session_start == new_start
    assert new.scheduled_for == new_start - timedelta(hours=24)


def test_a_move_sends_an_update_with_the_same_uid_and_a_higher_sequence(book, after_commit, now):
    booking = book()
    new_start = booking.start + timedelta(hours=3)
    mail.outbox.clear()
    after_commit(services.reschedule_booking, booking=booking, start=new_start, now=now)
    message = message_to("jane@example.org", "moved")
    calendar = invitation(message)
    (event,) = calendar.walk("VEVENT")
    assert calendar["method"] == "REQUEST"
    assert str(event["uid"]) == f"booking-{booking.reference}@clinic.example"
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == new_start
    assert message_to(settings.FRONT_DESK_EMAIL, "moved")


def test_a_cancellation_sends_method_cancel_with_the_same_uid(book, after_commit, now):
    booking = book()
    after_commit(
        services.reschedule_booking,
        booking=booking,
        start=booking.start + timedelta(hours=2),
        now=now,
    )
    mail.outbox.clear()
    after_commit(services.cancel_booking, booking=booking)
    message = message_to("jane@example.org", "cancelled")
    calendar = invitation(message)
    (event,) = calendar.walk("VEVENT")
    assert calendar["method"] == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"booking-{booking.reference}@clinic.example"
    assert event["sequence"] == 2
    assert message_to(settings.FRONT_DESK_EMAIL, "cancelled")


def test_cancelling_twice_sends_one_cancellation(book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking, by_clinic=False)
    after_commit(services.cancel_booking, booking=booking, by_clinic=False)
    assert Notification.objects.filter(kind=NotificationKind.CANCELLATION).count() == 1


def test_a_failed_booking_sends_nothing(book, now):
    booking = book()
    mail.outbox.clear()
    with pytest.raises(SlotUnavailable):
        book(start=booking.start, client_email="someone@example.org")
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient="someone@example.org").exists()


@override_settings(
    EMAIL_BACKEND="tests.bookings.test_notifications.BrokenBackend",
    NOTIFICATION_SEND_ON_COMMIT=False,
)
def test_a_mail_failure_keeps_the_booking_and_retries_later(book):
    booking = book()
    notification = only(NotificationKind.CONFIRMATION, booking)
    failed_at = notification.scheduled_for
    assert deliver(notification.pk, now=failed_at) == Outcome.RETRY

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    # The row itself is the retry: waiting again, due after the first delay.
    assert notification.scheduled_for == failed_at + RETRY_DELAYS[0]


@override_settings(EMAIL_BACKEND="tests.bookings.test_notifications.BrokenBackend")
def test_the_immediate_worker_failing_leaves_the_message_waiting(book):
    booking = book()
    assert Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).exists()
    notification = only(NotificationKind.CONFIRMATION, booking)
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 1)


@override_settings(EMAIL_BACKEND="tests.bookings.test_notifications.BrokenBackend")
def test_after_the_last_attempt_the_message_fails_and_staff_see_it(book, client, superuser):
    booking = book()
    notification = only(NotificationKind.CONFIRMATION, booking)
    outcomes = []
    # The first attempt ran as the booking was made.
    for _ in range(MAX_ATTEMPTS - 1):
        notification.refresh_from_db()
        outcomes.append(deliver(notification.pk, now=notification.scheduled_for))
    assert outcomes[-1] == Outcome.FAILED
    assert outcomes.count(Outcome.RETRY) == MAX_ATTEMPTS - 2
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", MAX_ATTEMPTS)
    assert deliver(notification.pk, now=notification.scheduled_for + timedelta(days=1)) == (
        Outcome.NOT_CLAIMED
    )

    client.force_login(superuser)
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert "Failed" in page.text and "SMTPServerDisconnected" in page.text
    listing = client.get(reverse("admin:bookings_notification_changelist") + "?status=failed")
    assert booking.reference in listing.text


def test_front_desk_can_resend_the_confirmation(book, client, front_desk_user):
    booking = book()
    mail.outbox.clear()
    client.force_login(front_desk_user)
    with_callbacks = client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "resend_confirmation", "_selected_action": [booking.pk]},
    )
    assert with_callbacks.status_code == 302
    confirmations = Notification.objects.filter(kind=NotificationKind.CONFIRMATION)
    assert confirmations.count() == 2
    # The test transaction never commits; run the queued send as a worker would.
    newest = confirmations.last()
    assert newest is not None
    assert deliver(newest.pk, now=newest.scheduled_for) == Outcome.SENT
    assert message_to("jane@example.org", "booked")


def test_a_cancelled_booking_has_no_confirmation_to_resend(book, after_commit):
    booking = book()
    after_commit(services.cancel_booking, booking=booking)
    with pytest.raises(InvalidBooking):
        services.resend_confirmation(booking=booking)


def test_therapists_cannot_see_the_message_history(book, client, therapist_user):
    booking = book()
    client.force_login(therapist_user)
    response = client.get(reverse("admin:bookings_notification_changelist"))
    assert response.status_code == 403
    assert booking  # the booking exists; only its messages are off limits


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no race to test; PostgreSQL runs it",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_for_one_reminder_send_one_email(therapist, swedish, now):
    booking = services.book_session(
        intake=SCREENED_INTAKE,
        therapist_id=therapist.pk,
        technique=swedish,
        length_minutes=60,
        start=clinic_time(now + timedelta(days=2), 11),
        client_name="Sam Race",
        client_email="sam@example.org",
        client_phone="07700 900456",
        now=now,
    )
    reminder = Notification.objects.get(booking=booking, kind=NotificationKind.REMINDER)
    mail.outbox.clear()
    workers = 4
    barrier = threading.Barrier(workers)
    outcomes: list[Outcome] = []

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes.append(deliver(reminder.pk, now=reminder.scheduled_for))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([Outcome.SENT] + [Outcome.NOT_CLAIMED] * (workers - 1))
    assert [m.subject for m in mail.outbox].count(mail.outbox[0].subject) == 1
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.SENT, 1)


def test_erasing_a_client_scrubs_their_address_from_the_message_history(book, now):
    from bookings.privacy.services import erase_client_data

    booking = book()
    assert booking.notifications.filter(recipient="jane@example.org").exists()
    erase_client_data(email="jane@example.org", now=now)
    assert not Notification.objects.filter(recipient__iexact="jane@example.org").exists()
    # The clinic's own notes keep their recipient, and the reminder will not go out.
    assert Notification.objects.filter(recipient=settings.FRONT_DESK_EMAIL).exists()
    reminder = booking.notifications.get(kind=NotificationKind.REMINDER)
    assert reminder.status == NotificationStatus.SKIPPED


def test_the_clinics_note_shows_the_clients_phone_in_the_national_format(db, book):
    mail.outbox.clear()
    book(client_phone="+447700900100")
    (note,) = [m for m in mail.outbox if m.to != ["jane@example.org"]]
    assert isinstance(note, mail.EmailMultiAlternatives)
    html = str(note.alternatives[0][0])
    for text in (note.body, html):
        assert "07700 900100" in text
        assert "+447700900100" not in text
