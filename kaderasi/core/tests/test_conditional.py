"""Pages answer a conditional GET (issue 15, item 6): an ETag that ignores the per-response CSP
nonce and CSRF masking, and 304 when the phone's copy is the page the server would write."""

import pytest
from django.test import Client

from kaderasi.accounts.models import Role
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre_client(cadre_user, world):
    client = Client()
    client.force_login(cadre_user)
    return client


def test_an_unchanged_page_keeps_its_etag_though_its_nonce_and_token_change(cadre_client):
    first = cadre_client.get("/")
    second = cadre_client.get("/")

    assert first.status_code == second.status_code == 200
    assert first.content != second.content  # a fresh nonce and CSRF masking each time
    assert first["ETag"] == second["ETag"]


def test_a_conditional_get_of_an_unchanged_page_is_a_304(cadre_client):
    etag = cadre_client.get("/")["ETag"]

    response = cadre_client.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "no-store"


def test_a_conditional_get_of_a_changed_page_sends_the_page(cadre_client, cadre_user, world):
    etag = cadre_client.get("/")["ETag"]
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)

    response = cadre_client.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert mother.name.encode() in response.content


def test_a_new_login_sends_the_page_again(cadre_client, cadre_user):
    """A new login rotates the CSRF secret: the kept copy's token would be refused."""
    etag = cadre_client.get("/")["ETag"]
    cadre_client.logout()
    cadre_client.force_login(cadre_user)

    response = cadre_client.get("/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200


def test_another_users_etag_does_not_match(cadre_client, world):
    etag = cadre_client.get("/")["ETag"]
    other = Client()
    user = f.UserFactory(username="rina-kader", role=Role.CADRE)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=user, code="K02")
    other.force_login(user)

    assert other.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_only_pages_get_the_page_etag(cadre_client):
    manifest = cadre_client.get("/manifest.webmanifest")  # JSON

    assert Client().get("/login/").has_header("ETag")
    assert manifest.status_code == 200
    assert not manifest.has_header("ETag")


def test_the_service_worker_answers_a_conditional_get(cadre_client):
    etag = cadre_client.get("/sw.js")["ETag"]

    response = cadre_client.get("/sw.js", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["Cache-Control"] == "no-cache"
