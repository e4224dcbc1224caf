"""Importing a programme workbook: what is created, and how it is placed on areas and days."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Measurement, Mother, Pairing, ScheduledSession
from kaderasi.care.timing import postpartum_day
from kaderasi.core.bulk_audit import audit_entries_of
from kaderasi.core.errors import DomainError
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.models import ImportSource, ProgrammeImport
from kaderasi.interop.services import programme_import
from kaderasi.interop.tests.builders import VALID, copy_of, csv_workbook, xlsx_workbook
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.regions.models import Area
from kaderasi.training.models import TestAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run_import(workbook, *, by, now, slug="wedi-2026", **options):
    return programme_import(workbook=workbook, slug=slug, by=by, now=now, **options)


def test_a_valid_workbook_creates_cadres_scores_mothers_deliveries_and_volumes(
    world, coordinator, now
):
    record = run_import(xlsx_workbook(VALID), by=coordinator, now=now)

    assert (record.cadres, record.knowledge_tests, record.mothers, record.milk_volumes) == (
        2,
        4,
        2,
        4,
    )
    assert record.source == ImportSource.CONSOLE
    assert record.imported_by == coordinator
    assert not record.created_programme
    cadres = {cadre.code: cadre for cadre in Cadre.objects.filter(programme=world.programme)}
    assert cadres["K01"].phone == "+6281234567890"
    assert cadres["K01"].posyandu == world.mawar
    assert cadres["K02"].posyandu.name == "Posyandu Melati"
    assert cadres["K02"].posyandu.parent == world.canan
    scores = TestAttempt.objects.filter(training=record.training).order_by("cadre__code", "phase")
    assert [(s.cadre.code, s.phase, s.score) for s in scores] == [
        ("K01", "post", Decimal("90.00")),
        ("K01", "pre", Decimal("50.00")),
        ("K02", "post", Decimal("85.00")),
        ("K02", "pre", Decimal("62.50")),
    ]
    mother = Mother.objects.get(code="M02")
    assert mother.group == "intervention"
    assert mother.posyandu == cadres["K02"].posyandu
    delivery = mother.pregnancies.get().delivery
    assert (delivery.delivery_type, delivery.parity) == ("caesarean", 2)
    assert timezone.localdate(delivery.delivered_at) == dt.date(2026, 3, 5)


def test_volumes_land_on_the_postpartum_day_the_workbook_gives(world, coordinator, now):
    run_import(xlsx_workbook(VALID), by=coordinator, now=now)

    days = {}
    for measurement in Measurement.objects.select_related("mother"):
        delivered_at = measurement.mother.pregnancies.get().delivery.delivered_at
        days[(measurement.mother.code, measurement.phase)] = (
            postpartum_day(delivered_at, measurement.measured_at),
            timezone.localdate(measurement.measured_at),
            measurement.method,
            measurement.basis,
        )
    assert days == {
        ("M01", "before"): (1, dt.date(2026, 3, 1), "hand_expression", "24h_estimate"),
        ("M01", "after"): (3, dt.date(2026, 3, 3), "hand_expression", "24h_estimate"),
        # No date: the day after the delivery date that postpartum_day names.
        ("M02", "before"): (1, dt.date(2026, 3, 5), "manual_pump", "unknown"),
        # No postpartum day: the day of birth counts as day 1.
        ("M02", "after"): (4, dt.date(2026, 3, 8), "manual_pump", "single_expression"),
    }


def test_pairings_of_uncertified_imported_cadres_record_the_importer_and_the_file(
    world, coordinator, now
):
    run_import(xlsx_workbook(VALID, name="wedi.xlsx"), by=coordinator, now=now)

    pairings = Pairing.objects.select_related("mother", "cadre").order_by("mother__code")
    assert [(p.mother.code, p.cadre.code, p.end_reason) for p in pairings] == [
        ("M01", "K01", "completed"),
        ("M02", "K02", "completed"),
    ]
    for pairing in pairings:
        assert pairing.certification_override_by == coordinator
        assert "wedi.xlsx" in pairing.certification_override_reason
        assert pairing.ends_at > pairing.starts_at


def test_a_csv_workbook_imports_the_same_rows_as_the_xlsx_one(world, coordinator, now):
    run_import(csv_workbook(VALID), by=coordinator, now=now)
    assert Cadre.objects.count() == 2
    assert TestAttempt.objects.count() == 4
    assert Measurement.objects.count() == 4


def test_a_new_programme_is_created_in_the_chosen_area_with_the_importer_on_its_team(
    world, coordinator, now
):
    sheets = copy_of(VALID)
    sheets["mothers"][2][3] = "comparison"

    record = run_import(
        xlsx_workbook(sheets),
        by=coordinator,
        now=now,
        slug="wedi-archive-2019",
        name="Arsip Wedi 2019",
        area=world.wedi,
    )

    programme = Programme.objects.get(slug="wedi-archive-2019")
    assert record.created_programme
    assert programme.name == "Arsip Wedi 2019"
    assert programme.area == world.wedi
    assert programme.starts_on == dt.date(2026, 1, 10)  # the earliest date of the data
    assert programme.design == StudyDesign.TWO_GROUP
    assert list(programme.team.all()) == [coordinator]


def test_the_programme_sheet_describes_a_new_programme(world, admin_user, now):
    sheets = copy_of(VALID)
    sheets["programme"] = [
        ["field", "value"],
        ["name", "Program Wedi"],
        ["area", "Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi"],
        ["starts_on", dt.date(2025, 12, 1)],
        ["ends_on", dt.date(2026, 6, 30)],
        ["is_illustrative", "yes"],
        ["data_note", "Skor pengetahuan ilustratif."],
    ]

    run_import(xlsx_workbook(sheets), by=admin_user, now=now, slug="wedi-sheet")

    programme = Programme.objects.get(slug="wedi-sheet")
    assert (programme.name, programme.area, programme.starts_on, programme.ends_on) == (
        "Program Wedi",
        world.wedi,
        dt.date(2025, 12, 1),
        dt.date(2026, 6, 30),
    )
    assert programme.is_illustrative
    assert programme.data_note == "Skor pengetahuan ilustratif."
    assert not programme.team.exists()  # an administrator sees every programme anyway


def test_a_new_programme_without_an_area_is_refused(world, coordinator, now):
    with pytest.raises(DomainError) as error:
        run_import(xlsx_workbook(VALID), by=coordinator, now=now, slug="nowhere")
    assert error.value.code == InteropErrorCode.AREA_REQUIRED
    assert not Programme.objects.filter(slug="nowhere").exists()


def test_a_coordinator_cannot_create_a_programme_outside_her_area(world, coordinator, now):
    with pytest.raises(DomainError) as error:
        run_import(
            xlsx_workbook(VALID), by=coordinator, now=now, slug="sleman-x", area=world.sleman
        )
    assert error.value.code == InteropErrorCode.AREA_OUT_OF_SCOPE
    assert not Programme.objects.filter(slug="sleman-x").exists()


def test_a_coordinator_cannot_import_into_a_programme_she_cannot_see(world, coordinator, now):
    with pytest.raises(DomainError) as error:
        run_import(xlsx_workbook(VALID), by=coordinator, now=now, slug="sleman-2026")
    assert error.value.code == InteropErrorCode.PROGRAMME_NOT_VISIBLE
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("persona", ["midwife", "district_officer", "cadre_user"])
def test_only_coordinators_and_administrators_import(request, world, persona, now):
    with pytest.raises(DomainError) as error:
        run_import(xlsx_workbook(VALID), by=request.getfixturevalue(persona), now=now)
    assert error.value.code == InteropErrorCode.NOT_ALLOWED
    assert not Cadre.objects.filter(code="K02").exists()


def test_the_same_content_is_never_imported_twice_into_a_programme(world, coordinator, now):
    run_import(xlsx_workbook(VALID), by=coordinator, now=now)

    # The same data again, this time as CSV files: same content, same hash.
    with pytest.raises(DomainError) as error:
        run_import(csv_workbook(VALID), by=coordinator, now=now)

    assert error.value.code == InteropErrorCode.ALREADY_IMPORTED
    assert "nothing was changed" in str(error.value.message)
    assert Cadre.objects.count() == 2
    assert ProgrammeImport.objects.count() == 1


def test_the_same_content_may_go_into_another_programme(world, admin_user, now):
    run_import(xlsx_workbook(VALID), by=admin_user, now=now)
    run_import(xlsx_workbook(VALID), by=admin_user, now=now, slug="copy", area=world.wedi)
    assert Cadre.objects.filter(code="K01").count() == 2


def test_a_second_workbook_adds_volumes_for_mothers_already_in_the_programme(
    world, coordinator, now
):
    first = copy_of(VALID)
    first["milk_volumes"] = first["milk_volumes"][:2]  # M01 before only
    run_import(xlsx_workbook(first), by=coordinator, now=now)

    later = {
        "milk_volumes": [
            VALID["milk_volumes"][0],
            ["M01", "after", 300, dt.date(2026, 3, 3), 3, "hand_expression", "24h_estimate"],
        ],
    }
    record = run_import(xlsx_workbook(later), by=coordinator, now=now)

    assert record.milk_volumes == 1
    assert list(
        Measurement.objects.filter(mother__code="M01")
        .order_by("measured_at")
        .values_list("phase", flat=True)
    ) == ["before", "after"]


def test_unknown_posyandu_in_a_district_programme_needs_its_village(world, coordinator, now):
    sheets = {"cadres": [["code", "name", "posyandu"], ["K09", "Wati", "Posyandu Baru"]]}
    from kaderasi.interop.plan import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        run_import(xlsx_workbook(sheets), by=coordinator, now=now)
    [issue] = rejected.value.issues
    assert (issue.sheet, issue.row, issue.column, issue.code) == (
        "cadres",
        2,
        "village",
        InteropErrorCode.VILLAGE_REQUIRED,
    )
    assert not Area.objects.filter(name="Posyandu Baru").exists()


def test_a_village_programme_places_cadres_without_a_posyandu_at_an_unrecorded_one(
    world, admin_user, now
):
    run_import(
        xlsx_workbook({"cadres": [["code", "name"], ["K01", "Sri"]]}),
        by=admin_user,
        now=now,
        slug="pandes-only",
        area=world.pandes,
    )
    posyandu = Cadre.objects.get(programme__slug="pandes-only").posyandu
    assert posyandu.parent == world.pandes
    assert posyandu.level == "posyandu"


def test_a_historical_accompaniment_gets_no_massage_sessions_and_logs_no_line_per_mother(
    world, coordinator, now, caplog
):
    caplog.set_level(logging.DEBUG, logger="kaderasi.care.services.schedule")

    run_import(xlsx_workbook(VALID), by=coordinator, now=now)

    # Both deliveries (March 2026) are months before the import: the protocol's days are over.
    assert Mother.objects.filter(pregnancies__delivery__isnull=False).count() == 2
    assert not ScheduledSession.objects.exists()
    assert not [r for r in caplog.records if r.name == "kaderasi.care.services.schedule"]


def test_a_mother_still_inside_her_protocol_gets_her_massage_sessions(world, coordinator, now):
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    sheets = {
        "cadres": VALID["cadres"],
        "mothers": [
            VALID["mothers"][0],
            ["M01", "Ibu Ani", "K01", "intervention", dt.date(2026, 3, 1), "spontaneous", 1],
            ["M03", "Ibu Citra", "K01", "intervention", yesterday, "spontaneous", 1],
        ],
    }

    run_import(xlsx_workbook(sheets), by=coordinator, now=now)

    planned = ScheduledSession.objects.filter(cancelled_at__isnull=True)
    assert set(planned.values_list("mother__code", flat=True)) == {"M03"}
    assert planned.count() == world.programme.sessions_per_day * world.programme.protocol_days


def test_rows_written_in_bulk_keep_their_audit_trail(world, admin_user, now):
    run_import(xlsx_workbook(VALID), by=admin_user, now=now)

    mother = Mother.objects.get(programme=world.programme, code="M01")
    cadre = Cadre.objects.get(programme=world.programme, code="K01")
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    pairing = Pairing.objects.get(mother=mother)
    for row in (mother, cadre, delivery, pairing):
        assert audit_entries_of(row).filter(actor=admin_user).exists(), type(row).__name__
    assert pairing.end_reason == "completed"
    assert pairing.certification_override_by == admin_user
