from django.db import migrations

from bookings.messaging.phones import to_e164


def phones_to_e164(apps, schema_editor):
    # Numbers typed before E.164: rewrite those that read as a number, leave the rest
    # (front desk sees them as typed).
    Booking = apps.get_model("bookings", "Booking")
    for booking in Booking.objects.exclude(client_phone="").iterator():
        e164 = to_e164(booking.client_phone)
        if e164 and e164 != booking.client_phone:
            Booking.objects.filter(pk=booking.pk).update(client_phone=e164)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_notification_channels_sms_opt_in"),
    ]

    operations = [migrations.RunPython(phones_to_e164, migrations.RunPython.noop)]
