"""The duplicate check when registering a mother is rate-limited: each check tells whether a NIK
or phone number is registered in the user's scope, so a user gets
KADERASI_IDENTITY_LOOKUPS_PER_HOUR checks an hour (counted in the database, shared by every
server process). What stays free: registering without a NIK or phone, and other users."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import IdentityLookup
from kaderasi.care import services
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Mother
from kaderasi.care.tests.factories import at
from kaderasi.core.errors import DomainError

pytestmark = pytest.mark.django_db

NOW = at(20, 9)


@pytest.fixture(autouse=True)
def three_an_hour(settings):
    settings.KADERASI_IDENTITY_LOOKUPS_PER_HOUR = 3


def register(world, by, number, *, now=NOW, **identity):
    identity = identity or {"nik": f"33100123456789{number:02d}"}
    return services.mother_register(
        programme=world.programme,
        posyandu=world.mawar,
        name=f"Ibu {number}",
        by=by,
        now=now,
        **identity,
    )


def test_the_check_after_the_hours_last_is_refused_with_the_wait(world, midwife):
    for number in range(3):
        register(world, midwife, number, now=NOW + dt.timedelta(minutes=number))

    with pytest.raises(DomainError) as error, translation.override("en"):
        register(world, midwife, 3, now=NOW + dt.timedelta(minutes=10))

    assert (error.value.code, error.value.field) == (
        CareErrorCode.IDENTITY_LOOKUPS_EXHAUSTED,
        "nik",
    )
    # The first check leaves the window 60 minutes after it: 50 minutes from now.
    assert "wait 50 minutes" in error.value.message
    assert Mother.objects.count() == 3


def test_a_refused_check_is_not_counted_and_the_hour_rolls_on(world, midwife):
    for number in range(3):
        register(world, midwife, number)
    with pytest.raises(DomainError):
        register(world, midwife, 3, now=NOW + dt.timedelta(minutes=30))

    register(world, midwife, 4, phone="+6281234567000", now=NOW + dt.timedelta(minutes=61))

    assert IdentityLookup.objects.filter(user=midwife).count() == 1


def test_registering_without_a_nik_or_phone_checks_nothing(world, midwife):
    for number in range(5):
        services.mother_register(
            programme=world.programme,
            posyandu=world.mawar,
            name=f"Ibu {number}",
            by=midwife,
            now=NOW,
        )

    assert not IdentityLookup.objects.exists()


def test_another_users_checks_are_her_own(world, midwife, coordinator):
    for number in range(3):
        register(world, midwife, number)

    register(world, coordinator, 3)

    assert Mother.objects.count() == 4


def test_the_registration_form_shows_the_wait_on_the_nik_field(client, world, midwife, monkeypatch):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    for number in range(3):
        register(world, midwife, number)
    client.force_login(midwife)

    with translation.override("en"):
        response = client.post(
            reverse("care:mother-register"),
            {
                "programme": world.programme.pk,
                "posyandu": world.mawar.pk,
                "name": "Ibu Baru",
                "nik": "3310012345678999",
                "group": "intervention",
                "stage": "pregnant",
                "last_menstrual_period": "2026-03-01",
                "code": "",
            },
        )

    assert response.status_code == 200
    assert (
        "You have checked many NIK and phone numbers in the last hour"
        in (response.context["form"].errors["nik"][0])
    )
    assert not Mother.objects.filter(name="Ibu Baru").exists()
