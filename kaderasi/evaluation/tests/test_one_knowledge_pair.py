"""A cadre's knowledge pair has one definition (training/knowledge_pairs.py): the evaluation, the
`evaluate` command, the evaluation page and the programme report count the same cadres, and a
test a cadre is still answering on her phone is ignored, never a crash (it used to raise a
TypeError on the evaluation page, in the report and in `kaderasi evaluate`)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.programmes.models import Programme
from kaderasi.programmes.summaries import programme_summaries
from kaderasi.reports.documents import programme_report_document
from kaderasi.reports.programme_data import programme_data
from kaderasi.tests import factories as f
from kaderasi.training.models import AttemptStatus

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=WIB)


@pytest.fixture
def scores(world):
    """K1: 50 → 90 in the first training. K2: a pre-test of 60 in the first training and its
    post-test still being answered on her phone; 70 → 95 in the refresher (never mixed in).
    K3: only an unfinished pre-test in the first training, then 40 → 80 in the refresher."""
    first = f.TrainingFactory(
        programme=world.programme, starts_at=dt.datetime(2026, 1, 10, 8, tzinfo=WIB)
    )
    refresher = f.TrainingFactory(
        programme=world.programme,
        title="Penyegaran",
        starts_at=dt.datetime(2026, 6, 10, 8, tzinfo=WIB),
        ends_at=dt.datetime(2026, 6, 10, 13, tzinfo=WIB),
    )
    unfinished = {"status": AttemptStatus.IN_PROGRESS, "score": None}
    cadres = {
        code: f.CadreFactory(programme=world.programme, posyandu=world.mawar, code=code)
        for code in ("K1", "K2", "K3")
    }
    for code, training, phase, extra in (
        ("K1", first, "pre", {"score": Decimal(50)}),
        ("K1", first, "post", {"score": Decimal(90)}),
        ("K2", first, "pre", {"score": Decimal(60)}),
        ("K2", first, "post", unfinished),
        ("K2", refresher, "pre", {"score": Decimal(70)}),
        ("K2", refresher, "post", {"score": Decimal(95)}),
        ("K3", first, "pre", unfinished),
        ("K3", refresher, "pre", {"score": Decimal(40)}),
        ("K3", refresher, "post", {"score": Decimal(80)}),
    ):
        f.TestAttemptFactory(training=training, cadre=cadres[code], phase=phase, **extra)
    return cadres


def test_an_unfinished_phone_test_is_ignored_by_the_evaluation(world, scores):
    evaluation = programme_evaluation(
        world.programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
    )

    knowledge = evaluation["knowledge"]
    assert (knowledge["n"], knowledge["excluded_pairs"]) == (2, 1)
    assert knowledge["before"]["mean"] == 45.0  # K1 50 and K3 40
    assert knowledge["after"]["mean"] == 85.0  # K1 90 and K3 80


def test_kaderasi_evaluate_runs_with_an_unfinished_phone_test(world, scores):
    out = io.StringIO()
    call_command("evaluate", world.programme.slug, "--format", "json", stdout=out)

    knowledge = json.loads(out.getvalue())["knowledge"]
    assert (knowledge["n"], knowledge["excluded_pairs"]) == (2, 1)


def test_the_evaluation_page_opens_with_an_unfinished_phone_test(
    client, world, scores, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation:programme", args=[world.programme.slug]))

    assert response.status_code == 200


def test_the_reports_statistics_and_its_dot_plot_count_the_same_cadres(world, scores):
    evaluation = programme_evaluation(
        world.programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
    )
    with translation.override("en"):
        document = programme_report_document(
            programme=world.programme,
            evaluation=evaluation,
            now=NOW,
            language="en",
            references=(),
        )

    statistics = next(t for t in document.tables if t.key == "knowledge_statistics")
    bands = next(t for t in document.tables if t.key == "knowledge_bands")
    dot_plot = next(figure for figure in document.figures if figure.chart.key == "knowledge")
    assert statistics.rows[0][1].text == "2"
    assert dot_plot.chart.description.startswith("Dot plot of 2 pre-test and 2 post-test scores")
    assert [cell.value for cell in bands.footer[0][1:]] == [2, 2]


def test_the_reports_raw_data_holds_the_pair_the_evaluation_counts(world, scores):
    cadres = {row.code: row for row in programme_data(world.programme).cadres}

    assert (cadres["K1"].pre, cadres["K1"].post) == (Decimal(50), Decimal(90))
    assert (cadres["K2"].pre, cadres["K2"].post, cadres["K2"].training) == (
        Decimal(60),
        None,
        "Pelatihan kader",
    )
    assert (cadres["K3"].pre, cadres["K3"].post, cadres["K3"].training) == (
        Decimal(40),
        Decimal(80),
        "Penyegaran",
    )


def test_the_report_page_opens_with_an_unfinished_phone_test(client, world, scores, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("reports:programme-report", args=[world.programme.slug]))

    assert response.status_code == 200


def test_the_programme_card_shows_the_means_the_evaluation_pairs(world, scores):
    (summary,) = programme_summaries(
        Programme.objects.filter(pk=world.programme.pk),
        cadres=Cadre.objects.all(),
        mothers=Mother.objects.all(),
    )

    # K1 and K3, as the evaluation pairs them (the refresher and the unfinished tests left out).
    assert (summary.knowledge_pre_mean, summary.knowledge_post_mean) == (45.0, 85.0)
