"""Admin filters offer only what the viewer may see (issue 14, build 8): a coordinator of one area
walks every change list and finds, among all the filters' choices, no programme, area, cadre,
training or user of another region."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kaderasi.accounts.models import Role
from kaderasi.core.admin_site import ScopedAdmin, ScopedRelatedFilter
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_regions(world):
    """Rows on both sides: Wedi (the coordinator's) and Sleman (not hers)."""
    names = {}
    for side, programme, posyandu in (
        ("own", world.programme, world.mawar),
        ("foreign", world.other_programme, world.sakura),
    ):
        label = "Wedi" if side == "own" else "Sleman"
        training = f.TrainingFactory(programme=programme, title=f"Pelatihan {label}")
        cadre = f.CadreFactory(programme=programme, posyandu=posyandu, name=f"Kader {label}")
        f.TestAttemptFactory(training=training, cadre=cadre, phase="pre", score=60)
        f.CertificateFactory(cadre=cadre, training=training)
        mother = f.delivered_mother(programme=programme, posyandu=posyandu, name=f"Ibu {label}")
        f.PairingFactory(mother=mother, cadre=cadre)
        user = f.UserFactory(
            username=f"bidan-{label.lower()}",
            first_name="Bidan",
            last_name=label,
            role=Role.MIDWIFE,
            areas=[posyandu.parent],
        )
        names[side] = {
            str(programme),
            str(training),
            str(cadre),
            str(user),
            str(posyandu),
            str(posyandu.parent),
        }
    # A second village of hers, so that her filters have two villages to offer.
    f.CadreFactory(programme=world.programme, posyandu=world.kenanga, name="Kader Canan")
    f.delivered_mother(programme=world.programme, posyandu=world.kenanga, name="Ibu Canan")
    names["foreign"] |= {str(world.sleman), str(world.sendangadi)}
    return names


def filter_choices(client, model) -> list[str]:
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200, opts.label
    changelist = response.context["cl"]
    return [
        str(choice["display"])
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    ]


@pytest.mark.parametrize("persona", ["coordinator", "village_coordinator"])
def test_no_filter_of_any_change_list_names_anything_outside_the_viewers_scope(
    client, request, world, both_regions, persona
):
    if persona == "village_coordinator":
        user = f.UserFactory(username="rina", role=Role.COORDINATOR, areas=[world.pandes])
        foreign = both_regions["foreign"] | {str(world.canan), str(world.kenanga)}
    else:
        user = request.getfixturevalue("coordinator")
        foreign = both_regions["foreign"]
    client.force_login(user)

    leaks = {}
    offered = set()
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        choices = filter_choices(client, model)
        offered |= set(choices)
        if found := sorted(set(choices) & foreign):
            leaks[model._meta.label] = found

    assert leaks == {}
    # The filters still offer what is hers (a filter with a single choice is not shown).
    if persona == "coordinator":
        assert {str(world.pandes), str(world.canan)} <= offered


def test_every_relation_filter_of_a_scoped_admin_is_scoped():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        for entry in model_admin.get_list_filter(request=None):
            name, kind = entry if isinstance(entry, tuple) else (entry, None)
            if kind is None and model_admin._scoped_filter(name) == name:
                continue  # a plain field: its values come from the scoped rows
            if kind is not ScopedRelatedFilter and not _is_plain(kind):
                unscoped.append((model._meta.label, name))
    assert unscoped == []


def _is_plain(kind) -> bool:
    """Filters that list no rows of another table: empty / not empty, yes / no, dates."""
    return kind in (
        admin.EmptyFieldListFilter,
        admin.BooleanFieldListFilter,
        admin.DateFieldListFilter,
    )
