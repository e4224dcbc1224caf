"""Security headers (issue 14, build 10): Permissions-Policy everywhere, Cache-Control: no-store
on logged-in pages, downloads with personal data and the API; /verify/ never answers 500."""

import pytest
from django.test import Client

from kaderasi.api.tests.conftest import Phone
from kaderasi.web.security_headers import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db


def test_every_page_forbids_camera_microphone_and_location():
    response = Client().get("/login/")

    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY
    assert "geolocation=()" in PERMISSIONS_POLICY


def test_a_logged_in_page_is_not_stored(coordinator):
    client = Client()
    client.force_login(coordinator)

    response = client.get("/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_evaluation_download_is_not_stored(coordinator, world):
    client = Client()
    client.force_login(coordinator)

    response = client.get(f"/programmes/{world.programme.slug}/evaluation.xlsx")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_apis_answers_are_not_stored(cadre_user, now):
    phone = Phone(cadre_user, now)

    assert phone.pull()["Cache-Control"] == "no-store"
    assert Client().get("/api/v1/me")["Cache-Control"] == "no-store"


def test_a_response_that_chose_its_caching_keeps_it(cadre_user):
    client = Client()
    client.force_login(cadre_user)

    response = client.get("/sw.js")

    assert response["Cache-Control"] == "no-cache"


def test_the_public_verify_page_keeps_its_own_caching_and_gets_the_policy():
    response = Client().get("/verify/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # chosen by the verify view itself
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.parametrize("code", ["a/b", "A/B/C", "/", "x/../y"])
def test_a_verify_code_with_a_slash_is_a_clear_not_found_not_a_server_error(code):
    response = Client(raise_request_exception=False).get("/verify/", {"code": code})

    assert response.status_code == 404
    assert response.templates[0].name == "training/verify.html"


def test_every_page_has_a_content_security_policy_with_a_fresh_nonce():
    first = Client().get("/login/")
    second = Client().get("/login/")

    policy = first["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    assert directives["script-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] + directives["style-src"]
    assert "unsafe-eval" not in policy
    # htmx gets the nonce for the one style it adds, and may not eval.
    assert f'"inlineStyleNonce": "{nonce}"' in first.content.decode()
    assert '"allowEval": false' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


def test_no_template_has_an_inline_event_handler_or_an_unnonced_inline_script():
    import re
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "kaderasi").rglob("templates/**/*.html")
    offending = []
    for path in templates:
        if "/pdf/" in str(path) or path.name.endswith(("_pdf.html", "_print.html")):
            continue  # read by the PDF renderer, never by a browser
        text = path.read_text()
        if re.search(r"\son[a-z]+=\"", text) or re.search(r"<script(?![^>]*\b(src|nonce)=)", text):
            offending.append(path.name)
        if re.search(r"<style(?![^>]*\bnonce=)", text):
            offending.append(path.name)
    assert offending == []
