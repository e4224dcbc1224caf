"""Seed the reference 24-hour milk volumes of domain.md §3.1 (reversible)."""

from decimal import Decimal

from django.db import migrations

SAINT_1984 = (
    "Saint L, Smith M, Hartmann PE. The yield and nutrient content of colostrum and milk of "
    "women from giving birth to 1 month post-partum. Br J Nutr 1984;52(1):87-95."
)
SAINT_1984_URL = "https://pubmed.ncbi.nlm.nih.gov/6743645/"
SAINT_1984_NOTE = (
    "Test weighing of the infant before and after every feed over 24 hours, in grams "
    "(1 g of milk is about 1 ml). The bounds are the lowest and highest mother in the study; "
    "the mean is the study mean."
)
KELLYMOM = (
    "Academy of Breastfeeding Medicine Protocol #3 (2009); Mannel 2013; Mohrbacher 2010; "
    "as summarised by KellyMom, 'When will my milk come in?'."
)
KELLYMOM_URL = "https://kellymom.com/ages/newborn/when-will-my-milk-come-in/"
KELLYMOM_NOTE = (
    "Typical 24-hour intake of a breastfed baby by day 7 (30-60 ml per feed); a guide range, "
    "not a measured distribution."
)

REFERENCES = [
    # day, lower, upper, mean, source, url, note
    (1, "7.0", "122.5", "37.1", SAINT_1984, SAINT_1984_URL, SAINT_1984_NOTE),
    (3, "98", "775", "408", SAINT_1984, SAINT_1984_URL, SAINT_1984_NOTE),
    (5, "452", "876", "705", SAINT_1984, SAINT_1984_URL, SAINT_1984_NOTE),
    (7, "300", "600", None, KELLYMOM, KELLYMOM_URL, KELLYMOM_NOTE),
]


def seed(apps, schema_editor):
    reference_model = apps.get_model("evaluation", "MilkVolumeReference")
    for day, lower, upper, mean, source, url, note in REFERENCES:
        reference_model.objects.get_or_create(
            postpartum_day=day,
            defaults={
                "lower_ml": Decimal(lower),
                "upper_ml": Decimal(upper),
                "mean_ml": Decimal(mean) if mean is not None else None,
                "source": source,
                "source_url": url,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    reference_model = apps.get_model("evaluation", "MilkVolumeReference")
    reference_model.objects.filter(
        postpartum_day__in=[row[0] for row in REFERENCES],
        source__in={row[4] for row in REFERENCES},
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_milk_volume_reference")]

    operations = [migrations.RunPython(seed, unseed)]
