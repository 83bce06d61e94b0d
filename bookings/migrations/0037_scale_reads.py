"""Two reads at years of data (issue 26; docs/benchmarks.md).

A client's bookings by start (`frontdesk.selectors.session_default`, the desk's "Find
client": the client's last session): at L the planner walked 230,000 bookings backwards
by start to find one client's last (120 ms); with (client, start) it reads one.

`records.selectors.outcome_groups_report` joins every answered outcome request to its
booking for the client and the technique. On PostgreSQL this index holds exactly those
(10 MB for 250,000 bookings), so the join reads it instead of the whole booking table
(140 MB at L). SQLite has no INCLUDE and needs nothing here.
"""

from django.db import migrations, models

INDEX = "bookings_booking_outcome_cover"


def forwards(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":  # type: ignore[attr-defined]
        schema_editor.execute(  # type: ignore[attr-defined]
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON bookings_booking (id) "
            "INCLUDE (client_id, technique_id)"
        )


def backwards(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":  # type: ignore[attr-defined]
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [("bookings", "0036_payment_link")]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["client", "start"], name="booking_client_start"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
