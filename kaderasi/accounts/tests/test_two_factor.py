"""Two-factor sign-in (TOTP) for administrators and coordinators: turned on from a QR code or the
key typed by hand, asked for after the password, recovery codes that work once, required when
KADERASI_TWO_FACTOR_REQUIRED says so; cadres and midwives log in as before."""

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaderasi.api.models import DeviceToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def log_in(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response
    return client


def code_of(device, drift=0) -> str:
    """The code the app shows (drift=1: the next one; a code used once is refused again)."""
    number = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{number:06d}"


def enrol(client, user) -> list[str]:
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/two-factor/", {"code": code_of(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_a_coordinator_turns_it_on_from_a_qr_code_or_the_key_and_gets_ten_recovery_codes(
    coordinator,
):
    client = log_in("dewi-koordinator")

    with translation.override("en"):
        page = client.get("/account/two-factor/")
    text = page.content.decode()
    assert "<svg" in text  # the QR code, inline
    assert "otpauth://totp/kaderasi" in text
    assert page.context["secret"].replace(" ", "")  # the key in base32, to type by hand
    codes = enrol(client, coordinator)

    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).count() == 1
    assert len(codes) == 10 and len(set(codes)) == 10


def test_after_the_password_the_code_is_asked_before_any_page(coordinator, settings):
    # django-otp makes the try after a wrong code wait (1 s, doubling); not this test's subject.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrol(log_in("dewi-koordinator"), coordinator)
    client = log_in("dewi-koordinator")

    assert client.get("/")["Location"].startswith("/login/code/")
    assert client.get("/admin/")["Location"].startswith("/login/code/")
    wrong = client.post("/login/code/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors
    device = TOTPDevice.objects.get(user=coordinator, confirmed=True)
    assert client.post("/login/code/", {"code": code_of(device, drift=1)})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(coordinator):
    codes = enrol(log_in("dewi-koordinator"), coordinator)

    first = log_in("dewi-koordinator")
    assert first.post("/login/code/", {"code": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    again = log_in("dewi-koordinator")
    assert again.post("/login/code/", {"code": codes[0]}).status_code == 200
    assert again.get("/").status_code == 302


def test_when_required_an_administrator_must_enrol_before_anything_else(settings, admin_user):
    settings.KADERASI_TWO_FACTOR_REQUIRED = True
    client = log_in("ani-admin")

    assert client.get("/")["Location"].startswith("/account/two-factor/")
    enrol(client, admin_user)
    assert client.get("/").status_code == 200


def test_when_required_cadres_and_midwives_log_in_as_before(settings, cadre_user, midwife):
    settings.KADERASI_TWO_FACTOR_REQUIRED = True

    assert log_in("wati-kader").get("/").status_code == 200
    assert log_in("sari-bidan").get("/").status_code == 200
    assert log_in("sari-bidan").get("/account/two-factor/").status_code == 403


def test_an_enrolled_account_gets_no_device_token_from_the_api(coordinator):
    enrol(log_in("dewi-koordinator"), coordinator)

    response = Client().post(
        "/api/v1/auth/token",
        {"username": "dewi-koordinator", "password": PASSWORD, "device_name": "HP"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert not DeviceToken.objects.exists()
