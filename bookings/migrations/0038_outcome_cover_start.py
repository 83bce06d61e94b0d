"""The outcomes report's covering index also holds each booking's start (issue 26).

`records.outcome_figures` adds up the responder rates in the same statement as the
report's groups, reading each client's outcome requests in session order: the join
needs the booking's start as well as its client and technique. With the start in the
index the join still reads the index (about 12 MB at L), not the 140 MB booking table.
PostgreSQL only, as in 0037.
"""

from django.db import migrations

INDEX = "bookings_booking_outcome_cover"


def _cover(schema_editor: object, columns: str) -> None:
    if schema_editor.connection.vendor == "postgresql":  # type: ignore[attr-defined]
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")  # type: ignore[attr-defined]
        schema_editor.execute(  # type: ignore[attr-defined]
            f"CREATE INDEX {INDEX} ON bookings_booking (id) INCLUDE ({columns})"
        )


def forwards(apps: object, schema_editor: object) -> None:
    _cover(schema_editor, "client_id, technique_id, start")


def backwards(apps: object, schema_editor: object) -> None:
    _cover(schema_editor, "client_id, technique_id")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0037_scale_reads")]

    operations = [migrations.RunPython(forwards, backwards)]
