"""Issue 18, item 6: the breastfeeding observation. A cadre scores a feed with LATCH (Jensen,
Wallace & Kelsay 1994: five items, each 0-2) on the massage days; it is stored by the one write
path, a low total raises the `latch_score_low` flag (data, a proposal [S]) for the midwife's
review, the phone's re-sent record is a duplicate, and the mother's page charts the totals."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaderasi.api.tokens import device_token_issue
from kaderasi.care import services
from kaderasi.care.models import Delivery, Flag, FlagRule, LatchObservation, ScheduledSession
from kaderasi.care.protocol_notes import skippable_sessions
from kaderasi.care.timeline import flag_summary
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_mother(world, cadre_user, now):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(hours=26)
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - dt.timedelta(hours=26))
    services.schedule_reconcile(mother=mother, now=now)
    return mother


def _score(mother, now, *, observed_at=None, **items):
    scores = {"latch": 2, "audible_swallowing": 2, "nipple_type": 2, "comfort": 2, "hold": 2}
    scores.update(items)
    return services.care_record_write(
        record=services.LatchScoreRecord(
            mother=mother, observed_at=observed_at or now - dt.timedelta(minutes=5), **scores
        ),
        by=None,
        now=now,
    )


def test_a_total_of_four_on_day_two_asks_the_midwife_to_review(client_mother, now):
    row = _score(
        client_mother, now, latch=1, audible_swallowing=0, nipple_type=1, comfort=1, hold=1
    )

    assert row.total == 4
    [flag] = Flag.objects.filter(mother=client_mother)
    assert (flag.rule.code, flag.severity, flag.latch_observation) == (
        "latch_score_low",
        "amber",
        row,
    )
    assert flag.detail == {"latch_total": 4, "total_at_most": 4.0, "postpartum_day": 2}
    assert flag.referral.status == "open"
    with translation.override("en"):
        assert flag_summary(flag) == (
            "LATCH total 4 on day 2 (review at 4 or less): the midwife helps with position and "
            "latch."
        )


def test_a_total_of_five_raises_nothing(client_mother, now):
    _score(client_mother, now, latch=1, audible_swallowing=1, nipple_type=1, comfort=1, hold=1)

    assert not Flag.objects.filter(mother=client_mother).exists()


def test_the_threshold_and_the_days_are_the_rules_data(client_mother, now):
    rule = FlagRule.objects.get(code="latch_score_low")
    assert "Jensen" in rule.source and "[S]" in rule.source
    rule.parameters = {"total_at_most": 6, "days": [3]}
    rule.save()
    _score(client_mother, now, latch=1, audible_swallowing=1, nipple_type=1, comfort=1, hold=1)
    assert not Flag.objects.exists()  # day 2 is no longer judged

    rule.parameters = {"total_at_most": 6, "days": [2]}
    rule.save()
    _score(client_mother, now, latch=1, audible_swallowing=1, nipple_type=1, comfort=1, hold=1)
    assert Flag.objects.get().detail["latch_total"] == 5


def test_a_score_without_a_delivery_is_refused(world, now):
    mother = f.MotherFactory(programme=world.programme, posyandu=world.mawar)
    with pytest.raises(DomainError) as refused:
        _score(mother, now)
    assert refused.value.code == "latch_without_delivery"


def test_each_item_is_held_to_zero_to_two_by_the_database_too(client_mother, now):
    from django.db import IntegrityError, transaction

    row = _score(client_mother, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        LatchObservation.objects.filter(pk=row.pk).update(hold=3)


def _push(user, now, records):
    _token, secret = device_token_issue(user=user, device_name="HP", now=now)
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = phone.post(
        "/api/v1/sync/push", {"records": records}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return [result["status"] for result in response.json()["results"]]


def test_each_new_phone_record_sent_twice_is_stored_once(client_mother, cadre_user, now):
    row = skippable_sessions(client_mother, now=now)[0]
    moment = (now - dt.timedelta(minutes=5)).isoformat()
    mother_id = str(client_mother.public_id)
    records = [
        {"type": "latch_score", "id": str(uuid.uuid4()), "mother_id": mother_id,
         "observed_at": moment, "latch": 2, "audible_swallowing": 1, "nipple_type": 2,
         "comfort": 2, "hold": 1},
        {"type": "session_skip", "id": str(uuid.uuid4()), "mother_id": mother_id,
         "scheduled_session_id": str(row.public_id), "reason": "mother_declines",
         "skipped_at": moment},
        {"type": "milk_onset", "id": str(uuid.uuid4()), "mother_id": mother_id,
         "came_in": True, "at": moment},
    ]  # fmt: skip

    assert _push(cadre_user, now, records) == ["created"] * 3
    assert _push(cadre_user, now, records) == ["duplicate"] * 3

    assert LatchObservation.objects.filter(mother=client_mother).count() == 1
    row.refresh_from_db()
    assert (row.skip_reason, row.skipped_by, row.skipped_at) == (
        "mother_declines",
        cadre_user,
        now - dt.timedelta(minutes=5),
    )
    delivery = Delivery.objects.get(pregnancy__mother=client_mother)
    assert delivery.milk_came_in_at == now - dt.timedelta(minutes=5)


def test_a_skip_record_id_cannot_name_a_second_session(client_mother, cadre_user, now):
    first, second = skippable_sessions(client_mother, now=now)[:2]
    record_id = str(uuid.uuid4())
    base = {"type": "session_skip", "id": record_id, "mother_id": str(client_mother.public_id),
            "reason": "mother_unwell", "skipped_at": now.isoformat()}  # fmt: skip

    assert _push(cadre_user, now, [{**base, "scheduled_session_id": str(first.public_id)}]) == [
        "created"
    ]
    assert _push(cadre_user, now, [{**base, "scheduled_session_id": str(second.public_id)}]) == [
        "rejected"
    ]
    assert not ScheduledSession.objects.get(pk=second.pk).skipped_at


def test_the_mother_page_offers_the_observation_and_charts_the_totals(
    client, cadre_user, client_mother, now, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)
    _score(client_mother, now, latch=1, audible_swallowing=0, nipple_type=1, comfort=1, hold=1)
    client.force_login(cadre_user)
    with translation.override("en"):
        page = client.get(reverse("mother-detail", kwargs={"public_id": client_mother.public_id}))
    text = page.content.decode()
    assert reverse("care:latch-score", kwargs={"public_id": client_mother.public_id}) in text
    assert (
        'aria-label="Breastfeeding observation (LATCH total) by postpartum day: day 2: 4"' in text
    )
    assert "Midwife review: 4 or less" in text


def test_the_observation_is_not_offered_after_the_massage_days(
    client, cadre_user, world, now, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(days=6)
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - dt.timedelta(days=6))
    client.force_login(cadre_user)
    page = client.get(reverse("mother-detail", kwargs={"public_id": mother.public_id}))
    assert reverse("care:latch-score", kwargs={"public_id": mother.public_id}) not in (
        page.content.decode()
    )
