from django.db import migrations

from catalog.seed import ask_doctor_first, seed_warning_phrases


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_warning_phrases_doctor_first")]

    operations = [
        migrations.RunPython(seed_warning_phrases, migrations.RunPython.noop),
        migrations.RunPython(ask_doctor_first, migrations.RunPython.noop),
    ]
