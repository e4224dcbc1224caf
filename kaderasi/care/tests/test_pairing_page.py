"""The midwife's pairing page helps her pair: free cadres first and nearest first with their load,
the others saying why they are unavailable and what frees them; her home lists the mothers who
wait for a cadre (issue 18, Build 1)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kaderasi.care import services
from kaderasi.care.models import Pairing, PairingEndReason
from kaderasi.care.selectors import AreaDistance, mothers_awaiting_cadre, pairing_candidates
from kaderasi.care.tests.factories import at
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(20, 9)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _pregnant(world, by, name="Ny. Wulan", posyandu=None):
    return services.mother_register(
        programme=world.programme,
        posyandu=posyandu or world.mawar,
        name=name,
        by=by,
        now=NOW,
        last_menstrual_period=dt.date(2026, 3, 1),
    )


def _pair(cadre, mother):
    return f.PairingFactory(cadre=cadre, mother=mother, starts_at=at(10, 8))


def test_free_cadres_come_first_nearest_first_with_their_load_and_distance(world, coordinator):
    melati = f.area("Posyandu Melati", "posyandu", world.pandes)
    mother = _pregnant(world, coordinator)
    f.certified_cadre(programme=world.programme, posyandu=world.kenanga, code="K01")
    f.certified_cadre(programme=world.programme, posyandu=melati, code="K02")
    busy = f.certified_cadre(programme=world.programme, posyandu=world.mawar, code="K03")
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K04")
    f.certified_cadre(programme=world.programme, posyandu=world.mawar, code="K05")
    _pair(busy, _pregnant(world, coordinator, name="Ny. Rina"))

    candidates = pairing_candidates(coordinator, mother, on=dt.date(2026, 11, 20))

    assert [
        (c.cadre.code, c.available, c.distance, c.active_clients, c.capacity) for c in candidates
    ] == [
        ("K05", True, AreaDistance.SAME_POSYANDU, 0, 1),
        ("K02", True, AreaDistance.SAME_VILLAGE, 0, 1),
        ("K01", True, AreaDistance.SAME_DISTRICT, 0, 1),
        ("K04", False, AreaDistance.SAME_POSYANDU, 0, 1),
        ("K03", False, AreaDistance.SAME_POSYANDU, 1, 1),
    ]


def test_a_cadre_at_her_cap_links_to_her_clients_so_the_midwife_can_hand_one_over(
    client, world, midwife
):
    mother = _pregnant(world, midwife)
    busy = f.certified_cadre(programme=world.programme, posyandu=world.mawar, name="Bu Sibuk")
    rina = _pregnant(world, midwife, name="Ny. Rina")
    _pair(busy, rina)
    client.force_login(midwife)

    with translation.override("en"):
        page = client.get(reverse("care:pairing", args=[mother.public_id])).content.decode()
        link = reverse("care:pairing", args=[rina.public_id])

    assert "No cadre is free to accompany her right now." in page
    assert "1/1 client" in page
    assert "Finish or hand over one of her clients:" in page
    assert f'<a href="{link}">End or hand over Ny. Rina’s accompaniment</a>' in page
    assert re.search(rf'value="{busy.public_id}" disabled', page)


def test_an_uncertified_cadre_says_what_she_needs_and_links_to_the_certification_page(
    client, world, midwife
):
    mother = _pregnant(world, midwife)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, name="Bu Belum")
    client.force_login(midwife)

    with translation.override("en"):
        page = client.get(reverse("care:pairing", args=[mother.public_id])).content.decode()
        certification = reverse("training:programme-certification", args=[world.programme.slug])

    assert (
        "She holds no valid certificate: she needs to pass the knowledge test and the "
        "skills checklist."
    ) in page
    assert f'<a href="{certification}">' in page


def test_a_refused_pairing_keeps_the_chosen_cadre_and_shows_the_error_above_the_list(
    client, world, midwife
):
    mother = _pregnant(world, midwife)
    chosen = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    client.force_login(midwife)

    with translation.override("en"):
        response = client.post(
            reverse("care:pairing", args=[mother.public_id]),
            {"cadre": str(chosen.public_id), "starts_at": "not a time"},
        )

    page = response.content.decode()
    assert list(response.context["form"].errors) == ["starts_at"]
    assert f'value="{chosen.public_id}" checked' in page
    assert page.index('id="pairing-errors"') < page.index("<fieldset")
    assert "From: Enter a valid date/time." in page
    assert not Pairing.objects.exists()


def test_a_cadre_taken_meanwhile_is_refused_at_the_top_with_her_still_chosen(
    client, world, midwife
):
    mother = _pregnant(world, midwife)
    chosen = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    client.force_login(midwife)
    url = reverse("care:pairing", args=[mother.public_id])
    client.get(url)
    _pair(chosen, _pregnant(world, midwife, name="Ny. Rina"))

    response = client.post(url, {"cadre": str(chosen.public_id), "starts_at": "2026-11-20T09:00"})

    page = response.content.decode()
    assert list(response.context["form"].errors) == ["cadre"]
    errors = page[page.index('id="pairing-errors"') : page.index("<fieldset")]
    assert escape(str(response.context["form"].errors["cadre"][0])) in errors
    assert f'value="{chosen.public_id}" checked' in page
    assert Pairing.objects.filter(mother=mother).count() == 0


def test_the_mothers_waiting_for_a_cadre_are_those_without_one_and_not_yet_done(world, midwife):
    cadre = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    waiting = _pregnant(world, midwife, name="Ny. Tunggu")
    _pair(cadre, _pregnant(world, midwife, name="Ny. Dampingi"))
    completed = _pregnant(world, midwife, name="Ny. Selesai")
    f.PairingFactory(
        cadre=cadre,
        mother=completed,
        starts_at=at(1, 8),
        ends_at=at(5, 8),
        end_reason=PairingEndReason.COMPLETED,
    )
    other = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    handed_back = _pregnant(world, midwife, name="Ny. Lepas")
    f.PairingFactory(
        cadre=other,
        mother=handed_back,
        starts_at=at(1, 8),
        ends_at=at(5, 8),
        end_reason=PairingEndReason.OTHER,
    )
    _pregnant(world, midwife, name="Ny. Luar", posyandu=world.kenanga)

    rows = mothers_awaiting_cadre(midwife, now=NOW)

    assert [row.mother for row in rows] == [waiting, handed_back]


def test_the_midwifes_home_lists_the_mothers_waiting_for_a_cadre_with_a_pairing_link(
    client, world, midwife
):
    waiting = _pregnant(world, midwife, name="Ny. Tunggu")
    client.force_login(midwife)

    with translation.override("en"):
        response = client.get(reverse("home"))
        link = reverse("care:pairing", args=[waiting.public_id])

    page = response.content.decode()
    section = page[page.index('id="awaiting-cadre"') : page.index('id="mothers"')]
    assert "Ny. Tunggu" in section
    assert f'href="{link}"' in section
