from django.db import migrations


def create_rules(apps, schema_editor):
    # The single row exists from the start, so reading the rules is always one query.
    apps.get_model("bookings", "ClinicRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_staff_roles")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
