"""Danger signs get a severity (emergency, same day, review) and thresholds as data, and the
shipped catalogue is corrected on existing installs (issue 19): afterpains only when severe, blood
pressure defined (140/90 same day, 160/110 emergency), the breast sign with or without fever, the
missing maternal and newborn signs of Buku KIA and WHO 2022, and `mother_declines` switched off
(declining is recorded as a skipped session, not referred).

Wording a coordinator has edited is kept: only a text still as first shipped is replaced. Going
back removes the two fields and leaves the rows (explicitly no data step back)."""

from django.db import migrations, models

# The wording shipped by care 0005, (Indonesian, English): a row still reading so is corrected.
SHIPPED_TEXTS = {
    "abdominal_or_back_pain": (
        "Nyeri perut bagian bawah atau punggung",
        "Lower-abdominal or back pain",
    ),
    "back_injury": (
        "Apakah ibu baru mengalami cedera tulang belakang atau punggung?",
        "Has the mother recently injured her spine or back?",
    ),
    "back_wound": (
        "Ada luka, ruam, luka bakar, atau infeksi di punggung ibu?",
        "Is there a wound, rash, burn or infection on the mother's back?",
    ),
    "bleeding_or_danger_sign": (
        "Apakah ada perdarahan banyak dari jalan lahir atau tanda bahaya lain pada ibu?",
        "Is there heavy vaginal bleeding or another danger sign in the mother?",
    ),
    "convulsions": ("Kejang", "Convulsions"),
    "difficult_breathing": ("Sesak atau sulit bernapas", "Difficulty breathing"),
    "eye_pus": ("Mata bernanah banyak", "Eyes with a lot of pus"),
    "fever_or_cold": (
        "Demam (di atas 37,5 °C) atau tubuh dingin (di bawah 36,5 °C)",
        "Fever (above 37.5 °C) or cold (below 36.5 °C)",
    ),
    "fever_or_unwell": (
        "Apakah ibu demam (38 °C atau lebih) atau merasa tidak enak badan?",
        "Does the mother have a fever (38 °C or more) or feel unwell?",
    ),
    "foul_discharge": (
        "Keluar cairan berbau busuk dari jalan lahir",
        "Foul-smelling vaginal discharge",
    ),
    "headache_or_vision": (
        "Sakit kepala terus-menerus, nyeri ulu hati, atau pandangan kabur",
        "Persistent headache, epigastric pain or problems with vision",
    ),
    "heavy_bleeding": (
        "Perdarahan tiba-tiba atau banyak (2 pembalut penuh dalam setengah jam)",
        "Sudden or heavy vaginal bleeding (2 pads soaked in half an hour)",
    ),
    "jaundice": (
        "Kuning dalam 24 jam pertama, lebih dari 14 hari, atau sampai telapak kaki",
        "Jaundice in the first 24 hours, lasting over 14 days, or reaching the soles",
    ),
    "mother_declines": (
        "Apakah ibu menolak dipijat atau merasa tidak nyaman?",
        "Does the mother decline the massage or feel uncomfortable?",
    ),
    "not_feeding": ("Bayi tidak mau menyusu", "The baby will not feed"),
    "painful_red_breast_fever": (
        "Payudara merah, bengkak, dan nyeri, disertai demam",
        "A red, swollen, painful breast with fever",
    ),
    "red_umbilicus": ("Tali pusat kemerahan", "Reddened umbilical stump"),
    "severe_back_pain": (
        "Apakah ibu mengeluh nyeri punggung yang berat?",
        "Does the mother report severe back pain?",
    ),
    "swelling_face_hands": ("Bengkak di wajah atau tangan", "Swelling of the face or hands"),
    "very_high_blood_pressure": (
        "Jika tekanan darah ibu sudah diukur: apakah sangat tinggi?",
        "If her blood pressure was measured: was it very high?",
    ),
    "weak_or_lethargic": ("Bayi lemah atau lemas", "The baby is weak or lethargic"),
}

# The sources shipped by care 0005: a row still citing one of them gets its primary source.
SHIPPED_SOURCES = {
    "Domain reference §1.3 (proposal [S]): no SOP consulted lists contraindications; these "
    "stop-and-refer conditions need the programme midwife's sign-off.",
    "Domain reference §3.4: Indonesian health-education leaflet "
    "(https://fdokumen.com/document/leaflet-gizi-ibu-post-partum-ok-565204df8b45e.html).",
    "Domain reference §3.4: StatPearls, Acute mastitis; ABM Protocol #36 (2022).",
    "Domain reference §3.4: Buku KIA-derived health education (https://pwmu.co/?p=71720).",
}


def correct_the_catalogue(apps, schema_editor):
    from kaderasi.care.catalogue import DANGER_SIGNS

    danger_sign = apps.get_model("care", "DangerSign")
    existing = {row.code: row for row in danger_sign.objects.all()}
    for order, sign in enumerate(DANGER_SIGNS, start=1):
        row = existing.get(sign["code"])
        if row is None:
            danger_sign.objects.create(
                **{name: value for name, value in sign.items()},
                order=order,
            )
            continue
        shipped_id, shipped_en = SHIPPED_TEXTS.get(row.code, (None, None))
        if row.text_id == shipped_id:
            row.text_id = sign["text_id"]
        if row.text_en == shipped_en:
            row.text_en = sign["text_en"]
        if row.source in SHIPPED_SOURCES:
            row.source = sign["source"]
        row.severity = sign["severity"]
        row.stops_massage = sign["stops_massage"]
        row.parameters = sign["parameters"]
        row.order = order
        if not sign["is_active"]:
            row.is_active = False
        row.save()


class Migration(migrations.Migration):
    dependencies = [("care", "0007_danger_sign_stops_massage")]

    operations = [
        migrations.AddField(
            model_name="dangersign",
            name="severity",
            field=models.CharField(
                choices=[
                    ("emergency", "Emergency: to the puskesmas or hospital now"),
                    ("same_day", "Same day: call the midwife now"),
                    ("review", "Review: the midwife within 24 hours"),
                ],
                default="same_day",
                max_length=10,
                verbose_name="severity",
            ),
        ),
        migrations.AddField(
            model_name="dangersign",
            name="parameters",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    'Numbers the question names in braces, e.g. {"breaths_per_minute": 60} for '
                    '"{breaths_per_minute} breaths or more in one minute".'
                ),
                verbose_name="thresholds",
            ),
        ),
        migrations.AddConstraint(
            model_name="dangersign",
            constraint=models.CheckConstraint(
                condition=models.Q(("severity__in", ["emergency", "same_day", "review"])),
                name="danger_sign_severity_is_known",
            ),
        ),
        migrations.RunPython(correct_the_catalogue, migrations.RunPython.noop),
    ]
