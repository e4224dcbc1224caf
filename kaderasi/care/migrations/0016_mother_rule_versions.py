"""The per-mother versions of what the write path's rules read, kept by triggers (SQLite only;
decision 0295, kaderasi/care/rule_versions.py)."""

from django.db import migrations

from kaderasi.care import rule_versions


def install(apps, schema_editor):
    rule_versions.install(schema_editor)


def remove(apps, schema_editor):
    rule_versions.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0015_mother_pseudonymised_and_subject_export_read"),
        ("programmes", "0006_district_sees_names_and_retention"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
