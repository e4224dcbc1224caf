"""A content version's sources in both languages: the one `source` text (written in English)
becomes `source_en`, and the shipped versions get their Indonesian `source_id` from the content
files, so that the Indonesian booklet's "Sumber" page is in Indonesian. A text a coordinator
already wrote is left alone. Reversible: the Indonesian texts go, `source_en` is `source` again."""

from django.db import migrations, models

from kaderasi.training.services.content import (
    BOOKLET_DIR,
    _read_toml,
    checklist_spec,
    questionnaire_spec,
)


def shipped_sources_in_indonesian(apps, schema_editor):
    for model_name, spec in (
        ("Questionnaire", questionnaire_spec()),
        ("SkillChecklist", checklist_spec()),
        ("Booklet", _read_toml(BOOKLET_DIR / "booklet.toml")),
    ):
        apps.get_model("training", model_name).objects.filter(
            code=spec["code"], version=spec["version"], source_id=""
        ).update(source_id=spec.get("source_id", ""))


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0006_skill_pass_basis_final_attempt_help"),
    ]

    operations = [
        *[
            operation
            for model_name in ("questionnaire", "skillchecklist", "booklet")
            for operation in (
                migrations.RenameField(
                    model_name=model_name, old_name="source", new_name="source_en"
                ),
                migrations.AlterField(
                    model_name=model_name,
                    name="source_en",
                    field=models.TextField(blank=True, verbose_name="sources (English)"),
                ),
                migrations.AddField(
                    model_name=model_name,
                    name="source_id",
                    field=models.TextField(blank=True, verbose_name="sources (Indonesian)"),
                ),
            )
        ],
        migrations.RunPython(shipped_sources_in_indonesian, migrations.RunPython.noop),
    ]
