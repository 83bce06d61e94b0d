# Clinical leads own the safety rules: condition rules and warning phrases.

from django.db import migrations

from clinic.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_seed_warning_phrases_doctor_first")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
