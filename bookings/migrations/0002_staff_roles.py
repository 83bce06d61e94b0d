from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_schedules_and_bookings"),
        ("catalog", "0003_staff_roles"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
