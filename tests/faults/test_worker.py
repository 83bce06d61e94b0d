"""Faults 2 and 3: the worker's database connection is terminated mid-send, the worker
is killed mid-send, and a booking commits while no worker runs. Real worker processes
(`manage.py run_worker`) against the test database and a real SMTP server."""

from email import message_from_bytes

import pytest
from django.db import connection

from bookings.booking.services import book_session
from bookings.messaging import notifications
from bookings.models import (
    Booking,
    Notification,
    NotificationKind,
    NotificationStatus,
    WorkerHeartbeat,
)
from catalog.models import Technique
from tests.factories import SCREENED_INTAKE
from tests.faults.conftest import clinic_time, require_postgresql, terminate_backends, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _database_queue(settings):
    require_postgresql()
    # The rows wait for the worker processes, as in production.
    settings.NOTIFICATION_SEND_ON_COMMIT = False
    settings.EMAIL_TIMEOUT = 5


def _book(therapist, hour: int) -> Booking:
    booking = book_session(
        intake=SCREENED_INTAKE,
        therapist_id=therapist.pk,
        technique=Technique.objects.get(slug="swedish"),
        length_minutes=60,
        start=clinic_time(2, hour),
        client_name="Sam Client",
        client_email=f"sam{hour}@example.com",
        client_phone="07700 900123",
    )
    connection.close()  # the worker must not see this test's connection as its own
    return booking


def _subjects(smtp_server) -> list[str]:
    return [message_from_bytes(m)["Subject"] for m in smtp_server.sink.received]


def _status(notification: Notification) -> str:
    notification.refresh_from_db()
    return notification.status


def _confirmation(booking: Booking) -> Notification:
    return Notification.objects.get(booking=booking, kind=NotificationKind.CONFIRMATION)


def _due(bookings: list[Booking]):
    # Reminders wait for the day before the session, and "how is your back?" for two
    # days after it: neither is due in these tests.
    return Notification.objects.filter(booking__in=bookings).exclude(
        kind__in=[NotificationKind.REMINDER, NotificationKind.OUTCOME_ASK]
    )


def _count(row, bookings, smtp_server) -> None:
    subjects = _subjects(smtp_server)
    row.messages_twice = len(subjects) - len(set(subjects))
    row.messages_lost = sum(
        n.status not in (NotificationStatus.SENT, NotificationStatus.UNKNOWN)
        for n in _due(bookings)
    )


def test_the_worker_survives_terminated_connections_mid_task(
    real_clinic, smtp_server, start_worker, fault_row
):
    row = fault_row("2 Worker's PostgreSQL backend terminated (idle and mid-send)")
    smtp_server.start()
    worker = start_worker(NOTIFICATION_SENDING_LIMIT_SECONDS="3")
    assert wait_until(WorkerHeartbeat.objects.exists, 30), "the worker never beat"

    for _ in range(3):  # idle: the connection dies between rounds
        terminate_backends()
        wait_until(lambda: False, 0.5)
    first = _book(real_clinic, 10)
    row.requests += 1
    assert wait_until(lambda: len(smtp_server.sink.received) >= 2, 30), worker.output()

    # Mid-send: the server holds the message while the worker's backend is killed,
    # so the worker cannot record the result.
    smtp_server.sink.delay = 2
    second = _book(real_clinic, 12)
    row.requests += 1
    assert wait_until(lambda: len(smtp_server.sink.connected) >= 3, 30)
    terminate_backends()
    assert wait_until(
        lambda: (
            _status(_confirmation(second)) in (NotificationStatus.SENT, NotificationStatus.UNKNOWN)
        ),
        30,
    ), worker.output()
    smtp_server.sink.delay = 0
    assert wait_until(
        lambda: (
            not _due([first, second])
            .filter(status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING])
            .exists()
        ),
        40,
    ), worker.output()
    assert worker.alive(), worker.output()
    heartbeat = WorkerHeartbeat.objects.get()
    assert wait_until(lambda: WorkerHeartbeat.objects.get().last_seen > heartbeat.last_seen, 10)
    _count(row, [first, second], smtp_server)
    assert row.messages_twice == 0 and row.messages_lost == 0


def test_a_worker_killed_mid_send_leaves_a_message_for_staff_never_sent_twice(
    real_clinic, smtp_server, start_worker, fault_row
):
    row = fault_row("3a Worker killed (SIGKILL) mid-send")
    smtp_server.sink.delay = 3
    smtp_server.start()
    worker = start_worker()
    booking = _book(real_clinic, 10)
    row.requests += 1
    assert wait_until(lambda: len(smtp_server.sink.connected) >= 1, 30), worker.output()
    worker.kill()
    confirmation = Notification.objects.filter(
        booking=booking, status=NotificationStatus.SENDING
    ).get()

    smtp_server.sink.delay = 0
    start_worker(NOTIFICATION_SENDING_LIMIT_SECONDS="2")
    assert wait_until(lambda: _status(confirmation) == NotificationStatus.UNKNOWN, 40)
    assert wait_until(
        lambda: (
            not _due([booking])
            .filter(status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING])
            .exists()
        ),
        30,
    )
    subjects = _subjects(smtp_server)
    row.messages_twice = len(subjects) - len(set(subjects))
    assert row.messages_twice == 0, "a message whose delivery is unknown is not resent"

    # Staff's one click: a new message, and the history keeps both.
    fresh = notifications.send_again(confirmation)
    connection.close()
    assert fresh is not None
    assert wait_until(lambda: _status(fresh) == NotificationStatus.SENT, 30)
    history = list(
        Notification.objects.filter(booking=booking, kind=NotificationKind.CONFIRMATION)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert history == [NotificationStatus.UNKNOWN, NotificationStatus.SENT]
    row.messages_lost = 0


def test_messages_committed_with_no_worker_running_are_sent_when_one_starts(
    real_clinic, smtp_server, start_worker, fault_row
):
    row = fault_row("3b Queueing after commit: no worker running when the booking commits")
    # One outbox: the rows committed with the booking are the queue, so no queueing step
    # after commit can fail and leave a message behind; they wait for a worker.
    booking = _book(real_clinic, 10)
    row.requests += 1
    pending = _due([booking]).filter(status=NotificationStatus.PENDING)
    assert pending.filter(attempts=0).count() == 2

    smtp_server.start()
    start_worker()
    assert wait_until(lambda: len(smtp_server.sink.received) >= 2, 40)
    assert wait_until(lambda: not pending.exists(), 10)
    _count(row, [booking], smtp_server)
    assert row.messages_lost == 0 and row.messages_twice == 0
