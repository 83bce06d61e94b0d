"""The daily purges work in batches, each its own short transaction, and log counts only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, TreatmentNote
from bookings.privacy import retention
from bookings.privacy.services import purge_health_answers
from bookings.records import notes
from tests.clock import NOW
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)


def _commits(captured: CaptureQueriesContext) -> int:
    # Django lists a savepoint-less atomic block's COMMIT only on PostgreSQL; count the
    # RELEASE of the savepoint the test's transaction turns each batch into instead.
    return sum(1 for q in captured if q["sql"].startswith(("COMMIT", "RELEASE SAVEPOINT")))


def test_the_health_answers_purge_clears_every_old_booking_a_batch_at_a_time(
    therapist, small_batches, caplog
):
    old = [
        BookingFactory(
            therapist=therapist,
            start=NOW - timedelta(days=40 + n),
            with_intake=True,
            with_safety_facts=True,
        )
        for n in range(5)
    ]
    recent = BookingFactory(
        therapist=therapist, start=NOW - timedelta(days=3), with_intake=True, with_safety_facts=True
    )
    with (
        caplog.at_level("INFO", logger="bookings.privacy.retention"),
        CaptureQueriesContext(connection) as captured,
    ):
        assert purge_health_answers(retention_days=30, now=NOW) == 5
    assert _commits(captured) == 4  # 2 + 2 + 1, and the batch that finds none
    assert not Booking.objects.filter(pk__in=[b.pk for b in old], intake_answers__isnull=False)
    recent.refresh_from_db()
    assert recent.intake_answers is not None and recent.warning_flags
    lines = [r.getMessage() for r in caplog.records]
    assert [line.split(":")[1].split("(")[0].strip() for line in lines] == [
        "2 rows",
        "2 rows",
        "1 rows",
    ]
    assert "(5 so far)" in lines[-1]
    for booking in old:
        assert booking.client_name not in caplog.text and booking.reference not in caplog.text


def test_the_notes_purge_deletes_a_batch_at_a_time_and_keeps_recent_clients_notes(
    therapist, therapist_user, small_batches, caplog
):
    gone = [
        BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 9 + n))
        for n in range(3)
    ]
    kept = BookingFactory(therapist=therapist, start=NOW - timedelta(days=365 * 9 + 10))
    BookingFactory(therapist=therapist, client=kept.client, start=NOW - timedelta(days=30))
    for booking in [*gone, kept]:
        notes.write_note(booking=booking, by=therapist_user, now=booking.end)
    with caplog.at_level("INFO", logger="bookings.privacy.retention"):
        assert notes.purge_notes(years=8, now=NOW) == 3
    assert list(TreatmentNote.objects.values_list("booking", flat=True)) == [kept.pk]
    assert len([r for r in caplog.records if "Retention" in r.getMessage()]) == 2


def test_a_purge_with_nothing_to_do_writes_nothing_and_logs_nothing(therapist, caplog):
    BookingFactory(therapist=therapist, start=NOW - timedelta(days=3), with_intake=True)
    with caplog.at_level("INFO", logger="bookings.privacy.retention"):
        assert purge_health_answers(retention_days=30, now=NOW) == 0
    assert caplog.records == []
