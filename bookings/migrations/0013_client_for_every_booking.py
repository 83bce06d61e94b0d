from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def give_every_booking_a_client(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Bookings with the same email (trimmed, any case) become one client; a booking
    without an email is a client of its own: names and phones are never matched."""
    Booking = apps.get_model("bookings", "Booking")
    Client = apps.get_model("bookings", "Client")
    by_email: dict[str, int] = {}
    # Newest first: a client's record takes the details they gave most recently.
    for booking in Booking.objects.filter(client__isnull=True).order_by("-start", "-pk"):
        email = booking.client_email.strip().lower()
        client_id = by_email.get(email) if email else None
        if client_id is None:
            client_id = Client.objects.create(
                name=booking.client_name,
                phone=booking.client_phone,
                email=booking.client_email.strip(),
            ).pk
            if email:
                by_email[email] = client_id
        Booking.objects.filter(pk=booking.pk).update(client_id=client_id)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0012_clients"),
    ]

    operations = [
        migrations.RunPython(give_every_booking_a_client, migrations.RunPython.noop),
    ]
