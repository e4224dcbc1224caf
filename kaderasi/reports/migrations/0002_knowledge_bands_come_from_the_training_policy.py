"""The knowledge bands of a programme report are the programme's training policy (decision 0012),
no longer a second copy on the report. Bands a coordinator had set on a report are kept: they
become the programme's policy when it has none, and are written into the policy's source when
it has one (the policy wins, nothing is lost)."""

from decimal import Decimal

from django.db import migrations

REPORT_DEFAULT_GOOD = Decimal(76)
REPORT_DEFAULT_FAIR = Decimal(56)
REPORT_DEFAULT_SOURCE = (
    "Arikunto-style bands (good ≥ 76, fair 56–75, poor < 56); common convention in "
    "Indonesian studies, to be confirmed by the programme"
)


def bands_into_the_training_policy(apps, schema_editor):
    ProgrammeReport = apps.get_model("reports", "ProgrammeReport")
    TrainingPolicy = apps.get_model("training", "TrainingPolicy")
    for report in ProgrammeReport.objects.all():
        good, fair = int(report.good_band_from), int(report.fair_band_from)
        source = report.bands_source.strip()
        changed_bands = (report.good_band_from, report.fair_band_from) != (
            REPORT_DEFAULT_GOOD,
            REPORT_DEFAULT_FAIR,
        )
        changed_source = source != REPORT_DEFAULT_SOURCE
        if not changed_bands and not changed_source:
            continue
        policy = TrainingPolicy.objects.filter(programme_id=report.programme_id).first()
        if policy is None:
            policy = TrainingPolicy(programme_id=report.programme_id)
            policy.good_band_minimum, policy.fair_band_minimum = good, fair
            if changed_source:
                policy.source = f"Knowledge bands: {source}\n\n{policy.source}"
            policy.save()
            continue
        if (policy.good_band_minimum, policy.fair_band_minimum) == (good, fair) and (
            not changed_source or source in policy.source
        ):
            continue
        policy.source = (
            f"{policy.source}\n\nThe programme report used knowledge bands good ≥ {good}, "
            f"fair ≥ {fair} (source: {source}) before they were read from this policy."
        )
        policy.save(update_fields=["source"])


def bands_back_onto_the_report(apps, schema_editor):
    ProgrammeReport = apps.get_model("reports", "ProgrammeReport")
    TrainingPolicy = apps.get_model("training", "TrainingPolicy")
    for policy in TrainingPolicy.objects.all():
        ProgrammeReport.objects.filter(programme_id=policy.programme_id).update(
            good_band_from=policy.good_band_minimum, fair_band_from=policy.fair_band_minimum
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports_and_rollups"),
        ("training", "0004_seed_standard_content"),
    ]

    operations = [
        migrations.RunPython(bands_into_the_training_policy, bands_back_onto_the_report),
        migrations.RemoveConstraint(
            model_name="programmereport",
            name="programme_report_bands_ordered",
        ),
        migrations.RemoveField(model_name="programmereport", name="bands_source"),
        migrations.RemoveField(model_name="programmereport", name="fair_band_from"),
        migrations.RemoveField(model_name="programmereport", name="good_band_from"),
    ]
