"""demo-live: anchored to the day the demo runs, with something real on every screen."""

import datetime as dt

import pytest
from django.utils import timezone

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Consent, Flag, MassageSession, Mother, ReferralStatus
from kaderasi.care.selectors import mother_rows
from kaderasi.care.today import clients_today
from kaderasi.demo.seeding import seed_demo
from kaderasi.training.certification import is_certified

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(now):
    seed_demo(now=now)
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
