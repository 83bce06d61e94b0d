"""Indexes for years of data (issue 26; each one's query is in docs/benchmarks.md).

PostgreSQL: pg_trgm GIN indexes for the substring searches (client and booking names,
emails, phone digits), case-insensitive email lookups, the outbox's partial indexes, and
the trail of looks (by client, by staff member; four indexes nothing reads dropped). Both
databases: one safety-mark entry per staff member, booking and day (a unique index on
the entry's `day`), and the booking end / blocked-until indexes (model indexes).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# The nested REPLACE of bookings/frontdesk/booking_list.with_phone_digits, exactly as
# Django writes it, so the planner matches the expression.
PUNCTUATION = [" ", "-", "(", ")", ".", "/", "+"]


def _digits(column: str) -> str:
    sql = column
    for mark in PUNCTUATION:
        sql = f"REPLACE({sql}, '{mark}', '')"
    return sql


ACCESS = 3  # auditlog's LogEntry.Action.ACCESS

POSTGRES = [
    # Booking list search (client_name / client_email icontains, =reference iexact).
    ("bookings_booking_name_trgm", "bookings_booking USING gin (UPPER(client_name::text) gin_trgm_ops)"),
    ("bookings_booking_email_trgm", "bookings_booking USING gin (UPPER(client_email::text) gin_trgm_ops)"),
    ("bookings_booking_phone_trgm", f"bookings_booking USING gin (({_digits('client_phone')}) gin_trgm_ops)"),
    ("bookings_booking_reference_upper", "bookings_booking (UPPER(reference::text))"),
    # Erasure and export by email (client_email__iexact).
    ("bookings_booking_email_upper", "bookings_booking (UPPER(client_email::text))"),
    # Client search (name / email icontains, phone digits) and clients_with (email iexact).
    ("bookings_client_name_trgm", "bookings_client USING gin (UPPER(name::text) gin_trgm_ops)"),
    ("bookings_client_email_trgm", "bookings_client USING gin (UPPER(email::text) gin_trgm_ops)"),
    ("bookings_client_phone_trgm", f"bookings_client USING gin (({_digits('phone')}) gin_trgm_ops)"),
    ("bookings_client_email_upper", "bookings_client (UPPER(email::text))"),
    # The worker's claim (pending, due first) and its stuck-sending sweep.
    ("bookings_notification_pending", "bookings_notification (scheduled_for, id) WHERE status = 'pending'"),
    ("bookings_notification_sending", "bookings_notification (claimed_at) WHERE status = 'sending'"),
    # The notifications list, newest first, and its "needs staff" statuses.
    ("bookings_notification_created", "bookings_notification (created_at DESC, id DESC)"),
    ("bookings_notification_needs_staff", "bookings_notification (created_at DESC, id DESC) WHERE status IN ('failed', 'unknown')"),
    # The trail filtered by client and by staff member, newest first.
    ("auditlog_look_client", f"auditlog_logentry ((additional_data -> 'client'), timestamp DESC, id DESC) WHERE action = {ACCESS}"),
    ("auditlog_look_actor", f"auditlog_logentry (actor_id, timestamp DESC, id DESC) WHERE action = {ACCESS}"),
]  # fmt: skip

# Indexes django-auditlog makes that nothing here reads (our admin replaces its own).
UNUSED = {
    "auditlog_logentry_cid_9f467263": "auditlog_logentry (cid)",
    "auditlog_logentry_cid_9f467263_like": "auditlog_logentry (cid varchar_pattern_ops)",
    "auditlog_logentry_object_pk_6e3219c0": "auditlog_logentry (object_pk)",
    "auditlog_logentry_object_pk_6e3219c0_like": "auditlog_logentry (object_pk varchar_pattern_ops)",
}

# One safety-mark entry per staff member, booking and clinic day: marks carry their
# `day`, other looks none. INSERT ... ON CONFLICT DO NOTHING (OR IGNORE on SQLite).
MARK_DAY = {
    "postgresql": "CREATE UNIQUE INDEX IF NOT EXISTS auditlog_look_mark_day ON auditlog_logentry "
    "(actor_id, object_id, (additional_data ->> 'day')) WHERE additional_data ? 'day'",
    "sqlite": "CREATE UNIQUE INDEX IF NOT EXISTS auditlog_look_mark_day ON auditlog_logentry "
    "(actor_id, object_id, json_extract(additional_data, '$.day')) "
    "WHERE json_extract(additional_data, '$.day') IS NOT NULL",
}


def forwards(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    run = schema_editor.execute  # type: ignore[attr-defined]
    if connection.vendor in MARK_DAY:
        run(MARK_DAY[connection.vendor])
    if connection.vendor != "postgresql":
        return
    for name, spec in POSTGRES:
        run(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")
    for name in UNUSED:
        run(f"DROP INDEX IF EXISTS {name}")


def backwards(apps: object, schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    run = schema_editor.execute  # type: ignore[attr-defined]
    if connection.vendor in MARK_DAY:
        run("DROP INDEX IF EXISTS auditlog_look_mark_day")
    if connection.vendor != "postgresql":
        return
    for name, _spec in POSTGRES:
        run(f"DROP INDEX IF EXISTS {name}")
    for name, spec in UNUSED.items():
        run(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")


class TrigramOnPostgres(TrigramExtension):
    # Django guards only the forwards step by vendor; unapplying on SQLite would query pg_extension.
    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0031_client_message_waitlist_calls"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        TrigramOnPostgres(),
        # "Upcoming" (end after now), the day view (end after the day's start) and every
        # schedule read (blocked_until after the window's start): only the future is read.
        migrations.AddIndex(
            model_name="booking", index=models.Index(fields=["end"], name="booking_end")
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["therapist", "blocked_until"], name="booking_blocked_until"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
