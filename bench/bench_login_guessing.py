"""Password guessing against a production-mode server (issue 14, build 1): gunicorn, DEBUG off,
the production settings and password hasher, over HTTP.

- 200 guesses on one account, the right password the 100th, spread over the three ways in (the
  web login, the admin's login, the API's token endpoint): successes, expected 0;
- 1,000 guesses over 50 accounts (20 each, the right password last): successes, expected 0;
- that a stranger elsewhere cannot lock the owner out is asserted in
  kaderasi/accounts/tests/test_login_throttle.py (this server sees one address).

The throttle's count lives in the database, so gunicorn's several worker processes share it."""

import time
import urllib.parse

from bench import harness
from bench.bench_sync_push import GunicornServer
from bench.web_client import cookies_of, form_login, request, token_request

PASSWORD = "correct horse battery"  # noqa: S105 - a benchmark account
WORKERS = 2


def run() -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from kaderasi.accounts.models import Role, User

    hasher = PBKDF2PasswordHasher()
    hashed = hasher.encode(PASSWORD, hasher.salt())
    User.objects.create(username="target", role=Role.COORDINATOR, password=hashed)
    User.objects.bulk_create(
        User(username=f"kader-{number}", role=Role.CADRE, password=hashed) for number in range(50)
    )
    User.objects.create(username="control", role=Role.CADRE, password=hashed)
    env = {"CSRF_COOKIE_SECURE": "false", "SESSION_COOKIE_SECURE": "false"}
    started = time.monotonic()
    with GunicornServer(workers=WORKERS, env=env) as server:
        ways = (_web, _admin, _api)
        guesses = [f"guess-{number}" for number in range(199)]
        guesses.insert(99, PASSWORD)
        one_account = sum(
            ways[number % 3](server.port, "target", guess) for number, guess in enumerate(guesses)
        )
        many = 0
        for round_number in range(20):
            guess = PASSWORD if round_number == 19 else f"guess-{round_number}"
            for number in range(50):
                way = ways[(round_number + number) % 3]
                many += way(server.port, f"kader-{number}", guess)
        # The control: the right password at once logs in on the web and the API, so a 0 above
        # is the throttle's, not a broken measurement.
        control = _web(server.port, "control", PASSWORD) + _api(server.port, "control", PASSWORD)
    return {
        "server": f"gunicorn, {WORKERS} workers, DEBUG off",
        "guesses_one_account": len(guesses),
        "successes_one_account": one_account,
        "guesses_50_accounts": 1000,
        "successes_50_accounts": many,
        "control_successes_of_2": control,
        "seconds": round(time.monotonic() - started, 1),
    }


def _web(port, username, password) -> bool:
    return form_login(port, "/login/", username, password)[0]


def _admin(port, username, password) -> bool:
    """The admin's login page checks no password: it sends to the web login. A POST to it with
    the credentials never yields a session."""
    response, _body = request(
        port,
        "POST",
        "/admin/login/",
        urllib.parse.urlencode({"username": username, "password": password}),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return "sessionid" in cookies_of(response)


def _api(port, username, password) -> bool:
    response, _body = token_request(port, username, password)
    return response.status == 201


if __name__ == "__main__":
    harness.standalone(run)
