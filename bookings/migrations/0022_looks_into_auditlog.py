"""The trail of looks at health data moves to django-auditlog's access entries
(bookings/looks.py): each HealthDataAccess row becomes a LogEntry with action ACCESS,
shaped as looks.record_look writes them. 0023 then removes the old model."""

from django.db import migrations

ACCESS = 3  # auditlog's LogEntry.Action.ACCESS
BATCH = 500


def copy_looks(apps, schema_editor):
    HealthDataAccess = apps.get_model("bookings", "HealthDataAccess")
    if not HealthDataAccess.objects.exists():
        return
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TreatmentNote = apps.get_model("bookings", "TreatmentNote")
    types = {
        model: ContentType.objects.get_or_create(app_label="bookings", model=model)[0]
        for model in ("booking", "treatmentnote", "client")
    }
    note_of = dict(TreatmentNote.objects.values_list("booking_id", "pk"))
    rows = HealthDataAccess.objects.select_related("user", "booking").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(_entry(LogEntry, row, types, note_of))
        if len(batch) == BATCH:
            LogEntry.objects.bulk_create(batch)
            batch = []
    LogEntry.objects.bulk_create(batch)


def _entry(LogEntry, row, types, note_of):
    booking = row.booking
    client_id = row.client_id if row.client_id is not None else getattr(booking, "client_id", None)
    if row.what == "note" and booking is not None and booking.pk in note_of:
        kind, pk, text = "treatmentnote", note_of[booking.pk], "Treatment note, booking {}"
    elif row.what != "client_notes" and booking is not None:
        kind, pk, text = "booking", booking.pk, "Booking {}"
    else:
        kind, pk, text = "client", client_id, "Client {}"
    if booking is not None:
        shown = text.format(booking.reference)
    else:
        shown = f"Client {client_id}" if client_id is not None else "A deleted booking"
    return LogEntry(
        content_type=types[kind],
        object_pk="" if pk is None else str(pk),
        object_id=pk,
        object_repr=shown,
        action=ACCESS,
        actor_id=row.user_id,
        actor_email=row.user.email or None,
        timestamp=row.at,
        additional_data={
            "what": row.what,
            "client": client_id,
            "booking": row.booking_id,
            "staff": row.user.username,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0021_notification_kinds_outcome_and_waitlist"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Backwards the old table comes back empty: the looks stay in the audit log.
        migrations.RunPython(copy_looks, migrations.RunPython.noop),
    ]
