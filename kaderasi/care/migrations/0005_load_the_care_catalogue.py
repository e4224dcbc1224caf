"""Load the care catalogue (flag rules, danger signs, massage steps, consent texts) with sources."""

from django.db import migrations


def load(apps, schema_editor):
    from kaderasi.care.catalogue import catalogue_ensure

    catalogue_ensure(apps)


def unload(apps, schema_editor):
    from kaderasi.care.catalogue import catalogue_remove

    catalogue_remove(apps)


class Migration(migrations.Migration):
    dependencies = [("care", "0004_danger_signs_steps_consent_texts")]

    operations = [migrations.RunPython(load, unload)]
