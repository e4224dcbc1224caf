"""The paper's programme (seeded with the demo) exported and imported into a new programme gives
the identical evaluation, through a workbook, a CSV folder and a pseudonymised workbook. The demo
is seeded once for the module; each test imports its copy in a savepoint of its own."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.conftest import built_once_per_module
from kaderasi.core import clock
from kaderasi.interop.exports import programme_csv_files, write_csv_folder
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.test_round_trip import evaluation_of, export_xlsx
from kaderasi.interop.workbook import read_csv_folder, read_xlsx
from kaderasi.programmes.models import Programme

pytestmark = pytest.mark.django_db


_demo = built_once_per_module(lambda: call_command("demo", "--no-serve", stdout=io.StringIO()))


@pytest.fixture
def demo(_demo, db):
    """The demo's admin, who imports the copies."""
    return User.objects.get(username="admin")


def test_the_papers_programme_survives_an_xlsx_round_trip(demo):
    workbook = read_xlsx(io.BytesIO(export_xlsx("pandes-2018")), source_name="pandes.xlsx")

    programme_import(workbook=workbook, slug="pandes-copy", by=demo, now=clock.now())

    assert evaluation_of("pandes-copy") == evaluation_of("pandes-2018")
    copy = Programme.objects.get(slug="pandes-copy")
    original = Programme.objects.get(slug="pandes-2018")
    assert (copy.name, copy.area, copy.is_illustrative, copy.data_note) == (
        original.name,
        original.area,
        True,
        original.data_note,
    )


def test_the_papers_programme_survives_a_csv_folder_round_trip(demo, tmp_path):
    files = programme_csv_files(
        Programme.objects.get(slug="pandes-2018"),
        cadres=Cadre.objects.all(),
        mothers=Mother.objects.all(),
    )
    folder = tmp_path / "pandes"
    write_csv_folder(folder, files)

    programme_import(workbook=read_csv_folder(folder), slug="pandes-csv", by=demo, now=clock.now())

    assert evaluation_of("pandes-csv") == evaluation_of("pandes-2018")


def test_a_pseudonymised_export_has_codes_instead_of_names_and_no_phones(demo):
    Cadre.objects.filter(code="K01").update(phone="+6281234567890")
    content = export_xlsx("pandes-2018", pseudonymised=True)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cadres = list(workbook["cadres"].iter_rows(values_only=True))
    mothers = list(workbook["mothers"].iter_rows(values_only=True))
    assert cadres[1][:3] == ("K01", "K01", None)
    assert mothers[1][:2] == ("M01", "M01")
    text = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "Ny. Am" not in text
    assert "812" not in text

    programme_import(
        workbook=read_xlsx(io.BytesIO(content), source_name="pseudo.xlsx"),
        slug="pandes-pseudo",
        by=demo,
        now=clock.now(),
    )
    assert evaluation_of("pandes-pseudo") == evaluation_of("pandes-2018")
