"""Named personas and a small two-village world that every scoping test can use.

World: Jawa Tengah › Kabupaten Klaten › Kecamatan Wedi › Desa Pandes (posyandu Mawar) and
Desa Canan (posyandu Kenanga); plus Kabupaten Sleman › … › Desa Sendangadi (posyandu Sakura).
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from kaderasi.accounts.models import Role
from kaderasi.tests import factories as f

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)


@dataclass
class World:
    province: object
    klaten: object
    wedi: object
    pandes: object
    canan: object
    mawar: object
    kenanga: object
    sleman: object
    sendangadi: object
    sakura: object
    programme: object
    other_programme: object


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def world(db) -> World:
    province = f.area("Jawa Tengah", "province")
    klaten = f.area("Kabupaten Klaten", "regency", province)
    wedi = f.area("Kecamatan Wedi", "district", klaten)
    pandes = f.area("Desa Pandes", "village", wedi)
    canan = f.area("Desa Canan", "village", wedi)
    mawar = f.area("Posyandu Mawar", "posyandu", pandes)
    kenanga = f.area("Posyandu Kenanga", "posyandu", canan)
    diy = f.area("DI Yogyakarta", "province")
    sleman = f.area("Kabupaten Sleman", "regency", diy)
    mlati = f.area("Kecamatan Mlati", "district", sleman)
    sendangadi = f.area("Desa Sendangadi", "village", mlati)
    sakura = f.area("Posyandu Sakura", "posyandu", sendangadi)
    programme = f.ProgrammeFactory(slug="wedi-2026", area=wedi)
    other_programme = f.ProgrammeFactory(slug="sleman-2026", area=sleman)
    return World(
        province,
        klaten,
        wedi,
        pandes,
        canan,
        mawar,
        kenanga,
        sleman,
        sendangadi,
        sakura,
        programme,
        other_programme,
    )


@pytest.fixture
def admin_user(world):
    return f.UserFactory(username="ani-admin", role=Role.ADMIN, is_superuser=True)


@pytest.fixture
def coordinator(world):
    user = f.UserFactory(username="dewi-koordinator", role=Role.COORDINATOR, areas=[world.wedi])
    world.programme.team.add(user)
    return user


@pytest.fixture
def midwife(world):
    """Bidan Sari covers Desa Pandes only."""
    return f.UserFactory(username="sari-bidan", role=Role.MIDWIFE, areas=[world.pandes])


@pytest.fixture
def district_officer(world):
    return f.UserFactory(username="budi-dinkes", role=Role.DISTRICT_OFFICE, areas=[world.klaten])


@pytest.fixture
def cadre_user(world):
    user = f.UserFactory(username="wati-kader", role=Role.CADRE)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=user, code="K01")
    return user
