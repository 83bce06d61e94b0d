from django.db import migrations

from clinic.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_seed_indications")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
