"""Mothers without a cadre (a comparison group) are placed by the posyandu and village columns of
the mothers sheet (issue 13, build 5): a district two-group workbook imports and evaluates."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.exports import programme_workbook
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import xlsx_workbook
from kaderasi.interop.workbook import read_xlsx
from kaderasi.programmes.models import Programme, StudyDesign

pytestmark = pytest.mark.django_db

MOTHER_COLUMNS = ["code", "name", "cadre_code", "group", "delivery_date", "posyandu", "village"]
VOLUME_COLUMNS = ["mother_code", "phase", "volume_ml", "measured_on", "postpartum_day"]


def district_two_group(villages, *, cadres_per_village, mothers_per_cadre):
    """The shape of a district programme with a comparison group: each cadre accompanies her
    intervention mothers, and as many comparison mothers (no cadre) live in the same villages."""
    sheets = {
        "programme": [["field", "value"], ["design", "two_group"]],
        "cadres": [["code", "name", "posyandu", "village"]],
        "mothers": [MOTHER_COLUMNS],
        "milk_volumes": [VOLUME_COLUMNS],
    }
    delivered = dt.date(2026, 3, 1)
    number = 0
    for posyandu, village in villages:
        for c in range(cadres_per_village):
            cadre = f"K{len(sheets['cadres']):04d}"
            sheets["cadres"].append([cadre, f"Kader {cadre}", posyandu, village])
            for m in range(mothers_per_cadre * 2):
                number += 1
                code = f"M{number:05d}"
                comparison = m % 2 == 1
                sheets["mothers"].append(
                    [
                        code,
                        f"Ibu {code}",
                        "" if comparison else cadre,
                        "comparison" if comparison else "intervention",
                        delivered,
                        posyandu if comparison else "",
                        village if comparison else "",
                    ]
                )
                gain = 150 if comparison else 220
                sheets["milk_volumes"].append([code, "before", 40 + m, delivered, 1])
                sheets["milk_volumes"].append(
                    [code, "after", 40 + m + gain + c, delivered + dt.timedelta(days=2), 3]
                )
    return sheets


def _evaluation(slug):
    with translation.override("en"):
        return programme_evaluation(
            Programme.objects.get(slug=slug),
            cadres=Cadre.objects.all(),
            mothers=Mother.objects.all(),
        )


def test_a_district_two_group_workbook_imports_and_evaluates(world, admin_user, now):
    world.canan.code = "33.10.06.2002"
    world.canan.save()
    villages = [("Mawar", "Pandes"), ("Posyandu Kenanga", "33.10.06.2002")]
    sheets = district_two_group(villages, cadres_per_village=2, mothers_per_cadre=3)

    record = programme_import(
        workbook=xlsx_workbook(sheets), slug="wedi-two", by=admin_user, now=now, area=world.wedi
    )

    assert (record.cadres, record.mothers, record.milk_volumes) == (4, 24, 48)
    comparison = Mother.objects.filter(programme__slug="wedi-two", group="comparison")
    assert comparison.count() == 12
    assert not comparison.filter(pairings__isnull=False).exists()
    assert set(comparison.values_list("posyandu__name", flat=True)) == {
        "Posyandu Mawar",
        "Posyandu Kenanga",
    }
    assert Programme.objects.get(slug="wedi-two").design == StudyDesign.TWO_GROUP
    result = _evaluation("wedi-two")
    assert result["comparison"]["n_intervention"] == 12
    assert result["comparison"]["n_comparison"] == 12
    assert result["flow"]["mothers"]["comparison"]["analysed"] == 12


def test_the_export_writes_each_mothers_posyandu_and_village_and_re_imports(world, admin_user, now):
    sheets = district_two_group([("Mawar", "Pandes")], cadres_per_village=1, mothers_per_cadre=2)
    programme_import(
        workbook=xlsx_workbook(sheets), slug="wedi-two", by=admin_user, now=now, area=world.wedi
    )
    content = programme_workbook(
        Programme.objects.get(slug="wedi-two"),
        cadres=Cadre.objects.all(),
        mothers=Mother.objects.all(),
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["mothers"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("posyandu", "village")
    assert rows[2][2] is None and rows[2][-2:] == ("Posyandu Mawar", "Desa Pandes")

    programme_import(
        workbook=read_xlsx(io.BytesIO(content), source_name="two.xlsx"),
        slug="wedi-two-copy",
        by=admin_user,
        now=now,
    )
    assert _evaluation("wedi-two-copy")["comparison"] == _evaluation("wedi-two")["comparison"]


def test_a_mother_without_a_cadre_in_an_unknown_village_is_refused_naming_the_column(
    world, admin_user, now
):
    sheets = district_two_group([("Mawar", "Pandes")], cadres_per_village=1, mothers_per_cadre=1)
    sheets["mothers"][2][6] = "Desa Tidak Ada"

    with pytest.raises(ImportRejected) as rejected:
        programme_import(
            workbook=xlsx_workbook(sheets), slug="wedi-two", by=admin_user, now=now, area=world.wedi
        )

    (issue,) = rejected.value.issues
    assert (issue.sheet, issue.row, issue.column, issue.code) == (
        "mothers",
        3,
        "village",
        InteropErrorCode.VILLAGE_NOT_FOUND,
    )
