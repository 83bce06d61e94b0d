"""A message the mail server took while the database refused to record it: the outcome is
kept and recorded once the database is back, never left "sending" to become "delivery
unknown" (and be resent by staff)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from bookings.messaging import outbox
from bookings.messaging.worker import Worker
from bookings.models import Notification, NotificationKind, NotificationStatus

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _rows_wait_for_the_worker(settings):
    settings.NOTIFICATION_SEND_ON_COMMIT = False


@pytest.fixture
def database_refuses_the_record(monkeypatch) -> Iterator[list[bool]]:
    """While the flag is up, recording a message as sent fails as a refused connection."""
    down = [True]
    update = QuerySet.update

    def refusing(self, **changes):
        if down[0] and changes.get("status") == NotificationStatus.SENT:
            raise OperationalError("connection refused")
        return update(self, **changes)

    monkeypatch.setattr(QuerySet, "update", refusing)
    yield down
    outbox.record_unrecorded()


def test_a_message_sent_while_the_database_refused_is_recorded_sent_when_it_returns(
    book, clock, database_refuses_the_record
):
    booking = book()
    confirmation = Notification.objects.get(booking=booking, kind=NotificationKind.CONFIRMATION)

    with pytest.raises(OperationalError):
        outbox.deliver(confirmation.pk, now=timezone.now())
    assert len(mail.outbox) == 1
    confirmation.refresh_from_db()
    assert confirmation.status == NotificationStatus.SENDING

    database_refuses_the_record[0] = False
    Worker(interval=0, once=True).run()

    confirmation.refresh_from_db()
    assert confirmation.status == NotificationStatus.SENT
    assert confirmation.sent_at is not None
    assert len([m for m in mail.outbox if m.to == [booking.client_email]]) == 1


def test_one_marked_delivery_unknown_meanwhile_is_still_recorded_sent(
    book, clock, settings, database_refuses_the_record
):
    booking = book()
    confirmation = Notification.objects.get(booking=booking, kind=NotificationKind.CONFIRMATION)
    with pytest.raises(OperationalError):
        outbox.deliver(confirmation.pk, now=timezone.now())
    # Another worker, much later, hands the "sending" row to staff.
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_SENDING_LIMIT_SECONDS + 1)
    assert outbox.mark_stuck_sending(now=later) == 1

    database_refuses_the_record[0] = False
    assert outbox.record_unrecorded() == 1

    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.last_error) == (NotificationStatus.SENT, "")
