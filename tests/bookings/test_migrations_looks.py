"""The migration that moves the old trail (HealthDataAccess rows) into django-auditlog's
access entries, run backwards to the schema before it and forwards again."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from tests.clock import NOW
from tests.factories import BookingFactory, StaffFactory
from tests.migrations import apps_at

BEFORE = [("bookings", "0021_notification_kinds_outcome_and_waitlist")]
AFTER = [("bookings", "0023_remove_healthdataaccess")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_old_trail_becomes_access_entries_without_names_or_data(therapist):
    booking = BookingFactory(therapist=therapist, client_name="Jane Doe", with_safety_facts=True)
    gone = BookingFactory(
        therapist=therapist, client_name="Gone Client", start=booking.start + timedelta(days=1)
    )
    staff = StaffFactory(username="looker", email="looker@example.com")
    try:
        old = apps_at(BEFORE)
        Look = old.get_model("bookings", "HealthDataAccess")
        Note = old.get_model("bookings", "TreatmentNote")
        note = Note.objects.create(
            booking_id=booking.pk, written_by_id=staff.pk, created_at=NOW, updated_at=NOW
        )
        for what, booking_id, client_id in [
            ("booking", booking.pk, booking.client_id),
            ("note", booking.pk, booking.client_id),
            ("client_notes", None, booking.client_id),
            ("note", gone.pk, gone.client_id),  # a note since purged
        ]:
            Look.objects.create(
                user_id=staff.pk, what=what, at=NOW, booking_id=booking_id, client_id=client_id
            )
        new = apps_at(AFTER)
    finally:
        call_command("migrate", verbosity=0)
    LogEntry = new.get_model("auditlog", "LogEntry")
    entries = list(LogEntry.objects.order_by("pk").select_related("content_type"))
    assert [
        (e.content_type.model, e.object_id, e.object_repr, e.additional_data["what"])
        for e in entries
    ] == [
        ("booking", booking.pk, f"Booking {booking.reference}", "booking"),
        ("treatmentnote", note.pk, f"Treatment note, booking {booking.reference}", "note"),
        ("client", booking.client_id, f"Client {booking.client_id}", "client_notes"),
        ("booking", gone.pk, f"Booking {gone.reference}", "note"),
    ]
    assert {(e.action, e.actor_id, e.timestamp, e.actor_email) for e in entries} == {
        (3, staff.pk, NOW, "looker@example.com")
    }
    assert [e.additional_data["client"] for e in entries] == [booking.client_id] * 3 + [
        gone.client_id
    ]
    assert all(e.additional_data["staff"] == "looker" for e in entries)
    assert all(e.changes is None and e.serialized_data is None for e in entries)
    assert "bookings_healthdataaccess" not in connection.introspection.table_names()
