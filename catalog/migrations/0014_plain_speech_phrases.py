# Everyday speech, where numbness is, and risk factors in words: the warning phrases'
# second seed (catalog/seed_phrases.py), with the first history record of each new row.

from django.db import migrations

from catalog.seed import record_safety_history_baseline
from catalog.seed_phrases import seed_plain_speech


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_risk_factors_and_emergency_signs")]

    operations = [
        migrations.RunPython(seed_plain_speech, migrations.RunPython.noop),
        migrations.RunPython(record_safety_history_baseline, migrations.RunPython.noop),
    ]
