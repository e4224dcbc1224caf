"""factory-boy factories for every domain model (shared by all apps' tests)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Measurement, Mother, Pairing, Pregnancy
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.regions.selectors import ancestor_of_level
from kaderasi.regions.services import area_create
from kaderasi.training.models import Certificate, TestAttempt, Training

WIB = ZoneInfo("Asia/Jakarta")


def area(name: str, level: str, parent: Area | None = None) -> Area:
    return area_create(name=name, level=level, parent=parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CADRE
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)
        if create:
            self.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.LazyAttribute(lambda o: f"Programme {o.slug}")
    starts_on = dt.date(2026, 1, 1)
    # Tests of other behaviour plan the massage from the birth; the protocol-safety tests
    # (care/tests/test_protocol_safety.py) use the model's defaults: 6 hours and KF1 first.
    first_massage_min_hours = 0
    first_massage_after_postnatal_check = False


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    code = factory.Sequence(lambda n: f"K{n:03d}")
    name = factory.Sequence(lambda n: f"Kader {n}")


class MotherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mother

    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Ibu {n}")


class PregnancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pregnancy

    last_menstrual_period = dt.date(2026, 2, 1)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    delivered_at = dt.datetime(2026, 11, 8, 10, 0, tzinfo=WIB)


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    starts_at = dt.datetime(2026, 11, 8, 12, 0, tzinfo=WIB)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kind = "milk_volume"
    measured_at = dt.datetime(2026, 11, 9, 8, 0, tzinfo=WIB)
    value = Decimal(40)
    basis = "unknown"
    district = factory.LazyAttribute(
        lambda o: ancestor_of_level(o.mother.posyandu, AreaLevel.DISTRICT)
    )


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    title = "Pelatihan kader"
    starts_at = dt.datetime(2026, 1, 10, 8, 0, tzinfo=WIB)
    ends_at = dt.datetime(2026, 1, 10, 13, 0, tzinfo=WIB)


class TestAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestAttempt

    phase = "pre"
    score = Decimal(50)


def delivered_mother(*, programme, posyandu, delivered_at=None, **kwargs) -> Mother:
    """A mother with a pregnancy and a delivery."""
    mother = MotherFactory(programme=programme, posyandu=posyandu, **kwargs)
    pregnancy = PregnancyFactory(mother=mother)
    DeliveryFactory(pregnancy=pregnancy, **({"delivered_at": delivered_at} if delivered_at else {}))
    return mother


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    issued_on = dt.date(2026, 1, 10)
    expires_on = dt.date(2028, 1, 10)
    verification_code = factory.Sequence(lambda n: f"TEST{n:06d}")
    # A revoked certificate always says why (a database constraint).
    revoked_reason = factory.Maybe("revoked_on", "Revoked in a test", "")


def certified_cadre(**kwargs) -> Cadre:
    """A cadre holding a certificate valid through 2026–2027."""
    cadre = CadreFactory(**kwargs)
    CertificateFactory(cadre=cadre)
    return cadre
