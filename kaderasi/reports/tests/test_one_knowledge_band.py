"""A knowledge band has one definition (training.scoring: the programme's training policy): the
programme report's bands table and the trainer's knowledge summary put every score in the same
band, right at the thresholds too."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.reports.documents import programme_report_document
from kaderasi.tests import factories as f
from kaderasi.training.scoring import KnowledgeBand
from kaderasi.training.services import training_policy_set
from kaderasi.training.summaries import knowledge_summary

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def training(world):
    """Bands good ≥ 80, fair 60–79. A: 79.5 → 80. B: 59.99 → 60."""
    training_policy_set(programme=world.programme, good_band_minimum=80, fair_band_minimum=60)
    training = f.TrainingFactory(programme=world.programme)
    for code, pre, post in (("A", "79.5", "80"), ("B", "59.99", "60")):
        cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code=code)
        f.TestAttemptFactory(training=training, cadre=cadre, phase="pre", score=Decimal(pre))
        f.TestAttemptFactory(training=training, cadre=cadre, phase="post", score=Decimal(post))
    return training


def test_the_report_and_the_trainers_summary_band_every_score_alike(world, training):
    evaluation = programme_evaluation(
        world.programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
    )
    with translation.override("en"):
        document = programme_report_document(
            programme=world.programme, evaluation=evaluation, now=NOW, language="en"
        )
    table = next(t for t in document.tables if t.key == "knowledge_bands")
    report = {
        phase: [row[column].value for row in table.rows]
        for phase, column in (("pre", 1), ("post", 2))
    }
    summary = knowledge_summary(training, cadres=Cadre.objects.all())
    trainer = {
        phase: [share.count for share in summary.phases[phase].bands] for phase in ("pre", "post")
    }

    # Rows good, fair, poor in both.
    assert [share.band for share in summary.phases["pre"].bands] == [
        KnowledgeBand.GOOD,
        KnowledgeBand.FAIR,
        KnowledgeBand.POOR,
    ]
    assert report == trainer == {"pre": [0, 1, 1], "post": [1, 1, 0]}
