"""The danger-sign catalogue (issue 19): a severity per sign decides the flag, thresholds printed
in a sign's wording come from its data, and the corrected catalogue reaches existing installs."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.catalogue import DANGER_SIGNS
from kaderasi.care.danger_sign_rules import (
    flag_severity_of,
    format_number,
    most_severe,
    render_sign_text,
    wording_problem,
)
from kaderasi.care.models import DangerSign
from kaderasi.care.models.danger_signs import flag_severity_for_signs
from kaderasi.tests.migrations import migrate, migrated_back

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def test_the_most_severe_sign_decides_the_flag():
    assert most_severe(["review", "emergency", "same_day"]) == "emergency"
    assert flag_severity_of(["review", "emergency"]) == "red"
    assert flag_severity_of(["same_day", "review"]) == "red"
    assert flag_severity_of(["review", "review"]) == "amber"
    assert flag_severity_of([]) is None


def test_a_threshold_is_printed_as_a_number_of_the_language():
    text = "Demam (di atas {fever} °C) atau napas {breaths} kali"
    parameters = {"fever": 37.5, "breaths": 60}
    assert render_sign_text(text, parameters, "id") == "Demam (di atas 37,5 °C) atau napas 60 kali"
    assert render_sign_text(text, parameters, "en") == "Demam (di atas 37.5 °C) atau napas 60 kali"
    assert render_sign_text("{missing} kali", {}, "id") == "{missing} kali"


def test_wording_without_its_threshold_is_a_problem():
    assert wording_problem(["{days} hari", "{days} days"], {"days": 2}) is None
    assert wording_problem(["{days} hari"], {}) == "missing:days"
    assert wording_problem(["{days} hari"], {"days": "dua"}) == "not_a_number:days"
    assert wording_problem(["{a.b}"], {}) == "bad_placeholder:a.b"


def test_no_shipped_sign_types_a_number_the_data_does_not_hold():
    for sign in DANGER_SIGNS:
        for text in (sign["text_id"], sign["text_en"]):
            without_placeholders = re.sub(r"\{\w+\}", "", text)
            assert NUMBER.findall(without_placeholders) == [], (sign["code"], text)
        assert wording_problem([sign["text_id"], sign["text_en"]], sign["parameters"]) is None


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_printed_threshold_equals_its_parameter(language):
    signs = DangerSign.objects.exclude(parameters={})
    assert signs.count() == 8
    for sign in signs:
        with translation.override(language):
            printed = NUMBER.findall(sign.text)
        expected = [format_number(value, language) for value in sign.parameters.values()]
        assert sorted(printed) == sorted(expected), sign.code


@pytest.mark.django_db
def test_a_check_flags_by_the_data_of_its_most_severe_sign():
    assert flag_severity_for_signs(["back_wound"]) == "amber"
    assert flag_severity_for_signs(["back_wound", "foul_discharge"]) == "red"
    assert flag_severity_for_signs(["grunting"]) == "red"
    assert flag_severity_for_signs([]) is None
    DangerSign.objects.filter(code="foul_discharge").update(severity="review")
    assert flag_severity_for_signs(["back_wound", "foul_discharge"]) == "amber"


@pytest.mark.django_db
def test_changing_a_threshold_changes_the_wording():
    sign = DangerSign.objects.get(code="difficult_breathing")
    sign.parameters = {"breaths_per_minute": 50}
    with translation.override("id"):
        assert sign.text.startswith("Napas cepat: 50 kali atau lebih dalam satu menit")
    with translation.override("en"):
        assert sign.text.startswith("Fast breathing: 50 breaths or more in one minute")


@pytest.mark.django_db
def test_blood_pressure_is_two_signs_with_their_thresholds():
    high = DangerSign.objects.get(code="high_blood_pressure")
    very_high = DangerSign.objects.get(code="very_high_blood_pressure")
    assert (high.severity, high.parameters) == ("same_day", {"systolic": 140, "diastolic": 90})
    assert (very_high.severity, very_high.parameters) == (
        "emergency",
        {"systolic": 160, "diastolic": 110},
    )
    with translation.override("id"):
        assert "angka atas 160 atau lebih, atau angka bawah 110 atau lebih" in very_high.text


@pytest.mark.django_db
def test_declining_and_normal_breastfeeding_troubles_are_not_danger_signs():
    assert DangerSign.objects.get(code="mother_declines").is_active is False
    texts = " ".join(DangerSign.objects.filter(is_active=True).values_list("text_id", flat=True))
    for word in ("menolak", "puting", "lecet", "let-down", "popok"):
        assert word not in texts
    afterpains = DangerSign.objects.get(code="abdominal_or_back_pain")
    assert (
        afterpains.text_id == "Nyeri hebat di perut bagian bawah (bukan mulas biasa saat menyusui)"
    )
    breast = DangerSign.objects.get(code="painful_red_breast_fever")
    assert breast.text_id == "Payudara merah, bengkak, dan nyeri (dengan atau tanpa demam)"
    assert (breast.severity, breast.stops_massage) == ("same_day", False)


@pytest.mark.django_db
def test_every_sign_has_a_severity_and_a_primary_source():
    for sign in DangerSign.objects.all():
        assert sign.severity in {"emergency", "same_day", "review"}
        assert "proposal [S]" in sign.source
    newborn = DangerSign.objects.filter(group="newborn", is_active=True)
    assert all("WHO" in sign.source or "kartu warna tinja" in sign.source for sign in newborn)
    assert all("Buku KIA" in sign.source for sign in DangerSign.objects.filter(group="mother"))


BEFORE = [("care", "0007_danger_sign_stops_massage")]
AFTER = [("care", "0008_danger_sign_severity")]
SHIPPED = [
    ("abdominal_or_back_pain", "mother", "Nyeri perut bagian bawah atau punggung"),
    ("very_high_blood_pressure", "before_massage", "SEDANG DIEDIT OLEH KOORDINATOR"),
    ("mother_declines", "before_massage", "Apakah ibu menolak dipijat atau merasa tidak nyaman?"),
    ("difficult_breathing", "newborn", "Sesak atau sulit bernapas"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_corrects_an_existing_catalogue_and_adds_the_missing_signs():
    with migrated_back():
        apps = migrate(BEFORE)
        old_sign = apps.get_model("care", "DangerSign")
        old_sign.objects.all().delete()
        for order, (code, group, text) in enumerate(SHIPPED, start=1):
            old_sign.objects.create(
                code=code,
                group=group,
                text_id=text,
                text_en="shipped",
                source="Domain reference §3.4: Buku KIA-derived health education "
                "(https://pwmu.co/?p=71720).",
                order=order,
            )
        apps = migrate(AFTER)
        sign = apps.get_model("care", "DangerSign")
        rows = {row.code: row for row in sign.objects.all()}
        assert set(rows) == {s["code"] for s in DANGER_SIGNS}
        assert rows["abdominal_or_back_pain"].text_id.startswith("Nyeri hebat di perut")
        assert rows["abdominal_or_back_pain"].severity == "same_day"
        assert rows["very_high_blood_pressure"].text_id == "SEDANG DIEDIT OLEH KOORDINATOR"
        assert rows["very_high_blood_pressure"].parameters == {"systolic": 160, "diastolic": 110}
        assert rows["very_high_blood_pressure"].severity == "emergency"
        assert rows["mother_declines"].is_active is False
        assert rows["difficult_breathing"].parameters == {"breaths_per_minute": 60}
        assert rows["difficult_breathing"].source.startswith("Buku KIA")
        for code in ("grunting", "pale_stools", "calf_swelling_one_side", "low_mood_or_self_harm"):
            assert rows[code].is_active is True
        assert rows["grunting"].severity == "emergency"
        assert rows["heavy_bleeding"].stops_massage is True


def _sign_form(sign, **changes):
    values = {
        "group": sign.group,
        "severity": sign.severity,
        "parameters": json.dumps(sign.parameters),
        "text_id": sign.text_id,
        "text_en": sign.text_en,
        "source": sign.source,
        "order": sign.order,
        "stops_massage": "on" if sign.stops_massage else "",
        "is_active": "on",
    }
    return {**values, **changes}


@pytest.mark.django_db
def test_a_coordinator_changes_a_threshold_and_the_wording_follows(client, coordinator):
    sign = DangerSign.objects.get(code="difficult_breathing")
    client.force_login(coordinator)
    url = reverse("admin:care_dangersign_change", args=[sign.pk])
    response = client.post(url, _sign_form(sign, parameters='{"breaths_per_minute": 50}'))
    assert response.status_code == 302
    sign.refresh_from_db()
    with translation.override("id"):
        assert sign.text.startswith("Napas cepat: 50 kali atau lebih")


@pytest.mark.django_db
def test_a_threshold_the_wording_names_cannot_be_removed(client, coordinator):
    sign = DangerSign.objects.get(code="difficult_breathing")
    client.force_login(coordinator)
    url = reverse("admin:care_dangersign_change", args=[sign.pk])
    with translation.override("en"):
        response = client.post(url, _sign_form(sign, parameters="{}"))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "missing:breaths_per_minute" in errors["parameters"][0]
    sign.refresh_from_db()
    assert sign.parameters == {"breaths_per_minute": 60}
