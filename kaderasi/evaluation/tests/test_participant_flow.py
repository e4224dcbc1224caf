"""The participant flow of an evaluation (issue 13, build 3; docs/decisions/0024)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Consent, ConsentSubject, Mother
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_text, render_workbook
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.programmes.models import StudyDesign
from kaderasi.tests import factories as f
from kaderasi.training.models import Participant

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)


def _mother(world, code, *, group="intervention", before=None, after=None):
    mother = f.delivered_mother(
        programme=world.programme,
        posyandu=world.mawar,
        code=code,
        group=group,
        delivered_at=DELIVERED_AT,
    )
    for phase, value, hours in (("before", before, 6), ("after", after, 54)):
        if value is not None:
            f.MeasurementFactory(
                mother=mother,
                phase=phase,
                value=Decimal(value),
                measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
            )
    return mother


def _withdraw_consent(mother):
    Consent.objects.create(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="1",
        given_at=DELIVERED_AT - dt.timedelta(days=30),
        withdrawn_at=DELIVERED_AT + dt.timedelta(days=5),
    )


def _evaluation(programme) -> dict:
    with translation.override("en"):
        return programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )


@pytest.fixture
def two_groups(world):
    world.programme.design = StudyDesign.TWO_GROUP
    world.programme.save()
    _mother(world, "M01", before=40, after=300)
    _mother(world, "M02", before=0, after=250)  # zero baseline: no per-mother percentage
    _mother(world, "M03", before=55)  # no follow-up
    _mother(world, "M04", after=310)  # no baseline
    _mother(world, "M05")  # registered, never measured
    _withdraw_consent(_mother(world, "M06", before=30, after=900))
    _mother(world, "C01", group="comparison", before=45, after=200)
    _mother(world, "C02", group="comparison", before=35, after=190)
    _mother(world, "C03", group="comparison")
    training = f.TrainingFactory(programme=world.programme)
    scores = (("K01", 40, 80), ("K02", 55, None), ("K03", None, 70), ("K04", None, None))
    for code, pre, post in scores:
        cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code=code)
        Participant.objects.create(training=training, cadre=cadre, attendance="present")
        for phase, score in (("pre", pre), ("post", post)):
            if score is not None:
                f.TestAttemptFactory(
                    training=training, cadre=cadre, phase=phase, score=Decimal(score)
                )
    # Invited but absent, no score: not trained.
    absent = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="K05")
    Participant.objects.create(training=training, cadre=absent, attendance="absent")
    return world.programme


def test_every_registered_mother_is_counted_at_the_step_where_she_leaves_with_the_reason(
    two_groups,
):
    flow = _evaluation(two_groups)["flow"]
    assert flow["mothers"] == {
        "intervention": {
            "registered": 6,
            "consent_withdrawn": 1,
            "no_baseline": 2,
            "with_baseline": 3,
            "no_follow_up": 1,
            "with_follow_up": 2,
            "outside_protocol": 0,
            "outside_protocol_excluded": 0,
            "analysed": 2,
            "zero_baseline": 1,
            "analysed_for_percentages": 1,
        },
        "comparison": {
            "registered": 3,
            "consent_withdrawn": 0,
            "no_baseline": 1,
            "with_baseline": 2,
            "no_follow_up": 0,
            "with_follow_up": 2,
            "outside_protocol": 0,
            "outside_protocol_excluded": 0,
            "analysed": 2,
            "zero_baseline": 0,
            "analysed_for_percentages": 2,
        },
    }


def test_the_flow_counts_the_pairs_the_statistics_analyse_and_leaves_out_withdrawn_consent(
    two_groups,
):
    evaluation = _evaluation(two_groups)
    intervention = evaluation["flow"]["mothers"]["intervention"]
    assert evaluation["milk_volume"]["n"] == intervention["analysed"]
    assert evaluation["comparison"]["n_intervention"] == 2
    assert evaluation["comparison"]["n_comparison"] == 2
    # M06 withdrew her consent: her 30 -> 900 ml is in no statistic.
    assert evaluation["milk_volume"]["after"]["mean"] == 275.0
    assert evaluation["knowledge"]["n"] == evaluation["flow"]["cadres"]["analysed"]


def test_cadres_flow_from_trained_to_analysed(two_groups):
    assert _evaluation(two_groups)["flow"]["cadres"] == {
        "trained": 4,
        "no_pre_test": 2,
        "with_pre_test": 2,
        "no_post_test": 1,
        "with_post_test": 1,
        "analysed": 1,
    }


def test_a_single_group_flow_has_only_the_intervention_group(world):
    _mother(world, "M01", before=40, after=300)
    flow = _evaluation(world.programme)["flow"]
    assert list(flow["mothers"]) == ["intervention"]
    assert flow["mothers"]["intervention"]["registered"] == 1
    assert flow["cadres"]["trained"] == 0
    assert json.loads(json.dumps(flow, allow_nan=False)) == flow


def test_the_text_report_shows_the_flow_table_in_both_languages(two_groups):
    evaluation = _evaluation(two_groups)
    with translation.override("en"):
        english = render_text(evaluation_sections(evaluation, two_groups))
    assert "Participant flow" in english
    assert "Excluded: consent withdrawn" in english
    assert "Excluded: no baseline volume" in english
    assert "Not in the per-mother percentages: zero baseline" in english
    flow_table = english.split("Participant flow")[1].split("Cadres")[0]
    registered = [line for line in flow_table.splitlines() if line.startswith("Registered")]
    assert [line.split() for line in registered] == [["Registered", "6", "3"]]
    with translation.override("id"):
        indonesian = render_text(evaluation_sections(evaluation, two_groups))
    assert "Alur peserta" in indonesian
    assert "Dikeluarkan: persetujuan ditarik" in indonesian
    assert "Dikeluarkan: tidak ada volume awal" in indonesian


def test_the_workbook_has_a_flow_sheet(two_groups):
    evaluation = _evaluation(two_groups)
    with translation.override("en"):
        content = render_workbook(evaluation_sections(evaluation, two_groups))
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Flow"]
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Registered", 6, 3] in rows
    assert ["Analysed (both volumes)", 2, 2] in rows
    assert ["Trained", 4] in rows


def test_the_evaluation_page_shows_the_flow(two_groups, client, coordinator):
    client.force_login(coordinator)
    with translation.override("id"):
        response = client.get(reverse("evaluation:programme", args=[two_groups.slug]))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Alur peserta" in page
    assert "Dikeluarkan: persetujuan ditarik" in page
