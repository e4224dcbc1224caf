"""The guided session's words a cadre may misread (issue 19): step 7 goes down to the lower tip of
the shoulder blades, the bra-strap line; step 3 names the positions after a caesarean. Existing
installs get the new words through migration care/0010, unless a coordinator edited the step."""

from importlib import import_module

import pytest
from django.apps import apps

from kaderasi.care.catalogue import MASSAGE_STEPS
from kaderasi.care.models import MassageStep

pytestmark = pytest.mark.django_db

WORDING = import_module("kaderasi.care.migrations.0010_massage_step_wording")


def test_the_shipped_steps_name_the_bra_strap_line_and_the_caesarean_positions():
    step_7 = MassageStep.objects.get(number=7)
    assert "ujung bawah tulang belikat, garis tali bra" in step_7.instruction_id
    assert "lower tip of the shoulder blades, the bra-strap line" in step_7.instruction_en
    assert "setinggi" not in step_7.instruction_id
    step_3 = MassageStep.objects.get(number=3)
    assert "bantal di pangkuan" in step_3.instruction_id
    assert "berbaring miring" in step_3.instruction_id
    assert "lies on her side" in step_3.instruction_en


def test_the_catalogue_and_the_migration_ship_the_same_words():
    shipped = {step["number"]: step for step in MASSAGE_STEPS}
    for number, wording in WORDING.STEPS.items():
        for field, text in wording["after"].items():
            assert shipped[number][field] == text


def test_an_install_with_the_old_words_gets_the_new_ones_and_back_in_reverse():
    WORDING.shipped_wording(apps, None)
    assert "setinggi tulang belikat" in MassageStep.objects.get(number=7).instruction_id
    WORDING.plain_wording(apps, None)
    assert "garis tali bra" in MassageStep.objects.get(number=7).instruction_id
    assert "bantal di pangkuan" in MassageStep.objects.get(number=3).instruction_id


def test_a_step_a_coordinator_edited_keeps_her_words():
    WORDING.shipped_wording(apps, None)
    MassageStep.objects.filter(number=7).update(instruction_id="Teks bidan kami.")
    WORDING.plain_wording(apps, None)
    step = MassageStep.objects.get(number=7)
    assert step.instruction_id == "Teks bidan kami."
    assert step.title_id == "Turun sampai tulang belikat"
