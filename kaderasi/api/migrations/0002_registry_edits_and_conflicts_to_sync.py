"""Registry edits and conflicts now belong to the sync app (sync 0001 took them over, tables and
content types included): they leave the api app's state only, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_device_tokens_snapshots_conflicts'),
        ('sync', '0001_registry_edits_and_conflicts_from_api'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Conflict'),
                migrations.DeleteModel(name='RegistryEdit'),
            ],
        ),
    ]
