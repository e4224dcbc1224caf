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
    return f.certified_cadre(programme=world.programme, posyandu=world.mawar)


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
    other = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    pairing_start(mother=mother, cadre=other, starts_at=now + dt.timedelta(hours=5))
    assert list(mother.pairings.order_by("starts_at").values_list("cadre", "end_reason")) == [
        (cadre.pk, "reassigned"),
        (other.pk, ""),
    ]


def test_a_cadre_of_another_programme_cannot_be_paired(world, mother, now):
    outsider = f.certified_cadre(programme=world.other_programme, posyandu=world.sakura)
    with pytest.raises(DomainError) as error:
        pairing_start(mother=mother, cadre=outsider, starts_at=now)
    assert error.value.code == CareErrorCode.PAIRING_OTHER_PROGRAMME


def test_a_pairing_cannot_end_before_it_starts(cadre, mother, now):
    pairing = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    with pytest.raises(DomainError) as error:
        pairing_end(
            pairing=pairing, ends_at=now - dt.timedelta(hours=1), reason=PairingEndReason.OTHER
        )
    assert (error.value.code, error.value.field) == (
        CareErrorCode.PAIRING_ENDS_BEFORE_START,
        "ends_at",
    )
    pairing.refresh_from_db()
    assert pairing.ends_at is None


def test_the_database_refuses_a_pairing_that_ends_before_it_starts(cadre, mother, now):
    pairing = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.filter(pk=pairing.pk).update(
            ends_at=now - dt.timedelta(hours=1), end_reason=PairingEndReason.OTHER
        )


def test_a_cadre_loses_sight_of_a_mother_reassigned_away_from_her(world, mother, now):
    from kaderasi.accounts.models import Role
    from kaderasi.care.selectors import mothers_visible_to

    user = f.UserFactory(role=Role.CADRE)
    cadre = f.certified_cadre(programme=world.programme, posyandu=world.mawar, user=user)
    pairing = pairing_start(mother=mother, cadre=cadre, starts_at=now)
    assert list(mothers_visible_to(user)) == [mother]
    pairing_end(
        pairing=pairing, ends_at=now + dt.timedelta(hours=1), reason=PairingEndReason.REASSIGNED
    )
    assert list(mothers_visible_to(user)) == []


def test_a_cadre_without_a_valid_certificate_cannot_be_paired(world, mother, now):
    uncertified = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as error:
        pairing_start(mother=mother, cadre=uncertified, starts_at=now)
    assert error.value.code == CareErrorCode.PAIRING_CADRE_NOT_CERTIFIED
    assert not Pairing.objects.exists()


def test_an_expired_or_revoked_certificate_does_not_count(world, mother, now):
    expired = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    f.CertificateFactory(
        cadre=expired, issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2026, 1, 1)
    )
    revoked = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    f.CertificateFactory(cadre=revoked, revoked_on=dt.date(2026, 6, 1))
    for cadre in (expired, revoked):
        with pytest.raises(DomainError) as error:
            pairing_start(mother=mother, cadre=cadre, starts_at=now)
        assert error.value.code == CareErrorCode.PAIRING_CADRE_NOT_CERTIFIED


def test_a_coordinator_may_pair_an_uncertified_cadre_with_a_recorded_reason(
    world, mother, coordinator, now
):
    uncertified = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    pairing = pairing_start(
        mother=mother,
        cadre=uncertified,
        starts_at=now,
        by=coordinator,
        override_reason="Post-test passed; skill re-demonstration scheduled next week",
    )
    assert pairing.certification_override_by == coordinator
    assert pairing.certification_override_reason.startswith("Post-test passed")


@pytest.mark.parametrize("persona", ["midwife", "cadre_user", "district_officer"])
def test_only_a_coordinator_or_admin_may_override_the_certificate_gate(
    request, world, mother, persona, now
):
    uncertified = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as error:
        pairing_start(
            mother=mother,
            cadre=uncertified,
            starts_at=now,
            by=request.getfixturevalue(persona),
            override_reason="Urgent",
        )
    assert error.value.code == CareErrorCode.PAIRING_OVERRIDE_NOT_ALLOWED
    assert not Pairing.objects.exists()


def test_a_certified_cadre_needs_no_override_and_none_is_recorded(cadre, mother, coordinator, now):
    pairing = pairing_start(
        mother=mother, cadre=cadre, starts_at=now, by=coordinator, override_reason="x"
    )
    assert (pairing.certification_override_reason, pairing.certification_override_by) == ("", None)
