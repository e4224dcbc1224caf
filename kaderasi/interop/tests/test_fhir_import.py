"""import-fhir: Patients and milk-volume Observations of a FHIR Bundle into a programme, all or
nothing, every problem listed by entry and element."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kaderasi.care.models import Measurement, MeasurementKind, Mother
from kaderasi.conftest import WIB
from kaderasi.core.errors import DomainError
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.fhir.imports import fhir_import, fhir_issue_line, read_bundle
from kaderasi.interop.models import ProgrammeImport
from kaderasi.interop.plan import ImportRejected
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; test_import_fhir_speaks_indonesian_by_default checks
    # the site's language.
    with translation.override("en"):
        yield


NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)


def _patient(patient_id="p1", *, record="RM-001", village="Desa Pandes", nik=None):
    identifiers = [{"system": "https://puskesmas-wedi.example/rekam-medis", "value": record}]
    if nik:
        identifiers.append({"system": "https://fhir.kemkes.go.id/id/nik", "value": nik})
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": identifiers,
        "name": [{"given": ["Siti"], "family": "Aminah"}],
        "gender": "female",
    }
    if village:
        patient["address"] = [{"line": [village], "city": "Kabupaten Klaten"}]
    return {"fullUrl": f"https://puskesmas-wedi.example/Patient/{patient_id}", "resource": patient}


def _milk(patient_id="p1", *, value=12.5, unit="mL", at="2026-11-28T07:30:00+07:00", **extra):
    observation = {
        "resourceType": "Observation",
        "id": f"o-{patient_id}-{value}",
        "status": "final",
        "code": {
            "coding": [
                {"system": "https://kaderasi.id/fhir/CodeSystem/care", "code": "milk-volume"}
            ]
        },
        "subject": {"reference": f"Patient/{patient_id}"},
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
        "method": {
            "coding": [
                {
                    "system": "https://kaderasi.id/fhir/CodeSystem/milk-method",
                    "code": "hand_expression",
                }
            ]
        },
        **extra,
    }
    if at is not None:
        observation["effectiveDateTime"] = at
    return {"resource": observation}


def _bundle(*entries):
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


def test_a_facility_bundle_creates_the_mother_and_her_milk_volume(world, admin_user):
    bundle = _bundle(_patient(nik="3310064107950001"), _milk())

    record = fhir_import(
        bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="rs.json"
    )

    mother = Mother.objects.get(programme=world.programme)
    assert (mother.code, mother.name, mother.nik) == ("RM-001", "Siti Aminah", "3310064107950001")
    assert mother.posyandu.parent == world.pandes
    volume = Measurement.objects.get(mother=mother)
    assert volume.kind == MeasurementKind.MILK_VOLUME
    assert volume.value == Decimal("12.5")
    assert volume.measured_at == dt.datetime(2026, 11, 28, 7, 30, tzinfo=WIB)
    assert volume.method == "hand_expression"
    assert (record.mothers, record.milk_volumes, record.imported_by) == (1, 1, admin_user)


def test_a_patient_whose_code_the_programme_has_is_that_mother_unchanged(world, admin_user):
    existing = f.MotherFactory(
        programme=world.programme, code="RM-001", name="Ibu Lama", posyandu=world.mawar
    )

    fhir_import(
        bundle=_bundle(_patient(), _milk()),
        programme=world.programme,
        by=admin_user,
        now=NOW,
        file_name="rs.json",
    )

    assert list(Mother.objects.filter(programme=world.programme)) == [existing]
    existing.refresh_from_db()
    assert existing.name == "Ibu Lama"
    assert Measurement.objects.get(mother=existing).value == Decimal("12.5")


def test_a_bundle_with_problems_saves_nothing_and_lists_each_by_entry_and_element(
    world, admin_user
):
    bundle = _bundle(
        _patient("p1"),
        _patient("p2", record="RM-002", village="Desa Tidak Ada"),
        _milk("p1", unit="L"),
        _milk("p1", at="2026-11-28T07:30:00"),
        _milk("p9"),
        _milk(
            "p2",
            value=20,
            bodySite={
                "coding": [
                    {"system": "https://kaderasi.id/fhir/CodeSystem/breast-side", "code": "middle"}
                ]
            },
        ),
    )

    with pytest.raises(ImportRejected) as rejected:
        fhir_import(
            bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="rs.json"
        )

    assert [fhir_issue_line(issue) for issue in rejected.value.issues] == [
        "Entry 2 (Patient), address: There is no village named “Desa Tidak Ada” in Kecamatan Wedi.",
        "Entry 3 (Observation), valueQuantity.code: A milk volume must be in millilitres "
        "(UCUM code mL).",
        "Entry 4 (Observation), effectiveDateTime: A milk volume needs its date and time with a "
        "time zone (effectiveDateTime).",
        "Entry 5 (Observation), subject: The subject Patient/p9 is not a Patient of the bundle.",
        "Entry 6 (Observation), bodySite: middle is not one of left, right, both.",
    ]
    assert not Mother.objects.filter(programme=world.programme).exists()
    assert not ProgrammeImport.objects.exists()


def test_a_volume_the_care_rules_refuse_rolls_back_the_mothers_already_written(world, admin_user):
    bundle = _bundle(_patient(), _milk(value=1600))

    with pytest.raises(ImportRejected) as rejected:
        fhir_import(
            bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="rs.json"
        )

    (issue,) = rejected.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Observation", 2, "valueQuantity.value")
    assert not Mother.objects.filter(programme=world.programme).exists()
    assert not Measurement.objects.exists()


def test_the_same_bundle_twice_is_refused_the_second_time(world, admin_user):
    bundle = _bundle(_patient(), _milk())
    fhir_import(bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="a")

    with pytest.raises(DomainError) as refused:
        fhir_import(bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="a")

    assert refused.value.code == InteropErrorCode.ALREADY_IMPORTED
    assert Measurement.objects.count() == 1


def test_a_cadre_may_not_import_and_nothing_changes(world, cadre_user):
    with pytest.raises(DomainError) as refused:
        fhir_import(
            bundle=_bundle(_patient(), _milk()),
            programme=world.programme,
            by=cadre_user,
            now=NOW,
            file_name="a",
        )

    assert refused.value.code == InteropErrorCode.NOT_ALLOWED
    assert not Mother.objects.filter(programme=world.programme).exists()


def test_a_file_that_is_not_a_bundle_is_refused_with_its_reason():
    with pytest.raises(DomainError) as not_json:
        read_bundle(b"{no")
    with pytest.raises(DomainError) as not_bundle:
        read_bundle(b'{"resourceType": "Patient"}')

    assert not_json.value.code == InteropErrorCode.UNREADABLE_FILE
    assert str(not_bundle.value.message) == "The file is not a FHIR Bundle (resourceType)."


def test_import_fhir_lists_the_problems_on_stderr_and_fails(world, admin_user, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(_patient(), _milk(unit="L"))), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command(
            "import-fhir",
            str(path),
            "--programme",
            world.programme.slug,
            "--as",
            admin_user.username,
            stdout=io.StringIO(),
            stderr=err,
        )

    assert failed.value.returncode == 1
    assert err.getvalue() == (
        "Entry 2 (Observation), valueQuantity.code: A milk volume must be in millilitres "
        "(UCUM code mL).\n"
    )
    assert not Mother.objects.filter(programme=world.programme).exists()


def test_import_fhir_says_what_it_imported(world, admin_user, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(_patient(), _milk())), encoding="utf-8")
    out = io.StringIO()

    call_command(
        "import-fhir",
        str(path),
        "--programme",
        world.programme.slug,
        "--as",
        admin_user.username,
        stdout=out,
    )

    assert out.getvalue() == "Imported bundle.json into wedi-2026: 1 mothers, 1 milk volumes.\n"


def test_import_fhir_speaks_indonesian_by_default(world, admin_user, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(_patient(), _milk(unit="L"))), encoding="utf-8")
    err = io.StringIO()

    with translation.override("id"), pytest.raises(CommandError):
        call_command(
            "import-fhir",
            str(path),
            "--programme",
            world.programme.slug,
            "--as",
            admin_user.username,
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue() == (
        "Entri 2 (Observation), valueQuantity.code: Volume ASI harus dalam mililiter "
        "(kode UCUM mL).\n"
    )


def test_an_observation_may_name_its_patient_by_the_entrys_full_url(world, admin_user):
    patient = _patient()
    patient["fullUrl"] = "urn:uuid:0b5c3a52-8a4f-4f4e-9d83-0e2d3c1a7b11"
    milk = _milk()
    milk["resource"]["subject"] = {"reference": patient["fullUrl"]}

    fhir_import(
        bundle=_bundle(patient, milk),
        programme=world.programme,
        by=admin_user,
        now=NOW,
        file_name="rs.json",
    )

    mother = Mother.objects.get(programme=world.programme)
    assert Measurement.objects.get(mother=mother).value == Decimal("12.5")


def test_an_infant_patient_without_volumes_is_left_out(world, admin_user):
    infant = _patient("baby", record="RM-BAYI")

    fhir_import(
        bundle=_bundle(_patient(), infant, _milk()),
        programme=world.programme,
        by=admin_user,
        now=NOW,
        file_name="rs.json",
    )

    codes = Mother.objects.filter(programme=world.programme).values_list("code", flat=True)
    assert list(codes) == ["RM-001"]


def test_two_patients_with_one_code_are_refused(world, admin_user):
    bundle = _bundle(_patient("p1"), _patient("p2"), _milk("p1"), _milk("p2", value=30))

    with pytest.raises(ImportRejected) as rejected:
        fhir_import(
            bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="rs.json"
        )

    assert [fhir_issue_line(issue) for issue in rejected.value.issues] == [
        "Entry 2 (Patient), identifier: Another Patient of the bundle has the code RM-001."
    ]
    assert not Mother.objects.filter(programme=world.programme).exists()


def test_malformed_elements_are_problems_of_their_entry_never_a_crash(world, admin_user):
    patient = _patient()
    patient["resource"].update(
        identifier="RM-001", name="Siti", address=[{"extension": ["x"], "line": "Desa Pandes"}]
    )
    milk = _milk()
    milk["resource"].update(
        subject="Patient/p1", valueQuantity=12, method=["x"], component="basis", code="milk"
    )
    odd = _milk()
    odd["resource"].update(subject={"reference": 5}, valueQuantity={"value": {}, "code": "mL"})
    bundle = _bundle(patient, milk, odd, "not an entry", {"resource": []})

    with pytest.raises(ImportRejected) as rejected:
        fhir_import(
            bundle=bundle, programme=world.programme, by=admin_user, now=NOW, file_name="rs.json"
        )

    assert [fhir_issue_line(issue) for issue in rejected.value.issues] == [
        "Entry 3 (Observation), subject: The subject 5 is not a Patient of the bundle.",
        "Entry 3 (Observation), valueQuantity.code: A milk volume must be in millilitres "
        "(UCUM code mL).",
    ]
    assert not Mother.objects.filter(programme=world.programme).exists()
