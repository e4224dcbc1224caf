"""export-fhir: the programme as a FHIR R4 Bundle, validated with the fhir.resources R4B models
(R4B has the same shapes as R4 for every resource written here; fhir.resources has no R4 package).

The demo is seeded once for the module, each test in a savepoint of its own."""

import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.bundle import Bundle

from kaderasi.accounts.models import User
from kaderasi.accounts.roles import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import (
    LatchObservation,
    MassageSession,
    Measurement,
    MeasurementKind,
    Mother,
)
from kaderasi.conftest import NOW, shared_rows
from kaderasi.demo.seeding import seed_demo
from kaderasi.interop.fhir import codes
from kaderasi.interop.fhir.bundle import programme_bundle
from kaderasi.interop.fhir.imports import fhir_import
from kaderasi.interop.fhir.selectors import programme_fhir_rows
from kaderasi.programmes.models import Programme
from kaderasi.tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    yield from shared_rows(django_db_blocker, lambda: seed_demo(now=NOW))


@pytest.fixture
def live(_seeded):
    return Programme.objects.get(slug="demo-live")


def _bundle(programme, *, pseudonymised=False):
    rows = programme_fhir_rows(
        programme,
        mothers=Mother.objects.all(),
        cadres=Cadre.objects.all(),
        staff=User.objects.all(),
    )
    return programme_bundle(rows, pseudonymised=pseudonymised, now=NOW)


def _resources(bundle, resource_type):
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def _by_id(bundle, resource_type, public_id):
    (resource,) = [r for r in _resources(bundle, resource_type) if r["id"] == str(public_id)]
    return resource


def test_the_demo_live_export_validates_and_holds_every_resource_of_the_programme(live):
    bundle = _bundle(live)

    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    counts = Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])
    mothers = Mother.objects.filter(programme=live)
    assert counts["Patient"] == mothers.count() + 4  # and the four infants born
    assert counts["Procedure"] == MassageSession.objects.filter(mother__in=mothers).count() == 6
    assert counts["Encounter"] == 6
    # Each LATCH score is two: the score and the breastfeeding status it shows.
    latch_scores = LatchObservation.objects.filter(mother__in=mothers).count()
    assert latch_scores == 4
    assert counts["Observation"] == (
        Measurement.objects.filter(mother__in=mothers).count() + 4 + 2 * latch_scores
    )
    assert counts["Location"] == 4
    assert counts["Organization"] == 5  # the programme and its four posyandus
    assert counts["Flag"] == counts["ServiceRequest"] == 3  # weight loss, missed session, LATCH
    assert counts["Practitioner"] == 1
    assert counts["Consent"] == 9
    assert counts["EpisodeOfCare"] == 5


def test_every_reference_points_at_a_resource_in_the_bundle(live):
    bundle = _bundle(live)
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}

    text = json.dumps(bundle)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}

    assert references
    assert references - present == set()


def test_a_milk_volume_is_an_observation_in_ucum_ml_with_method_breast_side_basis_and_phase(live):
    volume = Measurement.objects.filter(
        mother__programme=live, kind=MeasurementKind.MILK_VOLUME
    ).first()

    observation = _by_id(_bundle(live), "Observation", volume.public_id)

    assert observation["code"]["coding"][0]["system"] == codes.CARE
    assert observation["code"]["coding"][0]["code"] == "milk-volume"
    assert observation["valueQuantity"] == {
        "value": float(volume.value) if volume.value % 1 else int(volume.value),
        "unit": "mL",
        "system": "http://unitsofmeasure.org",
        "code": "mL",
    }
    assert observation["method"]["coding"][0]["code"] == volume.method
    assert observation["bodySite"]["coding"][0]["code"] == volume.side
    components = {
        c["code"]["coding"][0]["system"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in observation["component"]
        if "valueCodeableConcept" in c
    }
    assert components == {codes.MILK_BASIS: volume.basis, codes.MILK_PHASE: volume.phase}
    assert observation["subject"] == {"reference": f"Patient/{volume.mother.public_id}"}


def test_an_infant_weight_is_loinc_29463_7_in_grams_about_the_infant(live):
    weight = Measurement.objects.filter(
        mother__programme=live, kind=MeasurementKind.INFANT_WEIGHT
    ).first()
    infant = weight.mother.pregnancies.get().delivery.infants.get()

    observation = _by_id(_bundle(live), "Observation", weight.public_id)

    assert observation["code"]["coding"][0]["system"] == "http://loinc.org"
    assert observation["code"]["coding"][0]["code"] == "29463-7"
    assert observation["valueQuantity"]["code"] == "g"
    assert observation["subject"] == {"reference": f"Patient/{infant.public_id}"}
    assert observation["focus"] == [{"reference": f"Patient/{weight.mother.public_id}"}]


def test_a_massage_is_performed_by_the_programme_with_the_cadre_taking_part(live):
    session = MassageSession.objects.filter(mother__programme=live, cadre__isnull=False).first()
    bundle = _bundle(live)

    procedure = _by_id(bundle, "Procedure", session.public_id)
    encounter_id = procedure["encounter"]["reference"].split("/")[1]
    encounter = _by_id(bundle, "Encounter", encounter_id)
    cadre_id = encounter["participant"][0]["individual"]["reference"].split("/")[1]
    cadre = _by_id(bundle, "RelatedPerson", cadre_id)

    assert procedure["code"]["coding"][0] == {
        "system": codes.CARE,
        "code": "oxytocin-massage",
        "display": "Oxytocin massage session",
    }
    assert procedure["performer"] == [{"actor": {"reference": f"Organization/{live.public_id}"}}]
    assert cadre["identifier"][0]["value"] == session.cadre.code
    assert cadre["patient"] == {"reference": f"Patient/{session.mother.public_id}"}
    assert cadre["name"] == [{"text": session.cadre.name}]


def test_the_posyandu_address_names_the_areas_and_their_kemendagri_codes(live):
    mother = Mother.objects.filter(programme=live).select_related("posyandu").first()

    location = next(
        r
        for r in _resources(_bundle(live), "Location")
        if r["identifier"][0]["value"] == str(mother.posyandu.public_id)
    )

    address = location["address"]
    assert address["state"] == "Jawa Tengah"
    assert address["city"] == "Kabupaten Klaten"
    # The demo's areas come from the official tree (docs/areas.md), district and village too.
    assert address["district"] == "Kecamatan Wedi"
    assert address["line"] == ["Desa Pandes"]
    assert address["extension"] == [
        {
            "url": "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode",
            "extension": [
                {"url": "province", "valueCode": "33"},
                {"url": "city", "valueCode": "3310"},
                {"url": "district", "valueCode": "331003"},
                {"url": "village", "valueCode": "3310032014"},
            ],
        }
    ]


def test_a_mother_with_a_nik_carries_it_under_the_satusehat_nik_system(live):
    mother = Mother.objects.filter(programme=live).order_by("code").first()
    Mother.objects.filter(pk=mother.pk).update(nik="3310064107950001")

    patient = _by_id(_bundle(live), "Patient", mother.public_id)

    assert patient["identifier"][0] == {
        "use": "official",
        "system": "https://fhir.kemkes.go.id/id/nik",
        "value": "3310064107950001",
    }
    assert patient["identifier"][1] == {
        "system": "https://kaderasi.id/fhir/programme/demo-live/mother",
        "value": mother.code,
    }


def test_the_pseudonymised_export_has_codes_but_no_names_nik_phones_birth_dates_or_addresses(
    live,
):
    Mother.objects.filter(programme=live).update(nik="3310064107950001")
    mothers = list(Mother.objects.filter(programme=live))
    cadres = list(Cadre.objects.filter(programme=live))

    bundle = _bundle(live, pseudonymised=True)

    Bundle.model_validate(bundle)
    text = json.dumps(bundle, ensure_ascii=False)
    for person in mothers + cadres:
        assert person.name not in text
        if person.phone:
            assert str(person.phone) not in text
    assert "3310064107950001" not in text
    assert codes.NIK not in text
    for patient in _resources(bundle, "Patient"):
        assert set(patient) == {
            "resourceType",
            "id",
            "identifier",
            "active",
            "gender",
            "managingOrganization",
        }
    assert {m.code for m in mothers} <= {
        p["identifier"][0]["value"] for p in _resources(bundle, "Patient")
    }
    assert bundle["meta"]["security"][0]["code"] == "PSEUDED"


def test_the_programme_is_read_in_the_same_number_of_queries_whatever_its_size(
    live, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(22):
        programme_fhir_rows(
            live,
            mothers=Mother.objects.all(),
            cadres=Cadre.objects.all(),
            staff=User.objects.all(),
        )
    paper = Programme.objects.exclude(pk=live.pk).first()
    # The paper's scores are totals only: no questionnaire to read, so up to three fewer.
    with django_assert_max_num_queries(22):
        programme_fhir_rows(
            paper,
            mothers=Mother.objects.all(),
            cadres=Cadre.objects.all(),
            staff=User.objects.all(),
        )


def test_export_fhir_writes_the_bundle_to_the_output_file(live, tmp_path):
    path = tmp_path / "bundle.json"
    out = io.StringIO()

    call_command("export-fhir", "demo-live", "--output", str(path), stdout=out)

    bundle = json.loads(path.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert out.getvalue() == f"Ditulis ke {path}: {len(bundle['entry'])} resource FHIR.\n"


def test_export_fhir_refuses_an_unknown_programme_with_status_2(live, tmp_path):
    path = tmp_path / "bundle.json"

    with pytest.raises(CommandError) as refused:
        call_command("export-fhir", "no-such", "--output", str(path), stdout=io.StringIO())

    assert refused.value.returncode == 2
    assert "no-such" in str(refused.value)
    assert not path.exists()


def _volumes(programme):
    return sorted(
        (m.mother.code, m.measured_at, m.value, m.method, m.basis, m.phase, m.side)
        for m in Measurement.objects.filter(
            mother__programme=programme, kind=MeasurementKind.MILK_VOLUME
        ).select_related("mother")
    )


@pytest.mark.parametrize("pseudonymised", [False, True])
def test_the_round_trip_export_then_import_gives_the_same_milk_volumes(live, pseudonymised):
    admin = User.objects.filter(role=Role.ADMIN).first() or UserFactory(role=Role.ADMIN)
    copy = ProgrammeFactory(slug="demo-live-copy", area=live.area)
    bundle = json.loads(json.dumps(_bundle(live, pseudonymised=pseudonymised)))

    record = fhir_import(bundle=bundle, programme=copy, by=admin, now=NOW, file_name="b.json")

    assert _volumes(copy) == _volumes(live)
    assert len(_volumes(live)) == record.milk_volumes == 5
    # Every mother comes along, with or without volumes (and no infant becomes a mother).
    assert sorted(Mother.objects.filter(programme=copy).values_list("code", flat=True)) == sorted(
        Mother.objects.filter(programme=live).values_list("code", flat=True)
    )
