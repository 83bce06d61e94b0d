"""PostgreSQL connections terminated while clients book: a calm 503 at worst, never a
500, and every booking the client was told about exists with its messages."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from bookings.intake import cookie as intake
from bookings.messaging import outbox
from bookings.models import Booking, Notification, NotificationKind, NotificationStatus
from tests.faults.conftest import clinic_time, require_postgresql, terminate_backends

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BOOK = reverse("bookings:book", kwargs={"slug": "swedish"})
SUBMIT = reverse("bookings:book_submit", kwargs={"slug": "swedish"})


def test_terminated_connections_mid_request_never_give_a_500(
    screened_client, settings, real_clinic, fault_row
):
    # The booking steps need the safety screen answered first (issue 11).
    client = screened_client
    require_postgresql()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.raise_request_exception = False
    row = fault_row("PostgreSQL backends terminated mid-request (every other booking)")

    def terminate_soon() -> threading.Thread:
        def run() -> None:
            try:
                time.sleep(0.03)  # inside the request, while it reads and writes
                terminate_backends()
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    told_booked: list[str] = []
    # A booking forgets the browser's answers: each client here answered the screen.
    screen = client.cookies[intake.COOKIE_NAME].value
    try:
        for n in range(16):  # 09:00 ... 16:00 on days 2 and 3
            client.cookies[intake.COOKIE_NAME] = screen
            start = clinic_time(2 + n % 2, 9 + n // 2).strftime("%Y-%m-%dT%H:%MZ")
            breaking = n % 4 < 2
            killer = terminate_soon() if breaking else None
            details = client.get(BOOK, {"length": 60, "therapist": "any", "start": start})
            close_old_connections()
            posted = client.post(
                SUBMIT,
                {
                    "length": 60,
                    "therapist": "any",
                    "start": start,
                    "client_name": "Sam Client",
                    "client_email": f"sam{n}@example.com",
                    "client_phone": "07700 900123",
                },
            )
            if killer is not None:
                killer.join()
            row.requests += 2
            # What the real request handler does after each request (the test client
            # leaves it out): drop a connection that failed, so the next one reconnects.
            close_old_connections()
            row.responses_500 += (details.status_code == 500) + (posted.status_code == 500)
            assert details.status_code in (200, 503)
            assert posted.status_code in (302, 409, 503)
            if posted.status_code == 302:
                told_booked.append(posted["Location"].rstrip("/").rsplit("/", 1)[-1])
    finally:
        connection.close()

    existing = set(Booking.objects.values_list("manage_token", flat=True))
    row.bookings_lost = sum(token not in existing for token in told_booked)
    # What the queue lost while the database was going away, the sweeper sends; what
    # was cut off mid-send it hands to staff as "delivery unknown".
    later = timezone.now() + timedelta(hours=1)
    outbox.sweep(now=later)
    confirmations = Notification.objects.filter(kind=NotificationKind.CONFIRMATION)
    row.messages_lost = confirmations.exclude(
        status__in=[NotificationStatus.SENT, NotificationStatus.UNKNOWN]
    ).count()
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    row.messages_twice = len(sent) - len(set(sent))
    assert row.responses_500 == 0
    assert row.bookings_lost == 0
    assert told_booked, "some bookings went through"
    assert confirmations.count() == Booking.objects.count()
    assert row.messages_lost == 0 and row.messages_twice == 0
