from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0022_looks_into_auditlog"),
    ]

    operations = [
        migrations.DeleteModel(name="HealthDataAccess"),
    ]
