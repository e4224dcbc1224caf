"""The knowledge summary of a training: paired statistics from the evaluation module, bands,
passes, scores by cadre and the item analysis, counted over the cadres the reader may see."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.demo.seeding import seed_demo
from kaderasi.evaluation.statistics import paired_summary
from kaderasi.training import services
from kaderasi.training.models import TestPhase, Training
from kaderasi.training.scoring import KnowledgeBand
from kaderasi.training.summaries import ItemAnalysisUnavailable, knowledge_summary
from kaderasi.training.tests.answering import english_url, marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def pandes(now):
    seed_demo(now=now)
    return Training.objects.get(programme__slug="pandes-2018")


def test_the_pandes_2018_summary_has_the_papers_40_cadres_and_means_50_and_90(pandes):
    summary = knowledge_summary(pandes, cadres=Cadre.objects.all())
    stats = summary.statistics
    assert stats["n"] == 40
    assert stats["before"]["mean"] == 50
    assert stats["after"]["mean"] == 90
    assert stats["mean_difference"] == 40
    assert stats["ci95"] == pytest.approx([36.1506, 43.8494], abs=1e-4)
    assert stats["paired_t"]["df"] == 39
    assert stats["paired_t"]["p"] < 1e-20
    assert stats["wilcoxon"]["w_plus"] == 820
    assert summary.illustrative
    assert summary.item_analysis_unavailable == ItemAnalysisUnavailable.TOTAL_SCORES_ONLY
    assert summary.items == []
    post = summary.phases[TestPhase.POST]
    assert post.passed == 40
    assert [(share.band, share.count) for share in post.bands] == [
        (KnowledgeBand.GOOD, 40),
        (KnowledgeBand.FAIR, 0),
        (KnowledgeBand.POOR, 0),
    ]


def test_the_summary_uses_the_evaluation_modules_paired_summary(pandes):
    summary = knowledge_summary(pandes, cadres=Cadre.objects.all())
    pairs = sorted((row.cadre.code, float(row.pre), float(row.post)) for row in summary.rows)
    assert summary.statistics == paired_summary([p for _, p, _ in pairs], [q for *_, q in pairs])


def test_the_trainers_summary_page_shows_the_demo_numbers_labelled_illustrative(client, pandes):
    from kaderasi.accounts.models import User

    client.force_login(User.objects.get(username="koordinator"))
    page = client.get(english_url("training:training-summary", pandes.public_id)).content.decode()
    assert '<dd data-stat="n">40</dd>' in page
    assert '<span data-stat="pre-mean">50.0</span>' in page
    assert '<span data-stat="post-mean">90.0</span>' in page
    assert "data-illustrative" in page
    assert "Illustrative scores." in page
    # Total scores only: the page says why there is no item analysis instead of an empty table.
    assert "data-no-item-analysis" in page
    assert "McNemar p" not in page


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


def test_the_summaries_of_a_room_of_40_take_a_fixed_handful_of_queries(
    pandes, django_assert_max_num_queries
):
    from kaderasi.training.summaries import certification_rows, skill_overview

    cadres = Cadre.objects.all()
    with django_assert_max_num_queries(6):
        knowledge_summary(pandes, cadres=cadres)
    with django_assert_max_num_queries(6):
        skill_overview(pandes, cadres=cadres)
    with django_assert_max_num_queries(12):
        certification_rows(pandes, cadres=cadres)


def test_the_mean_gains_interval_reads_in_indonesian(client, pandes):
    # Issue 18: "(-5,1 to 19,1)" kept the English "to" on an Indonesian page.
    import re

    from django.utils import translation

    from kaderasi.accounts.models import User

    client.force_login(User.objects.get(username="koordinator"))
    with translation.override("id"):
        url = reverse("training:training-summary", args=[pandes.public_id])
    page = client.get(url).content.decode()
    gain = re.search(r'data-stat="gain">[^<]*</span> <small>([^<]*)</small>', page).group(1)
    assert re.fullmatch(r"\(-?\d+,\d sampai -?\d+,\d\)", gain), gain
