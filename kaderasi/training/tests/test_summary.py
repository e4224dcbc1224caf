"""The knowledge summary of a training: paired statistics from the evaluation module, bands,
passes, scores by cadre and the item analysis, counted over the cadres the reader may see."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.training import services
from kaderasi.training.models import TestPhase
from kaderasi.training.summaries import knowledge_summary
from kaderasi.training.tests.answering import marks

pytestmark = pytest.mark.django_db


def test_the_item_analysis_gives_percent_correct_and_an_exact_mcnemar_per_item(
    training, wati, rina, world, now
):
    from kaderasi.tests import factories as f

    cadres = [wati, rina] + [
        f.CadreFactory(programme=world.programme, posyandu=world.mawar, code=f"K1{n}")
        for n in range(8)
    ]
    services.participants_record(training=training, attendance=dict.fromkeys(cadres, "present"))
    questionnaire = training.questionnaire
    # Question 1: five of ten right before, nine after, nobody worse (b = 0, c = 4).
    pre = {c: marks(questionnaire, wrong={1} if i >= 5 else set()) for i, c in enumerate(cadres)}
    post = {c: marks(questionnaire, wrong={1} if i == 9 else set()) for i, c in enumerate(cadres)}
    services.answer_sheets_record(
        training=training, phase=TestPhase.PRE, sheets=pre, by=None, now=now
    )
    services.answer_sheets_record(
        training=training, phase=TestPhase.POST, sheets=post, by=None, now=now
    )
    summary = knowledge_summary(training, cadres=Cadre.objects.all())
    assert summary.item_analysis_unavailable is None
    first = summary.items[0]
    assert first.question.number == 1
    assert (first.result.before_percent, first.result.after_percent) == (50.0, 90.0)
    assert (first.result.only_before_correct, first.result.only_after_correct) == (0, 4)
    assert first.result.mcnemar_p == pytest.approx(0.125)
    assert summary.items[1].result.mcnemar_p == 1.0
    assert summary.statistics["n"] == 10


def test_numbers_count_only_the_cadres_the_reader_may_see(training, midwife, wati, rina, now):
    services.total_scores_record(
        training=training,
        phase=TestPhase.PRE,
        scores={wati: Decimal(40), rina: Decimal(60)},
        by=None,
        now=now,
    )
    services.total_scores_record(
        training=training,
        phase=TestPhase.POST,
        scores={wati: Decimal(80), rina: Decimal(100)},
        by=None,
        now=now,
    )
    # The midwife covers Desa Pandes: she sees Wati (Posyandu Mawar), not Rina (Desa Canan).
    summary = knowledge_summary(training, cadres=cadres_visible_to(midwife))
    assert summary.statistics["n"] == 1
    assert summary.statistics["after"]["mean"] == 80
    assert [row.cadre for row in summary.rows] == [wati]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("midwife", 200),
        ("district_officer", 200),
        ("cadre_user", 403),
    ],
)
def test_who_may_read_a_training_summary(request, client, training, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("training:training-summary", args=[training.public_id]))
    assert response.status_code == status


def test_a_training_outside_the_readers_area_is_not_found(client, training, world):
    from kaderasi.accounts.models import Role
    from kaderasi.tests import factories as f

    sleman_midwife = f.UserFactory(role=Role.MIDWIFE, areas=[world.sendangadi])
    client.force_login(sleman_midwife)
    response = client.get(reverse("training:training-summary", args=[training.public_id]))
    assert response.status_code == 404
