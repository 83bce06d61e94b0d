"""The worker's round over the one outbox: claim due rows, send, record, hand stuck
claims to staff. The rows wait for it here (NOTIFICATION_SEND_ON_COMMIT off), as in
production; the real process, killed and cut off, is the fault suite's (tests/faults)."""

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone

from bookings.messaging import outbox
from bookings.messaging.outbox import RETRY_DELAYS, Outcome
from bookings.messaging.worker import HEARTBEATS_KEEP, Worker
from bookings.models import (
    Booking,
    Notification,
    NotificationKind,
    NotificationStatus,
    WorkerHeartbeat,
)
from tests.factories import BookingFactory, TherapistFactory

# The worker closes stale connections each round, as it must in production; inside a
# test's wrapping transaction that would close the test's own connection.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _rows_wait_for_the_worker(settings):
    settings.NOTIFICATION_SEND_ON_COMMIT = False


def one_round() -> None:
    """The worker's loop, once, on the test's clock: heartbeat, sweeps, every due message."""
    Worker(interval=0, once=True).run()


def _kind(booking: Booking, kind: NotificationKind) -> Notification:
    return Notification.objects.get(booking=booking, kind=kind)


def test_a_due_message_is_sent_and_one_not_yet_due_is_not(book, now, clock):
    booking = book()
    reminder = _kind(booking, NotificationKind.REMINDER)
    assert mail.outbox == []

    one_round()

    assert _kind(booking, NotificationKind.CONFIRMATION).status == NotificationStatus.SENT
    assert _kind(booking, NotificationKind.CLINIC_BOOKED).status == NotificationStatus.SENT
    assert len(mail.outbox) == 2
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.PENDING, 0)

    clock.move_to(reminder.scheduled_for - timedelta(seconds=1))
    one_round()
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.PENDING

    clock.move_to(reminder.scheduled_for)
    one_round()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (NotificationStatus.SENT, 1)
    assert mail.outbox[-1].subject.startswith("Reminder")


def test_messages_go_out_in_the_order_they_fell_due(now):
    booking = BookingFactory()
    later, earlier = (
        Notification.objects.create(
            booking=booking,
            kind=NotificationKind.CLINIC_BOOKED,
            recipient=f"{name}@example.org",
            session_start=booking.start,
            scheduled_for=now - age,
        )
        for name, age in (("later", timedelta(minutes=1)), ("earlier", timedelta(minutes=2)))
    )
    assert outbox.send_due(now=now) == [Outcome.SENT, Outcome.SENT]
    assert [m.to for m in mail.outbox] == [[earlier.recipient], [later.recipient]]


class DownThenUpBackend(LocmemBackend):
    """A mail server that refuses the first message it is given, then takes the rest."""

    refused = 0

    def send_messages(self, email_messages):
        if not DownThenUpBackend.refused:
            DownThenUpBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


def test_a_failed_send_is_tried_again_after_the_delay_and_not_before(book, settings, clock):
    DownThenUpBackend.refused = 0
    settings.EMAIL_BACKEND = "tests.bookings.test_worker.DownThenUpBackend"
    booking = book(client_email="")  # one message: the note to the clinic
    note = _kind(booking, NotificationKind.CLINIC_BOOKED)
    failed_at = timezone.now()

    assert outbox.send_due(now=failed_at) == [Outcome.RETRY]
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.PENDING, 1)
    assert note.scheduled_for == failed_at + RETRY_DELAYS[0]

    clock.move_to(failed_at + RETRY_DELAYS[0] - timedelta(seconds=1))
    one_round()
    note.refresh_from_db()
    assert (note.status, note.attempts) == (NotificationStatus.PENDING, 1)
    assert mail.outbox == []

    clock.move_to(failed_at + RETRY_DELAYS[0])
    one_round()
    note.refresh_from_db()
    assert (note.status, note.attempts, note.last_error) == (NotificationStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_claim_older_than_the_limit_becomes_delivery_unknown_and_is_not_sent(
    book, settings, clock
):
    booking = book()
    stuck = _kind(booking, NotificationKind.CONFIRMATION)
    young = _kind(booking, NotificationKind.CLINIC_BOOKED)
    limit = timedelta(seconds=settings.NOTIFICATION_SENDING_LIMIT_SECONDS)
    claimed = timezone.now()
    Notification.objects.filter(pk=stuck.pk).update(
        status=NotificationStatus.SENDING, claimed_at=claimed - timedelta(seconds=1)
    )
    Notification.objects.filter(pk=young.pk).update(
        status=NotificationStatus.SENDING, claimed_at=claimed
    )

    clock.move_to(claimed + limit)
    one_round()

    stuck.refresh_from_db()
    young.refresh_from_db()
    assert stuck.status == NotificationStatus.UNKNOWN
    assert "may or may not have arrived" in stuck.last_error
    assert young.status == NotificationStatus.SENDING
    assert mail.outbox == []


def test_the_worker_beats_and_prunes_the_heartbeats_of_long_stopped_workers(now):
    gone = now - HEARTBEATS_KEEP - timedelta(minutes=1)
    WorkerHeartbeat.objects.create(worker_id="gone", started_at=gone, last_seen=gone)
    recent = now - timedelta(days=1)
    WorkerHeartbeat.objects.create(worker_id="recent", started_at=recent, last_seen=recent)

    worker = Worker(interval=0, once=True)
    worker.run()

    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    assert beats == {"recent": recent, worker.worker_id: now}


def test_a_stop_signal_lets_the_message_in_hand_finish_and_a_second_one_does_not():
    worker = Worker(interval=0)
    worker.sending = True
    worker.stop(15, None)
    assert worker.stopping.is_set()
    with pytest.raises(SystemExit) as second:
        worker.stop(15, None)
    assert second.value.code == 1

    idle = Worker(interval=0)
    with pytest.raises(SystemExit) as stopped:
        idle.stop(15, None)
    assert stopped.value.code == 0


class SlowBackend(LocmemBackend):
    """A mail server slow enough that workers overlap while one is sending."""

    def send_messages(self, email_messages):
        time.sleep(0.01)
        return super().send_messages(email_messages)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions serialise the claims; PostgreSQL has the race",
)
def test_workers_racing_over_the_outbox_never_send_a_message_twice(clinic_rules, settings):
    settings.EMAIL_BACKEND = "tests.bookings.test_worker.SlowBackend"
    booking = BookingFactory(therapist=TherapistFactory())
    due = timezone.now() - timedelta(seconds=1)
    messages = 40
    Notification.objects.bulk_create(
        Notification(
            booking=booking,
            kind=NotificationKind.CLINIC_BOOKED,
            recipient=f"desk{n}@example.org",
            session_start=booking.start,
            scheduled_for=due,
        )
        for n in range(messages)
    )
    mail.outbox = []
    workers = 6
    barrier = threading.Barrier(workers)
    outcomes: list[Outcome] = []
    errors: list[Exception] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.extend(outbox.send_due(now=timezone.now()))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes == [Outcome.SENT] * messages
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted(f"desk{n}@example.org" for n in range(messages))
    rows = Notification.objects.filter(booking=booking)
    assert set(rows.values_list("status", "attempts")) == {(NotificationStatus.SENT, 1)}
