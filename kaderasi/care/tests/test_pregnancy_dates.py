"""HPL from HPHT by Naegele's rule, editable, and no mother born in the future (issue 18,
Build 4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care import services
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Mother, Pregnancy
from kaderasi.care.tests.factories import at
from kaderasi.care.timing import naegele_due_date
from kaderasi.core import clock
from kaderasi.core.errors import DomainError

NOW = at(20, 9)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.mark.parametrize(
    ("hpht", "hpl"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 12, 8)),
        (dt.date(2026, 1, 28), dt.date(2026, 11, 4)),
        (dt.date(2025, 5, 24), dt.date(2026, 2, 28)),
        (dt.date(2027, 5, 24), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 30), dt.date(2027, 10, 6)),
    ],
)
def test_naegeles_rule_adds_seven_days_takes_three_months_and_adds_a_year(hpht, hpl):
    assert naegele_due_date(hpht) == hpl


def _register(world, by, **fields):
    return services.mother_register(
        programme=world.programme, posyandu=world.mawar, name="Ny. Wulan", by=by, now=NOW, **fields
    )


@pytest.mark.django_db
def test_a_registration_with_only_the_hpht_gets_its_hpl_by_naegele(world, midwife):
    mother = _register(world, midwife, last_menstrual_period=dt.date(2026, 3, 1))
    assert mother.pregnancies.get().estimated_delivery_date == dt.date(2026, 12, 8)


@pytest.mark.django_db
def test_an_hpl_typed_from_an_ultrasound_is_kept(world, midwife):
    mother = _register(
        world,
        midwife,
        last_menstrual_period=dt.date(2026, 3, 1),
        estimated_delivery_date=dt.date(2026, 12, 1),
    )
    assert mother.pregnancies.get().estimated_delivery_date == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_a_corrected_hpht_moves_the_computed_hpl_but_not_a_typed_one(client, world, midwife):
    computed = _register(world, midwife, last_menstrual_period=dt.date(2026, 3, 1))
    typed = _register(
        world,
        midwife,
        code="M900",
        last_menstrual_period=dt.date(2026, 3, 1),
        estimated_delivery_date=dt.date(2026, 12, 1),
    )
    client.force_login(midwife)
    for mother in [computed, typed]:
        url = reverse("care:pregnancy-edit", args=[mother.public_id])
        form = client.get(url).context["form"]
        client.post(
            url,
            {
                "last_menstrual_period": "2026-03-10",
                "estimated_delivery_date": form.initial["estimated_delivery_date"].isoformat(),
            },
        )
    assert Pregnancy.objects.get(mother=computed).estimated_delivery_date == dt.date(2026, 12, 17)
    assert Pregnancy.objects.get(mother=typed).estimated_delivery_date == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_a_birth_date_in_the_future_is_refused_with_its_code(world, midwife):
    with pytest.raises(DomainError) as refused:
        _register(world, midwife, birth_date=dt.date(2030, 1, 1))
    assert refused.value.code == CareErrorCode.MOTHER_BIRTH_DATE_IN_FUTURE
    assert not Mother.objects.exists()


@pytest.mark.django_db
def test_the_registration_form_shows_a_future_birth_date_on_its_field(client, world, midwife):
    client.force_login(midwife)
    with translation.override("id"):
        response = client.post(
            reverse("care:mother-register"),
            {
                "programme": world.programme.pk,
                "posyandu": world.mawar.pk,
                "name": "Ny. Wulan",
                "birth_date": "2030-03-02",
                "stage": "pregnant",
                "last_menstrual_period": "2026-03-01",
                "group": "intervention",
            },
        )
    assert response.context["form"].errors == {
        "birth_date": ["Tanggal lahir tidak boleh di masa depan."]
    }
    assert not Mother.objects.exists()
