"""demo-live: anchored to the day the demo runs, with something real on every screen.

The demo is seeded once for the module (at the personas' `now`), each test in a savepoint of its
own; what it looks like at other hours of the day is in test_demo_live_hours.py."""

import datetime as dt

import pytest
from django.utils import timezone

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Consent, Flag, MassageSession, Mother, ReferralStatus
from kaderasi.care.selectors import mother_rows
from kaderasi.care.today import clients_today
from kaderasi.conftest import NOW, shared_rows
from kaderasi.demo.seeding import seed_demo
from kaderasi.programmes.models import Programme
from kaderasi.training.certification import is_certified
from kaderasi.training.models import Certificate, TestAttempt, TestPhase, Training
from kaderasi.training.selectors import cadres_of, open_tests_for, training_policy_for
from kaderasi.training.summaries import certification_rows, knowledge_summary

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    yield from shared_rows(django_db_blocker, lambda: seed_demo(now=NOW))


@pytest.fixture
def live(_seeded, now):
    assert now == NOW
    return Mother.objects.filter(programme__slug="demo-live")


def test_demo_live_has_a_pregnant_mother_and_mothers_delivered_today_and_on_days_1_2_3(live, now):
    rows = mother_rows(live, now=now)
    pregnant = [r for r in rows if r.stage == "pregnant"]
    assert [r.gestational_age.weeks for r in pregnant] == [37]
    days = sorted(r.postpartum_day for r in rows if r.stage == "postpartum")
    assert days == [1, 1, 2, 3]
    deliveries = [
        r.mother.pregnancies.get().delivery.delivered_at for r in rows if r.postpartum_day
    ]
    assert timezone.localdate(now) in {timezone.localdate(d) for d in deliveries}


def test_demo_live_has_sessions_done_one_missed_and_one_red_flag_open(live):
    assert MassageSession.objects.filter(mother__in=live).count() >= 4
    open_flags = Flag.objects.filter(
        mother__in=live, referral__status=ReferralStatus.OPEN
    ).values_list("rule__code", "severity")
    assert sorted(open_flags) == [
        ("infant_weight_loss_referral", "red"),
        ("latch_score_low", "amber"),
        ("missed_session", "amber"),
    ]


def test_every_demo_live_mother_consented_and_every_cadre_is_certified(live, now):
    assert set(Consent.objects.filter(mother__in=live).values_list("mother", flat=True)) == set(
        live.values_list("pk", flat=True)
    )
    for cadre in Cadre.objects.filter(programme__slug="demo-live"):
        assert is_certified(cadre, on=timezone.localdate(now))


def test_the_demo_kader_also_has_a_demo_live_client_with_a_session_due_today(live, now):
    kader = User.objects.get(username="kader")
    days = clients_today(kader, now=now)
    (day,) = [d for d in days if d.mother.programme.slug == "demo-live"]
    assert day.postpartum_day == 2
    assert day.current is not None or day.next is not None
    assert any(v.status in {"due", "upcoming"} for v in day.sessions_today)


def test_running_the_demo_again_the_same_day_duplicates_nothing(live, now):
    counts = (live.count(), MassageSession.objects.count(), Flag.objects.count())
    seed_demo(now=now + dt.timedelta(hours=2))
    assert (live.count(), MassageSession.objects.count(), Flag.objects.count()) == counts


def test_running_the_demo_on_a_later_day_re_anchors_demo_live_to_that_day(live, now):
    later = now + dt.timedelta(days=5)
    seed_demo(now=later)
    rows = mother_rows(Mother.objects.filter(programme__slug="demo-live"), now=later)
    assert sorted(r.postpartum_day for r in rows if r.postpartum_day) == [1, 1, 2, 3]
    assert Mother.objects.filter(programme__slug="demo-live").count() == 5
    assert User.objects.count() == 5


def test_demo_live_certificates_rest_on_the_cadres_recorded_tests_and_re_demonstrations(live, now):
    training = Training.objects.get(programme__slug="demo-live", skill_checklist__isnull=False)
    rows = certification_rows(training)
    assert [row.cadre.code for row in rows] == ["K01", "K02", "K03", "K04", "K05"]
    for row in rows:
        assert row.eligibility.post_test_passed and row.eligibility.skill_passed
        assert sorted(row.skill.outcomes) == [1, 2]
        assert row.certificate.issued_on == timezone.localdate(training.ends_at)
        assert row.certificate.issued_reason == ""
    summary = knowledge_summary(training, cadres=Cadre.objects.all())
    assert summary.statistics["n"] == 5
    assert summary.item_analysis_unavailable is None


def test_demo_live_certificates_name_an_issuer_and_a_signatory(live):
    policy = training_policy_for(Programme.objects.get(slug="demo-live"))
    assert policy.pk is not None
    assert policy.certificate_issuer and policy.certificate_signatory


def test_the_demo_kader_has_a_refresher_post_test_to_take_on_her_phone(live):
    kader = User.objects.get(username="kader")
    (test,) = open_tests_for(cadres_of(kader))
    assert test.phase == TestPhase.POST
    assert test.attempt is None
    assert test.training.programme.slug == "demo-live"
    assert test.training.participants.get(cadre__code="K01").cadre.same_person_as == kader.cadre


def test_running_the_demo_again_the_same_day_duplicates_no_training_record(live, now):
    counts = (Training.objects.count(), TestAttempt.objects.count(), Certificate.objects.count())
    seed_demo(now=now + dt.timedelta(hours=2))
    assert (
        Training.objects.count(),
        TestAttempt.objects.count(),
        Certificate.objects.count(),
    ) == counts
