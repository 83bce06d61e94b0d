from django.db import migrations

from catalog.seed import seed_indications


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_indications")]

    operations = [migrations.RunPython(seed_indications, migrations.RunPython.noop)]
