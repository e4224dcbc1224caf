import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Pairing, PairingEndReason
from kaderasi.care.services import pairing_end, pairing_start
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(world):
    return f.CadreFactory(programme=world.programme, posyandu=world.mawar)


@pytest.fixture
def mother(world):
    return f.delivered_mother(programme=world.programme, posyandu=world.mawar)


def test_the_database_keeps_one_open_pairing_per_mother(world, cadre, mother, now):
    other = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(mother=mother, cadre=other, starts_at=now)


def test_a_cadre_at_the_programmes_cap_cannot_take_another_client(world, cadre, mother, now):
    pairing_start(mother=mother, cadre=cadre, starts_at=now)
    second = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as error:
        pairing_start(mother=second, cadre=cadre, starts_at=now)
    assert error.value.code == CareErrorCode.PAIRING_CADRE_AT_CAPACITY
    assert Pairing.objects.filter(mother=second).count() == 0


def test_raising_the_cap_lets_a_cadre_accompany_two_mothers(world, cadre, mother, now):
    world.programme.max_active_clients_per_cadre = 2
    world.programme.save()
    pairing_start(mother=mother, cadre=cadre, starts_at=now)
    second = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    pairing_start(mother=second, cadre=cadre, starts_at=now)
    assert Pairing.objects.filter(cadre=cadre, ends_at__isnull=True).count() == 2


def test_reassignment_keeps_the_history(world, cadre, mother, now):
    first = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    pairing_end(
        pairing=first, ends_at=now + dt.timedelta(hours=5), reason=PairingEndReason.REASSIGNED
    )
    other = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    pairing_start(mother=mother, cadre=other, starts_at=now + dt.timedelta(hours=5))
    assert list(mother.pairings.order_by("starts_at").values_list("cadre", "end_reason")) == [
        (cadre.pk, "reassigned"),
        (other.pk, ""),
    ]


def test_a_cadre_of_another_programme_cannot_be_paired(world, mother, now):
    outsider = f.CadreFactory(programme=world.other_programme, posyandu=world.sakura)
    with pytest.raises(DomainError) as error:
        pairing_start(mother=mother, cadre=outsider, starts_at=now)
    assert error.value.code == CareErrorCode.PAIRING_OTHER_PROGRAMME


def test_a_pairing_cannot_end_before_it_starts(cadre, mother, now):
    pairing = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        pairing_end(
            pairing=pairing, ends_at=now - dt.timedelta(hours=1), reason=PairingEndReason.OTHER
        )


def test_a_cadre_loses_sight_of_a_mother_reassigned_away_from_her(world, mother, now):
    from kaderasi.accounts.models import Role
    from kaderasi.care.selectors import mothers_visible_to

    user = f.UserFactory(role=Role.CADRE)
    cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=user)
    pairing = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    assert list(mothers_visible_to(user)) == [mother]
    pairing_end(
        pairing=pairing, ends_at=now + dt.timedelta(hours=1), reason=PairingEndReason.REASSIGNED
    )
    assert list(mothers_visible_to(user)) == []
