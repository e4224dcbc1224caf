"""The milk-volume reference table from one source, labelled for what its bounds are.

Domain reference §3.1 and issue 19: the table mixed Saint, Smith & Hartmann 1984 (test weighing,
days 1, 3 and 5) with a day-7 guide range quoted by KellyMom (300-600 ml), so day 5 (705 ml,
452-876) followed by day 7 (300-600 ml) read as a fall. The day-7 row goes; the Saint rows say
that their bounds are the lowest and highest of the 9 mothers studied, not a normal range. Rows a
coordinator has edited (another source) are left alone."""

from decimal import Decimal

from django.db import migrations, models

SAINT_1984 = (
    "Saint L, Smith M, Hartmann PE. The yield and nutrient content of colostrum and milk of "
    "women from giving birth to 1 month post-partum. Br J Nutr 1984;52(1):87-95."
)
SAINT_1984_NOTE_BEFORE = (
    "Test weighing of the infant before and after every feed over 24 hours, in grams "
    "(1 g of milk is about 1 ml). The bounds are the lowest and highest mother in the study; "
    "the mean is the study mean."
)
SAINT_1984_NOTE = (
    "Test weighing of the infant before and after every feed over 24 hours, in grams "
    "(1 g of milk is about 1 ml), in 9 mothers. The bounds are the lowest and highest of those "
    "9 mothers: an observed range in a small study, not a normal range. The mean is the study "
    "mean. Only a 24-hour estimate may be compared with these values, never a single "
    "expression."
)
SAINT_1984_STUDY_SIZE = 9
KELLYMOM = (
    "Academy of Breastfeeding Medicine Protocol #3 (2009); Mannel 2013; Mohrbacher 2010; "
    "as summarised by KellyMom, 'When will my milk come in?'."
)
KELLYMOM_URL = "https://kellymom.com/ages/newborn/when-will-my-milk-come-in/"
KELLYMOM_NOTE = (
    "Typical 24-hour intake of a breastfed baby by day 7 (30-60 ml per feed); a guide range, "
    "not a measured distribution."
)


def one_source(apps, schema_editor):
    reference = apps.get_model("evaluation", "MilkVolumeReference")
    reference.objects.filter(source=SAINT_1984).update(
        bounds="observed_extremes", study_size=SAINT_1984_STUDY_SIZE, note=SAINT_1984_NOTE
    )
    reference.objects.filter(postpartum_day=7, source=KELLYMOM).delete()


def two_sources(apps, schema_editor):
    reference = apps.get_model("evaluation", "MilkVolumeReference")
    reference.objects.filter(source=SAINT_1984, note=SAINT_1984_NOTE).update(
        note=SAINT_1984_NOTE_BEFORE, study_size=None
    )
    reference.objects.get_or_create(
        postpartum_day=7,
        defaults={
            "lower_ml": Decimal("300"),
            "upper_ml": Decimal("600"),
            "mean_ml": None,
            "bounds": "guide_range",
            "source": KELLYMOM,
            "source_url": KELLYMOM_URL,
            "note": KELLYMOM_NOTE,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_seed_milk_volume_references")]

    operations = [
        migrations.AddField(
            model_name="milkvolumereference",
            name="bounds",
            field=models.CharField(
                choices=[
                    (
                        "observed_extremes",
                        "Lowest and highest observed in a small study (not a normal range)",
                    ),
                    ("guide_range", "A guide range, not a measured distribution"),
                ],
                default="observed_extremes",
                max_length=20,
                verbose_name="what the bounds are",
            ),
        ),
        migrations.AddField(
            model_name="milkvolumereference",
            name="study_size",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How many mothers the bounds come from, when the source says.",
                null=True,
                verbose_name="mothers studied",
            ),
        ),
        migrations.AddConstraint(
            model_name="milkvolumereference",
            constraint=models.CheckConstraint(
                condition=models.Q(("bounds__in", ["observed_extremes", "guide_range"])),
                name="milk_reference_bounds_kind_is_known",
            ),
        ),
        migrations.RunPython(one_source, two_sources),
    ]
