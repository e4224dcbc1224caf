"""A device token and a logged-in session end when the user's password, role or active flag
changes (issue 14, build 2), whoever changes it."""

import pytest
from django.core.management import call_command
from django.test import Client

from kaderasi.accounts.models import Role
from kaderasi.api.models import DeviceToken
from kaderasi.api.tests.conftest import Phone

pytestmark = pytest.mark.django_db


def _web_session(user):
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def _logged_out(client):
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_password_change_ends_her_tokens_and_sessions(cadre_user, now):
    phone, browser = Phone(cadre_user, now), _web_session(cadre_user)

    cadre_user.set_password("a new password 2026")
    cadre_user.save()

    assert phone.pull().status_code == 401
    assert DeviceToken.objects.get().revoked_at is not None
    assert _logged_out(browser)


def test_a_password_changed_on_the_command_line_ends_her_tokens(cadre_user, now, monkeypatch):
    phone = Phone(cadre_user, now)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a new password 2026")

    call_command("changepassword", "wati-kader")

    assert phone.pull().status_code == 401


def test_deactivation_ends_her_tokens_for_good_and_her_sessions(cadre_user, now):
    phone, browser = Phone(cadre_user, now), _web_session(cadre_user)

    cadre_user.is_active = False
    cadre_user.save()
    cadre_user.is_active = True
    cadre_user.save()

    assert phone.pull().status_code == 401
    assert DeviceToken.objects.get().revoked_at is not None
    assert _logged_out(browser)


def test_a_role_change_ends_her_tokens_and_sessions(cadre_user, now):
    phone, browser = Phone(cadre_user, now), _web_session(cadre_user)

    cadre_user.role = Role.MIDWIFE
    cadre_user.save()

    assert phone.pull().status_code == 401
    assert DeviceToken.objects.get().revoked_at is not None
    assert _logged_out(browser)


def test_other_changes_keep_her_tokens_and_sessions(cadre_user, now):
    phone, browser = Phone(cadre_user, now), _web_session(cadre_user)

    cadre_user.first_name = "Wati"
    cadre_user.preferred_language = "en"
    cadre_user.save()

    assert phone.pull().status_code == 200
    assert DeviceToken.objects.get().revoked_at is None
    assert not _logged_out(browser)


def test_a_change_ends_only_her_own_tokens(cadre_user, coordinator, now):
    phone = Phone(coordinator, now)

    cadre_user.set_password("a new password 2026")
    cadre_user.save()

    assert phone.pull().status_code in (200, 403)
    assert DeviceToken.objects.get(user=coordinator).revoked_at is None


def test_an_administrator_setting_her_password_in_the_admin_ends_her_tokens(
    cadre_user, admin_user, now
):
    phone = Phone(cadre_user, now)
    admin = Client()
    admin.force_login(admin_user)

    response = admin.post(
        f"/admin/accounts/user/{cadre_user.pk}/password/",
        {"password1": "a new password 2026", "password2": "a new password 2026"},
    )

    assert response.status_code == 302
    assert phone.pull().status_code == 401


def test_a_deactivation_saved_with_update_fields_ends_her_tokens(cadre_user, now):
    phone = Phone(cadre_user, now)
    cadre_user.is_active = False
    cadre_user.save(update_fields=["is_active"])

    assert phone.pull().status_code == 401
    assert DeviceToken.objects.get().revoked_at is not None
