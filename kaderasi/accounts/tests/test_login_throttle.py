"""One login throttle for the web login (where the admin's login sends) and the API's token endpoint
(django-axes in the database, per username and address, growing waits)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.db.models import F
from django.test import Client, RequestFactory, override_settings

from kaderasi.accounts.login_throttle import cool_off_for
from kaderasi.api.models import DeviceToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _web(client, username, password, address="10.0.0.7"):
    response = client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code == 302 and "_auth_user_id" in client.session, response


def _api(client, username, password, address="10.0.0.7"):
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "device_name": "HP"},
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return response.status_code == 201, response


WAYS_IN = (_web, _api)


def _guess(username, password, address="10.0.0.7", path="/login/"):
    """What every way in does with the password (the web login's form and the API's token
    endpoint alike): django.contrib.auth.authenticate() with the request, where the throttle
    refuses a locked pair and counts the failure. The tests of many guesses make them here: the
    same count, without rendering a page or a response for each (a third of the CPU); the tests
    above and below check that every way in reaches it and answers as it says."""
    request = RequestFactory().post(path, REMOTE_ADDR=address)
    return authenticate(request, username=username, password=password) is not None


def _pass_time(seconds):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def test_the_wait_doubles_with_every_five_further_failures_up_to_thirty_minutes():
    assert [cool_off_for(n).total_seconds() for n in (5, 9, 10, 15, 20, 45, 500)] == [
        60,
        60,
        120,
        240,
        480,
        1800,
        1800,
    ]


def test_200_guesses_on_one_account_over_every_way_in_log_in_0_times(admin_user, capsys):
    # The right password is among the guesses (the 100th): the throttle, not luck, refuses it.
    guesses = [f"guess-{number}" for number in range(199)]
    guesses.insert(99, PASSWORD)

    successes = sum(
        WAYS_IN[number % 2](Client(), "ani-admin", guess)[0] for number, guess in enumerate(guesses)
    )

    print(f"200 guesses on one account: {successes} successes")
    assert successes == 0
    assert DeviceToken.objects.count() == 0


def test_1000_guesses_over_50_accounts_log_in_0_times(capsys):
    from kaderasi.tests import factories as f

    for number in range(50):
        f.UserFactory(username=f"kader-{number}")
    successes = 0
    for round_number in range(20):
        # Each account's right password comes last, after 19 wrong ones.
        guess = PASSWORD if round_number == 19 else f"guess-{round_number}"
        for number in range(50):
            path = ("/login/", "/api/v1/auth/token")[(round_number + number) % 2]
            successes += _guess(f"kader-{number}", guess, path=path)

    print(f"1,000 guesses over 50 accounts: {successes} successes")
    assert successes == 0


def test_a_user_locked_out_on_the_api_is_locked_out_on_the_web_login(cadre_user):
    for _ in range(5):
        assert _api(Client(), "wati-kader", "wrong")[1].status_code == 401

    logged_in, response = _web(Client(), "wati-kader", PASSWORD)

    assert logged_in is False
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "tunggu 1 menit lalu coba lagi" in response.content.decode()


def test_a_user_locked_out_on_the_web_gets_429_locked_out_from_the_api(cadre_user):
    for _ in range(4):
        assert _web(Client(), "wati-kader", "wrong")[1].status_code == 200
    fifth = _web(Client(), "wati-kader", "wrong")[1]
    assert fifth.status_code == 429

    logged_in, response = _api(Client(), "wati-kader", PASSWORD)

    assert logged_in is False
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert response["Retry-After"] == "60"


def test_the_admin_login_checks_no_password_itself_but_sends_to_the_throttled_login(admin_user):
    response = Client().post(
        "/admin/login/", {"username": "ani-admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/admin/login/")
    assert "_auth_user_id" not in Client().session


def test_the_right_password_after_the_wait_logs_in(cadre_user):
    for _ in range(5):
        _web(Client(), "wati-kader", "wrong")
    assert _web(Client(), "wati-kader", PASSWORD)[0] is False

    _pass_time(61)

    assert _web(Client(), "wati-kader", PASSWORD)[0] is True
    assert AccessAttempt.objects.count() == 0


def test_guessing_on_after_the_lockout_makes_the_wait_grow(cadre_user):
    for _ in range(10):
        _api(Client(), "wati-kader", "wrong")

    # Ten failures: the wait is two minutes, and a try during it counts and starts it again.
    _pass_time(61)
    refused = _api(Client(), "wati-kader", PASSWORD)[1]
    assert (refused.status_code, refused["Retry-After"]) == (429, "120")

    _pass_time(121)
    assert _api(Client(), "wati-kader", PASSWORD)[1].status_code == 201


def test_a_stranger_elsewhere_cannot_lock_the_user_out(cadre_user):
    for number in range(200):
        _guess("wati-kader", f"guess-{number}", address="203.0.113.9")
    assert _web(Client(), "wati-kader", PASSWORD, address="203.0.113.9")[1].status_code == 429

    assert _web(Client(), "wati-kader", PASSWORD, address="10.0.0.7")[0] is True
    assert _api(Client(), "wati-kader", PASSWORD, address="10.0.0.8")[0] is True


def test_the_throttle_is_kept_in_the_database_without_the_password(cadre_user):
    _web(Client(), "wati-kader", "my-secret-guess")

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "wati-kader",
        "10.0.0.7",
        1,
    )
    assert "my-secret-guess" not in attempt.post_data


@override_settings(KADERASI_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_address_is_the_one_the_proxy_names(cadre_user):
    Client().post(
        "/login/",
        {"username": "wati-kader", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="198.51.100.4",
    )

    assert AccessAttempt.objects.get().ip_address == "198.51.100.4"


def _admin(client, username, password, address="10.0.0.7"):
    """The admin's login page checks no password (it sends to the throttled web login)."""
    client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return "_auth_user_id" in client.session, None


def test_200_guesses_over_the_web_the_admin_and_the_api_log_in_0_times(admin_user):
    guesses = [f"guess-{number}" for number in range(199)]
    guesses.insert(99, PASSWORD)
    ways = (_web, _admin, _api)

    successes = sum(
        ways[number % 3](Client(), "ani-admin", guess)[0] for number, guess in enumerate(guesses)
    )

    assert successes == 0


def test_the_count_is_in_the_database_shared_by_every_process_not_in_a_cache(cadre_user):
    from axes.handlers.database import AxesDatabaseHandler
    from django.conf import settings
    from django.core.cache import caches
    from django.utils.module_loading import import_string

    for _ in range(5):
        _api(Client(), "wati-kader", "wrong")
    for cache in caches.all():
        cache.clear()  # what another process would see: none of this process's memory

    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert _api(Client(), "wati-kader", PASSWORD)[1].status_code == 429
    assert _web(Client(), "wati-kader", PASSWORD)[1].status_code == 429


def test_nobody_is_locked_out_for_longer_than_the_longest_wait(cadre_user):
    for _ in range(300):
        _guess("wati-kader", "wrong", path="/api/v1/auth/token")

    refused = _api(Client(), "wati-kader", PASSWORD)[1]
    assert int(refused["Retry-After"]) <= 30 * 60
    _pass_time(30 * 60 + 1)
    assert _api(Client(), "wati-kader", PASSWORD)[0] is True
