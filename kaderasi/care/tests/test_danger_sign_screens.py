"""The danger sign on the screens without the offline app (issue 19): the cadre's confirmation
names what to do and links the midwife's number; the midwife's home shows a red danger sign
first, with its signs, before any other referral."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kaderasi.accounts.models import Role
from kaderasi.cadres.models import Cadre
from kaderasi.care import services
from kaderasi.care.models import DangerSignReport
from kaderasi.care.tests.factories import at, delivered
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(12, 9)


@pytest.fixture
def bidan(world):
    return f.UserFactory(
        username="sari-bidan",
        role=Role.MIDWIFE,
        areas=[world.pandes],
        first_name="Sari",
        phone="+6281234567890",
    )


@pytest.fixture
def mother(world, cadre_user):
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    cadre = Cadre.objects.get(user=cadre_user)
    f.CertificateFactory(cadre=cadre)
    services.pairing_start(mother=mother, cadre=cadre, starts_at=at(9, 1))
    return mother


def _post_check(client, mother, signs):
    url = reverse("care:danger-signs", args=[mother.public_id])
    data = {
        "id": "6b1f9a52-93a4-4a4e-9d0c-3c1b2f7e8a10",
        "mother_id": str(mother.public_id),
        "observed_at": "2026-11-12T08:30:00+07:00",
        "context": "daily_check",
        "signs": signs,
        "notes": "",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_emergency_confirmation_says_go_now_then_call_with_the_number(
    client, cadre_user, bidan, mother, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    client.force_login(cadre_user)
    [message] = _post_check(client, mother, ["heavy_bleeding"])
    assert message == (
        "Segera bawa ibu (atau bayi) ke puskesmas atau rumah sakit sekarang. Terkirim: bidan "
        "langsung melihatnya di daftarnya dan menerima pesan. Telepon juga bidan sekarang. "
        '<a class="btn danger" href="tel:+6281234567890">📞 Sari 0812-3456-7890</a>'
    )
    assert DangerSignReport.objects.get().signs == ["heavy_bleeding"]


def test_a_same_day_confirmation_does_not_send_her_to_hospital(
    client, cadre_user, bidan, mother, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    client.force_login(cadre_user)
    [message] = _post_check(client, mother, ["foul_discharge"])
    assert message.startswith("Terkirim: bidan langsung melihatnya di daftarnya")
    assert "rumah sakit" not in message


def test_the_midwife_sees_a_red_danger_sign_first_with_its_signs(client, bidan, world, mother):
    older = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 20), now=NOW
    )
    services.measurement_record(
        mother=older, kind="infant_weight", measured_at=at(11, 8), value=2690, now=at(11, 8)
    )
    services.danger_signs_report(
        mother=mother, signs=["grunting", "eye_pus"], observed_at=NOW, now=NOW
    )
    client.force_login(bidan)

    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="id").content.decode()

    items = re.findall(r'<li class="(red|amber)( danger-sign)?"', page)
    assert items[0] == ("red", " danger-sign")
    assert len(items) == 2
    first = page[page.index("data-danger-referral") :]
    assert first.startswith('data-danger-referral="emergency"')
    assert "🚨 Tanda bahaya: gawat darurat" in first
    assert "Bayi merintih (bersuara mengerang) setiap bernapas; Mata bernanah banyak" in first
