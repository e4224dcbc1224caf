"""A mother's record as FHIR, downloaded from her page by the midwife who cares for her."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from kaderasi.care.models import MeasurementKind, PairingEndReason
from kaderasi.conftest import WIB
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world):
    mother = f.delivered_mother(
        programme=world.programme,
        posyandu=world.mawar,
        code="M07",
        name="Ibu Ratna",
        nik="3310064107950001",
        delivered_at=dt.datetime(2026, 11, 26, 4, 0, tzinfo=WIB),
    )
    f.MeasurementFactory(
        mother=mother,
        kind=MeasurementKind.MILK_VOLUME,
        value=Decimal("8.5"),
        measured_at=dt.datetime(2026, 11, 27, 7, 0, tzinfo=WIB),
    )
    return mother


def _url(mother):
    return reverse("interop:mother-fhir", args=[mother.public_id])


def test_the_midwife_downloads_the_mothers_record_as_a_valid_fhir_bundle(
    client, world, midwife, mother
):
    f.delivered_mother(programme=world.programme, posyandu=world.mawar, code="M08")
    client.force_login(midwife)

    response = client.get(_url(mother))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == 'attachment; filename="M07-fhir.json"'
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    patients = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert [p["identifier"][-1]["value"] for p in patients] == ["M07"]
    assert patients[0]["identifier"][0]["value"] == "3310064107950001"
    (volume,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert volume["valueQuantity"]["value"] == 8.5
    assert volume["valueQuantity"]["code"] == "mL"


def test_the_bundle_names_only_the_cadres_the_midwife_may_see(client, world, midwife, mother):
    outside = f.CadreFactory(programme=world.programme, posyandu=world.kenanga, name="Kader Luar")
    inside = f.CadreFactory(programme=world.programme, posyandu=world.mawar, name="Kader Mawar")
    f.PairingFactory(
        mother=mother,
        cadre=outside,
        ends_at=dt.datetime(2026, 11, 9, 12, 0, tzinfo=WIB),
        end_reason=PairingEndReason.REASSIGNED,
    )
    f.PairingFactory(
        mother=mother, cadre=inside, starts_at=dt.datetime(2026, 11, 9, 12, 0, tzinfo=WIB)
    )
    client.force_login(midwife)

    bundle = json.loads(client.get(_url(mother)).content)

    people = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RelatedPerson"
    ]
    assert [person["name"][0]["text"] for person in people] == ["Kader Mawar"]


def test_a_midwife_of_another_village_gets_not_found(client, world, midwife):
    elsewhere = f.delivered_mother(programme=world.programme, posyandu=world.kenanga, code="M09")
    client.force_login(midwife)

    assert client.get(_url(elsewhere)).status_code == 404


@pytest.mark.parametrize("persona", ["district_officer", "cadre_user"])
def test_the_district_office_and_a_cadre_may_not_download_it(client, request, persona, mother):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(mother)).status_code == 403


def test_her_page_offers_the_download_to_the_midwife_only(
    client, midwife, district_officer, mother
):
    page = reverse("mother-detail", args=[mother.public_id])
    client.force_login(midwife)
    assert _url(mother) in client.get(page).content.decode()

    # The district office opens her page only where the programme grants it names (issue 14).
    mother.programme.district_sees_names = True
    mother.programme.save()
    client.force_login(district_officer)
    response = client.get(page)
    assert response.status_code == 200
    assert _url(mother) not in response.content.decode()


def test_the_bundle_names_only_the_midwives_within_the_exporters_scope(
    client, world, midwife, mother
):
    """Regression: every active midwife covering an area above the mother's posyandu was named,
    so a village midwife's download listed the district's and the province's midwives."""
    from kaderasi.accounts.roles import Role

    colleague = f.UserFactory(
        username="rini-bidan", first_name="Rini", role=Role.MIDWIFE, areas=[world.pandes]
    )
    f.UserFactory(username="tuti-bidan", first_name="Tuti", role=Role.MIDWIFE, areas=[world.wedi])
    f.UserFactory(
        username="yani-bidan", first_name="Yani", role=Role.MIDWIFE, areas=[world.province]
    )
    f.UserFactory(username="sita-bidan", first_name="Sita", role=Role.MIDWIFE, areas=[world.canan])
    client.force_login(midwife)

    bundle = json.loads(client.get(_url(mother)).content)

    named = {
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Practitioner"
    }
    assert named == {str(midwife.public_id), str(colleague.public_id)}


def test_a_coordinator_names_the_midwives_of_her_areas_only(world, coordinator, mother):
    from kaderasi.accounts.roles import Role
    from kaderasi.accounts.selectors import staff_within_scope_of
    from kaderasi.cadres.models import Cadre
    from kaderasi.care.models import Mother
    from kaderasi.interop.fhir.selectors import programme_fhir_rows

    inside = f.UserFactory(username="rini-bidan", role=Role.MIDWIFE, areas=[world.pandes])
    f.UserFactory(username="yani-bidan", role=Role.MIDWIFE, areas=[world.province])

    rows = programme_fhir_rows(
        world.programme,
        mothers=Mother.objects.all(),
        cadres=Cadre.objects.all(),
        staff=staff_within_scope_of(coordinator),
    )

    assert [row["id"] for row in rows.midwives] == [inside.pk]
