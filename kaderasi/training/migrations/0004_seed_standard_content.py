"""Seed the standard training content shipped in kaderasi/training/content/: the 20-item
knowledge test, the 23-step skill checklist and the cadre booklet (version 1 of each).
Reversible: the reverse deletes those versions (and refuses while a training still uses them)."""

from django.db import migrations

from kaderasi.training.services.content import (
    ContentModels,
    standard_content_load,
    standard_content_unload,
)


def load(apps, schema_editor):
    standard_content_load(models=ContentModels.historical(apps))


def unload(apps, schema_editor):
    standard_content_unload(models=ContentModels.historical(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0003_content_tests_skills_policy_certificates"),
    ]

    operations = [migrations.RunPython(load, unload)]
