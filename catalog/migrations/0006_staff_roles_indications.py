from django.db import migrations


def sync(apps, schema_editor):
    from clinic.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_seed_indications")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
