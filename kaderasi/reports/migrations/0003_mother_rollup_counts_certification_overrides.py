"""Mother rollups count the pairings made with an uncertified cadre. The rows already built do
not have the count: the next periodic refresh rebuilds every rollup (as after a first run)."""

from django.db import migrations, models


def rebuild_at_the_next_refresh(apps, schema_editor):
    RollupState = apps.get_model("reports", "RollupState")
    RollupState.objects.update(last_rebuild_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_knowledge_bands_come_from_the_training_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="motherrollup",
            name="certification_overrides",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Pairings a coordinator made with a cadre without a valid certificate.",
                verbose_name="pairings with an uncertified cadre",
            ),
        ),
        migrations.RunPython(rebuild_at_the_next_refresh, migrations.RunPython.noop),
    ]
