"""demo-live run at other hours of the day: the demo is seeded once per hour for the module, and
every test of that hour reads it (each in a savepoint of its own)."""

import datetime as dt

import pytest
from django.utils import timezone

from kaderasi.accounts.models import User
from kaderasi.care.models import Flag, Mother, ReferralStatus
from kaderasi.care.selectors import mother_rows
from kaderasi.care.today import clients_today
from kaderasi.conftest import shared_rows
from kaderasi.demo.seeding import seed_demo
from kaderasi.training.models import Training

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def run_at(request, django_db_setup, django_db_blocker):
    """The demo seeded at `request.param` (local time, "HH:MM") on 29 November 2026; the time."""
    hour, minute = map(int, request.param.split(":"))
    now = timezone.make_aware(dt.datetime(2026, 11, 29, hour, minute))

    def seed():
        seed_demo(now=now)
        return now

    yield from shared_rows(django_db_blocker, seed)


@pytest.mark.parametrize("run_at", ["00:30", "06:05", "20:55", "23:45"], indirect=True)
def test_demo_live_has_something_to_show_whatever_the_hour_it_is_run(run_at):
    now = run_at
    live = Mother.objects.filter(programme__slug="demo-live")
    rows = mother_rows(live, now=now)
    assert sorted(r.postpartum_day for r in rows if r.postpartum_day) == [1, 1, 2, 3]
    open_flags = Flag.objects.filter(
        mother__in=live, referral__status=ReferralStatus.OPEN
    ).values_list("rule__code", flat=True)
    assert {"infant_weight_loss_referral", "missed_session"} <= set(open_flags)
    (day,) = [
        d
        for d in clients_today(User.objects.get(username="kader"), now=now)
        if d.mother.programme.slug == "demo-live"
    ]
    coming = day.current or day.next
    # Inside the waking day a session is due or coming today; after its last window, the next
    # one is the first of tomorrow morning.
    assert coming is not None
    assert coming.row.window_starts_at - now < dt.timedelta(hours=10)


@pytest.mark.parametrize("run_at", ["00:30", "13:40", "23:45"], indirect=True)
def test_the_demo_live_training_starts_at_eight_in_the_morning_whatever_the_hour_it_is_run(
    run_at,
):
    starts = {
        timezone.localtime(training.starts_at).replace(tzinfo=None)
        for training in Training.objects.filter(programme__slug="demo-live")
    }
    assert starts == {dt.datetime(2026, 11, 9, 8, 0), dt.datetime(2026, 11, 28, 8, 0)}
