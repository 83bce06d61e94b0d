"""Fault 4: the mail server is down, then slow. A send never holds the worker for
longer than EMAIL_TIMEOUT, and `sent_at` is when the server took the message."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.messaging.outbox import Outcome, deliver
from bookings.models import Notification, NotificationKind, NotificationStatus
from tests.factories import BookingFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def confirmation(db, real_clinic):
    booking = BookingFactory(therapist=real_clinic, start=timezone.now() + timedelta(days=2))
    return Notification.objects.create(
        booking=booking,
        kind=NotificationKind.CONFIRMATION,
        recipient=booking.client_email,
        session_start=booking.start,
        scheduled_for=timezone.now() - timedelta(minutes=1),
    )


def _use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False


def _due_again(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING, scheduled_for=timezone.now() - timedelta(seconds=1)
    )


def test_a_down_then_slow_mail_server_never_holds_the_worker(
    settings, smtp_server, confirmation, fault_row
):
    row = fault_row("4 SMTP down, then slower than EMAIL_TIMEOUT, then slow but in time")
    timeout = settings.EMAIL_TIMEOUT or 10
    assert settings.EMAIL_TIMEOUT == 10, "EMAIL_TIMEOUT defaults to 10 seconds"
    _use_smtp(settings, smtp_server.port)

    # Down: nothing listens on the port yet.
    assert deliver(confirmation.pk, now=timezone.now()) == Outcome.RETRY
    row.requests += 1

    # Slower than the timeout: the attempt fails in about EMAIL_TIMEOUT seconds.
    smtp_server.sink.delay = timeout + 5
    smtp_server.start()
    _due_again(confirmation)
    began = time.monotonic()
    outcome = deliver(confirmation.pk, now=timezone.now())
    took = time.monotonic() - began
    row.requests += 1
    assert outcome == Outcome.RETRY
    assert took < timeout + 3

    # Slow but in time: sent, and sent_at is when the server answered, not the claim.
    smtp_server.sink.delay = 1.5
    _due_again(confirmation)
    claimed = timezone.now()
    assert deliver(confirmation.pk, now=claimed) == Outcome.SENT
    row.requests += 1
    confirmation.refresh_from_db()
    assert confirmation.status == NotificationStatus.SENT
    assert confirmation.sent_at - claimed >= timedelta(seconds=1.5)
    # The slow attempt's copy may have reached the server after the client gave up:
    # that is the mail server's doing, not a second send by the site.
    row.messages_lost = 0 if confirmation.status == NotificationStatus.SENT else 1
