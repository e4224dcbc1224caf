"""The knowledge summary of the paper's training (Pandes 2018, seeded with the demo): its 40
cadres' paired statistics, the trainers' page and the queries it takes. The demo is seeded once
for the module; each test reads it in a savepoint of its own (what a test writes is undone)."""

import pytest
from django.urls import reverse

from kaderasi.cadres.models import Cadre
from kaderasi.conftest import NOW, built_once_per_module
from kaderasi.demo.seeding import seed_demo
from kaderasi.evaluation.statistics import paired_summary
from kaderasi.training.models import TestPhase, Training
from kaderasi.training.scoring import KnowledgeBand
from kaderasi.training.summaries import ItemAnalysisUnavailable, knowledge_summary
from kaderasi.training.tests.answering import english_url

pytestmark = pytest.mark.django_db


_seeded = built_once_per_module(lambda: seed_demo(now=NOW))


@pytest.fixture
def pandes(_seeded, db):
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
