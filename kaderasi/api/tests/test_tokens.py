import datetime as dt
import hashlib

import pytest
from django.contrib.admin.sites import site
from django.test import Client, override_settings

from kaderasi.accounts.login_throttle import lockout_message
from kaderasi.api.models import DeviceToken
from kaderasi.api.tests.conftest import Phone
from kaderasi.api.tokens import device_token_issue, device_token_revoke

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _token_request(username="wati-kader", password=PASSWORD, client=None, **extra):
    return (client or Client()).post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "device_name": "HP Wati", **extra},
        content_type="application/json",
    )


def test_a_cadre_gets_a_token_that_is_stored_only_as_its_hash(cadre_user, now):
    response = _token_request()

    assert response.status_code == 201
    secret = response.json()["token"]
    token = DeviceToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.secret_hash, token.hint}
    assert token.hint == secret[:8]
    assert (token.user, token.device_name) == (cadre_user, "HP Wati")
    assert token.expires_at == now + dt.timedelta(days=90)
    assert response.json()["expires_at"].startswith("2027-02-27")


def test_the_token_authenticates_requests(cadre_user):
    secret = _token_request().json()["token"]

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert (response.json()["username"], response.json()["role"]) == ("wati-kader", "cadre")


def test_a_wrong_password_gets_no_token(cadre_user):
    response = _token_request(password="wrong")

    assert response.status_code == 401
    assert (response.json()["code"], response.json()["field"]) == (
        "invalid_credentials",
        "password",
    )
    assert DeviceToken.objects.count() == 0


def test_an_unknown_field_in_the_login_is_refused(cadre_user):
    response = _token_request(remember_me=True)

    assert response.status_code == 422
    assert response.json()["field"] == "remember_me"


@override_settings(KADERASI_LOGIN_MAX_FAILURES=3)
def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(cadre_user):
    for _ in range(3):
        assert _token_request(password="wrong").status_code == 401

    locked = _token_request()

    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) == 60
    assert locked.json()["message"] == lockout_message(60)  # the web login's words
    assert DeviceToken.objects.count() == 0


@override_settings(KADERASI_LOGIN_MAX_FAILURES=3)
def test_a_success_clears_earlier_failures(cadre_user):
    for _ in range(2):
        _token_request(password="wrong")
    assert _token_request().status_code == 201

    for _ in range(2):
        _token_request(password="wrong")

    assert _token_request().status_code == 201


def test_an_expired_or_revoked_token_is_refused(cadre_user, now, monkeypatch):
    expired, expired_secret = device_token_issue(user=cadre_user, device_name="old", now=now)
    DeviceToken.objects.filter(pk=expired.pk).update(expires_at=now - dt.timedelta(seconds=1))
    revoked, revoked_secret = device_token_issue(user=cadre_user, device_name="lost", now=now)
    device_token_revoke(token=revoked, by=cadre_user, now=now)

    for secret in (expired_secret, revoked_secret, "kds_made-up"):
        response = Client().get("/api/v1/sync/pull", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_an_inactive_users_token_is_refused(cadre_user, now):
    phone = Phone(cadre_user, now)
    cadre_user.is_active = False
    cadre_user.save()

    assert phone.pull().status_code == 401


def test_a_user_lists_and_revokes_her_tokens_through_the_api(cadre_user, midwife, now):
    phone = Phone(cadre_user, now)
    other, _secret = device_token_issue(user=cadre_user, device_name="HP lama", now=now)
    midwifes, _secret = device_token_issue(user=midwife, device_name="HP bidan", now=now)

    listed = phone.get("/api/v1/auth/tokens").json()
    revoked = phone.client.delete(f"/api/v1/auth/tokens/{other.public_id}")
    foreign = phone.client.delete(f"/api/v1/auth/tokens/{midwifes.public_id}")

    assert sorted(t["device_name"] for t in listed) == ["HP lama", "HP test"]
    assert revoked.status_code == 204
    assert DeviceToken.objects.get(pk=other.pk).revoked_by == cadre_user
    assert foreign.status_code == 404
    assert DeviceToken.objects.get(pk=midwifes.pk).revoked_at is None


def test_a_user_revokes_a_device_on_her_devices_page(cadre_user, now):
    token, secret = device_token_issue(user=cadre_user, device_name="HP hilang", now=now)
    browser = Client()
    browser.force_login(cadre_user)

    page = browser.get("/api/v1/devices/")
    response = browser.post("/api/v1/devices/", {"token": str(token.public_id)})

    assert b"HP hilang" in page.content
    assert response.status_code == 302
    assert DeviceToken.objects.get().revoked_at == now
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_the_devices_page_shows_only_her_own_tokens(cadre_user, midwife, now):
    device_token_issue(user=midwife, device_name="HP bidan", now=now)
    browser = Client()
    browser.force_login(cadre_user)

    assert b"HP bidan" not in browser.get("/api/v1/devices/").content


def test_an_admin_revokes_tokens_in_the_admin(admin_user, cadre_user, coordinator, now):
    token, _secret = device_token_issue(user=cadre_user, device_name="HP Wati", now=now)
    browser = Client()
    browser.force_login(admin_user)

    listing = browser.get("/admin/api/devicetoken/")
    response = browser.post(
        "/admin/api/devicetoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert b"HP Wati" in listing.content
    assert response.status_code == 302
    assert DeviceToken.objects.get().revoked_by == admin_user
    model_admin = site._registry[DeviceToken]
    request = type("Request", (), {"user": coordinator})()
    assert model_admin.has_change_permission(request) is False


def test_a_body_that_is_not_json_gets_the_documented_400(cadre_user):
    response = Client().post("/api/v1/auth/token", "username=wati", content_type="application/json")
    document = Client().get("/api/v1/openapi.json").json()

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "400" in document["paths"]["/api/v1/auth/token"]["post"]["responses"]
