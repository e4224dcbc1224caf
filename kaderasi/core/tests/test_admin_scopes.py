"""A foreign key in the admin offers only the rows the user may see, by the scope each app's
admin declares (`scopes_choices`): core names no domain app."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Pairing
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def _choices(model, field, user) -> list:
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[model]
    form_field = model_admin.formfield_for_foreignkey(model._meta.get_field(field), request)
    return list(form_field.queryset)


def test_the_admins_of_areas_programmes_cadres_and_mothers_scope_the_choices_of_others():
    assert sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdmin) and model_admin.scopes_choices
    ) == ["cadres.Cadre", "care.Mother", "programmes.Programme", "regions.Area"]


def test_a_coordinator_is_offered_only_the_programmes_she_may_see(world, coordinator):
    assert _choices(Cadre, "programme", coordinator) == [world.programme]


def test_an_administrator_is_offered_every_programme(world, admin_user):
    assert set(_choices(Cadre, "programme", admin_user)) == {
        world.programme,
        world.other_programme,
    }


def test_a_pairing_offers_only_the_mothers_and_cadres_the_coordinator_sees(world, coordinator):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.delivered_mother(programme=world.other_programme, posyandu=world.sakura)
    cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K01")
    f.CadreFactory(programme=world.other_programme, posyandu=world.sakura, code="K09")

    assert _choices(Pairing, "mother", coordinator) == [mother]
    assert _choices(Pairing, "cadre", coordinator) == [cadre]


def test_a_model_whose_admin_does_not_scope_choices_is_offered_whole(world, coordinator):
    other = f.UserFactory(username="other-user")

    assert {coordinator, other} <= set(_choices(Cadre, "user", coordinator))
