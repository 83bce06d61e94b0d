from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.messaging import notifications, outbox
from bookings.models import Notification, NotificationKind, NotificationStatus, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _confirmation(booking) -> Notification:
    return Notification.objects.get(booking=booking, kind=NotificationKind.CONFIRMATION)


def test_a_message_left_sending_past_the_limit_becomes_delivery_unknown(book, settings):
    booking = book()
    message = _confirmation(booking)
    claimed = timezone.now()
    Notification.objects.filter(pk=message.pk).update(
        status=NotificationStatus.SENDING, claimed_at=claimed
    )
    limit = timedelta(seconds=settings.NOTIFICATION_SENDING_LIMIT_SECONDS)

    outbox.sweep(now=claimed + limit - timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == NotificationStatus.SENDING

    outbox.sweep(now=claimed + limit + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == NotificationStatus.UNKNOWN
    assert "may or may not have arrived" in message.last_error


def test_a_waiting_message_is_sent_by_the_sweep(book, mailoutbox, settings):
    settings.NOTIFICATION_SEND_ON_COMMIT = False
    booking = book()
    assert not mailoutbox
    assert outbox.sweep(now=timezone.now() + timedelta(minutes=5)) == (2, 0)
    assert _confirmation(booking).status == NotificationStatus.SENT
    assert len(mailoutbox) == 2  # the confirmation and the note to the clinic


def test_send_again_adds_a_new_message_and_keeps_the_old_one(
    book, mailoutbox, django_capture_on_commit_callbacks
):
    booking = book()
    message = _confirmation(booking)
    Notification.objects.filter(pk=message.pk).update(status=NotificationStatus.UNKNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = notifications.send_again(message)
    assert fresh is not None and fresh.pk != message.pk
    statuses = list(
        Notification.objects.filter(booking=booking, kind=NotificationKind.CONFIRMATION)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == [NotificationStatus.UNKNOWN, NotificationStatus.SENT]


def test_a_sent_message_is_not_sent_again(book):
    message = _confirmation(book())
    assert message.status == NotificationStatus.SENT
    assert notifications.send_again(message) is None


def test_front_desk_resends_from_the_admin_in_one_click(
    client, front_desk_user, book, django_capture_on_commit_callbacks
):
    message = _confirmation(book())
    Notification.objects.filter(pk=message.pk).update(status=NotificationStatus.FAILED)
    client.force_login(front_desk_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:bookings_notification_changelist"),
            {"action": "send_again", "_selected_action": [message.pk]},
            follow=True,
        )
    assert "1 queued to send again" in response.content.decode()
    assert Notification.objects.filter(kind=NotificationKind.CONFIRMATION).count() == 2


def test_healthz_shows_the_workers_last_heartbeat(client):
    seen = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=seen, last_seen=seen)
    body = client.get("/healthz/").json()
    assert body["status"] == "ok"
    assert body["worker_last_seen"] == seen.isoformat()
