"""Moving the knowledge bands from the report to the training policy keeps what was set."""

from decimal import Decimal

import pytest

from kaderasi.tests.migrations import migrate, migrated_back

BEFORE = [("reports", "0001_reports_and_rollups")]
AFTER = [("reports", "0002_knowledge_bands_come_from_the_training_policy")]


@pytest.mark.django_db(transaction=True)
def test_bands_set_on_a_report_become_the_programmes_policy_or_its_source(world):
    with migrated_back():
        apps = migrate(BEFORE, models_at=(("training", "0004_seed_standard_content"),))
        ProgrammeReport = apps.get_model("reports", "ProgrammeReport")
        TrainingPolicy = apps.get_model("training", "TrainingPolicy")
        Programme = apps.get_model("programmes", "Programme")
        without_policy = Programme.objects.get(slug="wedi-2026")
        with_policy = Programme.objects.get(slug="sleman-2026")
        ProgrammeReport.objects.create(
            programme=without_policy,
            good_band_from=Decimal(80),
            fair_band_from=Decimal(60),
            bands_source="Programme decision, 2026",
        )
        ProgrammeReport.objects.create(
            programme=with_policy, good_band_from=Decimal(90), fair_band_from=Decimal(50)
        )
        TrainingPolicy.objects.create(programme=with_policy, source="Our rules.")

        apps = migrate(AFTER)
        TrainingPolicy = apps.get_model("training", "TrainingPolicy")

        created = TrainingPolicy.objects.get(programme__slug="wedi-2026")
        assert (created.good_band_minimum, created.fair_band_minimum) == (80, 60)
        assert created.source.startswith("Knowledge bands: Programme decision, 2026")
        kept = TrainingPolicy.objects.get(programme__slug="sleman-2026")
        assert (kept.good_band_minimum, kept.fair_band_minimum) == (76, 56)
        assert kept.source.startswith("Our rules.")
        assert "good ≥ 90, fair ≥ 50" in kept.source
