"""The admin is usable for every model, in both languages, with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import User
from kaderasi.demo.seeding import seed_demo

pytestmark = pytest.mark.django_db

KADERASI_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"regions", "accounts", "programmes", "cadres", "training", "care"}
]


@pytest.fixture
def demo(now):
    seed_demo(now=now)


def _url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("model", KADERASI_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_model_has_a_working_list_search_and_detail_page_for_the_admin(
    client, demo, model, language
):
    client.force_login(User.objects.get(username="admin"))
    opts = model._meta
    listing = client.get(
        _url(f"admin:{opts.app_label}_{opts.model_name}_changelist", language), {"q": "a"}
    )
    assert listing.status_code == 200
    assert listing.headers["Content-Language"] == language
    first = model.objects.first()
    detail = client.get(
        _url(f"admin:{opts.app_label}_{opts.model_name}_change", language, first.pk)
    )
    assert detail.status_code == 200


def test_the_admin_index_is_in_indonesian_by_default(client, demo):
    client.force_login(User.objects.get(username="admin"))
    response = client.get(_url("admin:index", "id"))
    assert response.headers["Content-Language"] == "id"


def test_a_coordinator_can_use_the_admin_but_not_manage_users(client, demo):
    client.force_login(User.objects.get(username="koordinator"))
    assert client.get(reverse("admin:care_mother_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert User.objects.count() == 5
