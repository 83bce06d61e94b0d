# The safety rules' first history records, and clinical leads' right to read them.

from django.db import migrations

from catalog.seed import record_safety_history_baseline
from clinic.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_safety_rules_history")]

    operations = [
        migrations.RunPython(record_safety_history_baseline, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
