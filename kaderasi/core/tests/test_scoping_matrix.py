"""Every role × every record in and out of its area: nothing leaks, and a denied write changes
nothing."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import Measurement, Mother
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.tests import factories as f
from kaderasi.tests.admin_forms import mother_admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, cadre_user):
    own_cadre = cadre_user.cadre
    canan_cadre = f.CadreFactory(programme=world.programme, posyandu=world.kenanga, code="K02")
    sleman_cadre = f.CadreFactory(
        programme=world.other_programme, posyandu=world.sakura, code="S01"
    )
    pandes = f.delivered_mother(programme=world.programme, posyandu=world.mawar, code="M-PANDES")
    canan = f.delivered_mother(programme=world.programme, posyandu=world.kenanga, code="M-CANAN")
    sleman = f.delivered_mother(
        programme=world.other_programme, posyandu=world.sakura, code="M-SLEMAN"
    )
    f.PairingFactory(mother=pandes, cadre=own_cadre)
    f.PairingFactory(mother=canan, cadre=canan_cadre)
    f.PairingFactory(mother=sleman, cadre=sleman_cadre)
    return {
        "mothers": {"pandes": pandes, "canan": canan, "sleman": sleman},
        "cadres": {"pandes": own_cadre, "canan": canan_cadre, "sleman": sleman_cadre},
        "programmes": {"wedi": world.programme, "sleman": world.other_programme},
    }


PERSONAS = ["admin_user", "coordinator", "midwife", "district_officer", "cadre_user"]

VISIBLE_MOTHERS = {
    "admin_user": {"pandes", "canan", "sleman"},
    "coordinator": {"pandes", "canan"},
    "midwife": {"pandes"},
    "district_officer": {"pandes", "canan"},
    "cadre_user": {"pandes"},
}
VISIBLE_CADRES = {
    "admin_user": {"pandes", "canan", "sleman"},
    "coordinator": {"pandes", "canan"},
    "midwife": {"pandes"},
    "district_officer": {"pandes", "canan"},
    "cadre_user": {"pandes"},
}
VISIBLE_PROGRAMMES = {
    "admin_user": {"wedi", "sleman"},
    "coordinator": {"wedi"},
    "midwife": {"wedi"},
    "district_officer": {"wedi"},
    "cadre_user": {"wedi"},
}
MAY_RECORD = {"admin_user", "coordinator", "midwife", "cadre_user"}


def _names(queryset, records):
    by_pk = {obj.pk: name for name, obj in records.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_exactly_the_mothers_cadres_and_programmes_of_its_area(
    request, records, persona
):
    user = request.getfixturevalue(persona)
    assert _names(mothers_visible_to(user), records["mothers"]) == VISIBLE_MOTHERS[persona]
    assert _names(cadres_visible_to(user), records["cadres"]) == VISIBLE_CADRES[persona]
    assert _names(programmes_visible_to(user), records["programmes"]) == VISIBLE_PROGRAMMES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("mother_name", ["pandes", "canan", "sleman"])
def test_a_mother_outside_the_scope_is_a_404_page(request, client, records, persona, mother_name):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    mother = records["mothers"][mother_name]
    response = client.get(reverse("mother-detail", args=[mother.public_id]))
    # The district office counts the mothers of its area but opens no mother's page unless the
    # programme grants it names (data minimisation, issue 14; privacy/tests/test_subject_rights).
    opens_pages = persona != "district_officer"
    expected = 200 if mother_name in VISIBLE_MOTHERS[persona] and opens_pages else 404
    assert response.status_code == expected
    if expected == 404:
        assert mother.name not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("programme_name", ["wedi", "sleman"])
def test_a_programme_outside_the_scope_is_a_404_page(
    request, client, records, persona, programme_name
):
    client.force_login(request.getfixturevalue(persona))
    programme = records["programmes"][programme_name]
    response = client.get(reverse("programme-detail", args=[programme.slug]))
    assert response.status_code == (200 if programme_name in VISIBLE_PROGRAMMES[persona] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("mother_name", ["pandes", "canan", "sleman"])
def test_recording_a_measurement_is_allowed_only_in_scope_and_a_denied_write_changes_nothing(
    request, client, records, persona, mother_name, now
):
    client.force_login(request.getfixturevalue(persona))
    mother = records["mothers"][mother_name]
    response = client.post(
        reverse("care:milk-volume", args=[mother.public_id]),
        {
            "id": str(uuid.uuid4()),
            "mother_id": str(mother.public_id),
            "measured_at": "2026-11-09T08:00:00+07:00",
            "volume_ml": "45",
            "method": "hand_expression",
            "basis": "unknown",
        },
    )
    if persona not in MAY_RECORD:
        assert response.status_code == 403  # whoever the mother is: nothing is revealed
        assert not Measurement.objects.exists()
    elif mother_name not in VISIBLE_MOTHERS[persona]:
        assert response.status_code == 404
        assert not Measurement.objects.exists()
    else:
        assert response.status_code == 302
        assert list(Measurement.objects.values_list("mother__code", "value")) == [
            (mother.code, Decimal(45))
        ]


def test_the_programme_page_counts_only_the_mothers_a_midwife_may_see(client, records, midwife):
    client.force_login(midwife)
    response = client.get(reverse("programme-detail", args=["wedi-2026"]))
    assert response.context["summary"].mothers == 1
    assert [row.mother.code for row in response.context["rows"]] == ["M-PANDES"]


@pytest.mark.parametrize(("which", "changed"), [("canan", True), ("sleman", False)])
def test_a_coordinator_changes_a_mother_in_the_admin_only_inside_her_area(
    client, records, coordinator, which, changed
):
    client.force_login(coordinator)
    mother = records["mothers"][which]
    response = client.post(
        reverse("admin:care_mother_change", args=[mother.pk]),
        mother_admin_form(
            programme=mother.programme, posyandu=mother.posyandu, mother=mother, name="Ny. Diubah"
        ),
    )
    assert response.status_code == 302
    mother.refresh_from_db()
    assert (mother.name == "Ny. Diubah") is changed


def test_a_coordinator_cannot_delete_a_mother_outside_her_area_in_the_admin(
    client, records, coordinator
):
    client.force_login(coordinator)
    sleman = records["mothers"]["sleman"]
    client.post(reverse("admin:care_mother_delete", args=[sleman.pk]), {"post": "yes"})
    assert Mother.objects.filter(pk=sleman.pk).exists()


def test_a_coordinator_cannot_add_a_mother_at_a_posyandu_outside_her_area_in_the_admin(
    client, records, coordinator, world
):
    client.force_login(coordinator)
    before = Mother.objects.count()
    response = client.post(
        reverse("admin:care_mother_add"),
        mother_admin_form(
            programme=world.other_programme, posyandu=world.sakura, code="M-NEW", name="Ny. Baru"
        ),
    )
    assert response.status_code == 200
    assert {"programme", "posyandu"} <= set(response.context["adminform"].form.errors)
    assert Mother.objects.count() == before


def test_a_cadre_posting_to_the_admin_adds_nothing(client, records, cadre_user, world):
    client.force_login(cadre_user)
    before = Mother.objects.count()
    client.post(
        reverse("admin:care_mother_add"),
        {"programme": world.programme.pk, "posyandu": world.mawar.pk, "name": "Ny. Baru"},
    )
    assert Mother.objects.count() == before


def test_a_midwife_cannot_register_a_mother_at_a_posyandu_outside_her_villages(
    client, records, midwife, world
):
    client.force_login(midwife)
    before = Mother.objects.count()
    response = client.post(
        reverse("care:mother-register"),
        {
            "programme": world.programme.pk,
            "posyandu": world.kenanga.pk,  # Desa Canan: not hers
            "name": "Ny. Baru",
            "stage": "pregnant",
            "last_menstrual_period": "2026-04-01",
            "group": "intervention",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["posyandu"]
    assert Mother.objects.count() == before


def test_a_coordinator_sees_only_her_areas_mothers_in_the_admin_list(client, records, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:care_mother_changelist"))
    assert response.status_code == 200
    listed = {m.code for m in response.context["cl"].result_list}
    assert listed == {"M-PANDES", "M-CANAN"}


@pytest.mark.parametrize("persona", ["midwife", "district_officer", "cadre_user"])
def test_field_roles_are_sent_home_from_the_admin(request, client, records, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "admin/index.html" not in [t.name for t in response.templates]


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_sees_no_mother(client, records):
    mother = records["mothers"]["pandes"]
    response = client.get(reverse("mother-detail", args=[mother.public_id]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Mother.objects.count() == 3
