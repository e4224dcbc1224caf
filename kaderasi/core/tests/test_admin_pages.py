"""The admin is usable for every model, in both languages, with search and filters."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import User
from kaderasi.conftest import NOW, built_once_per_module
from kaderasi.demo.seeding import seed_demo

pytestmark = pytest.mark.django_db

KADERASI_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"regions", "accounts", "programmes", "cadres", "training", "care"}
]


# Kept out of the admin on purpose, with the reason.
NOT_IN_ADMIN = {
    "api.SyncSnapshot": "bookkeeping of which mothers a phone's last pull covered; nobody edits it",
    "accounts.IdentityLookup": "a user's NIK/phone checks of the last hour; nobody reads them",
    "care.MotherRead": "the read audit: read on the mother's own page (care:mother-reads)",
}


def _inlined() -> set:
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in getattr(model_admin, "inlines", [])
    }


def test_every_kaderasi_model_is_in_the_admin_or_inlined_or_kept_out_for_a_reason():
    inlined = _inlined()
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("kaderasi.")
        and model not in admin.site._registry
        and model not in inlined
        and model._meta.label not in NOT_IN_ADMIN
    ]
    assert missing == []


def test_every_admin_list_can_be_searched_and_filtered():
    lacking = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("kaderasi.")
        and not (model_admin.search_fields and model_admin.list_filter)
    ]
    assert lacking == []


_seeded = built_once_per_module(lambda: seed_demo(now=NOW))


@pytest.fixture
def demo(_seeded, db):
    """The demo, seeded once for the module (what a test writes is undone)."""


def _url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def test_every_model_has_a_working_list_search_and_detail_page_in_both_languages(client, demo):
    # One demo for every model and language: seeding it is the slow part.
    client.force_login(User.objects.get(username="admin"))
    broken = []
    for model in KADERASI_MODELS:
        opts = model._meta
        first = model.objects.first()
        for language in ["id", "en"]:
            listing = client.get(
                _url(f"admin:{opts.app_label}_{opts.model_name}_changelist", language), {"q": "a"}
            )
            detail = client.get(
                _url(f"admin:{opts.app_label}_{opts.model_name}_change", language, first.pk)
            )
            if (listing.status_code, detail.status_code) != (200, 200) or listing.headers[
                "Content-Language"
            ] != language:
                broken.append((opts.label, language, listing.status_code, detail.status_code))
    assert broken == []
    assert len(KADERASI_MODELS) > 30


def test_the_admin_index_is_in_indonesian_by_default(client, demo):
    client.force_login(User.objects.get(username="admin"))
    response = client.get(_url("admin:index", "id"))
    assert response.headers["Content-Language"] == "id"


def test_a_coordinator_can_use_the_admin_but_not_manage_users(client, demo):
    client.force_login(User.objects.get(username="koordinator"))
    assert client.get(reverse("admin:care_mother_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert User.objects.count() == 5
