import datetime as dt
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from kaderasi.api.models import SyncSnapshot
from kaderasi.api.pull import FINGERPRINTS_KEPT
from kaderasi.api.tests.conftest import Phone
from kaderasi.care.models import Flag, FlagRule, Mother, Referral, ScheduledSession
from kaderasi.care.services import delivery_record, pairing_end, pairing_start
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def _ids(items):
    return [item["id"] for item in items]


def _planned(mother, district, day, slot, now):
    start = now + dt.timedelta(days=day - 3, hours=slot - 2)
    return ScheduledSession.objects.create(
        mother=mother,
        district=district,
        postpartum_day=day,
        slot=slot,
        window_starts_at=start,
        window_ends_at=start + dt.timedelta(hours=3),
    )


def _flag(mother, district, now):
    rule = FlagRule.objects.get_or_create(
        code="low-feeds",
        defaults={
            "severity": "amber",
            "title_id": "Menyusu kurang",
            "title_en": "Few feeds",
            "source": "test",
        },
    )[0]
    flag = Flag.objects.create(
        mother=mother, district=district, rule=rule, severity="amber", raised_at=now
    )
    referral = Referral.objects.create(flag=flag, mother=mother, district=district, opened_at=now)
    return flag, referral


def test_a_cadres_first_pull_holds_her_clients_only(phone, mother, other_mother, world):
    for _ in range(30):  # the rest of the village
        f.delivered_mother(programme=world.programme, posyandu=world.mawar)

    response = phone.pull()

    body = response.json()
    assert response.status_code == 200
    assert body["reset"] is True
    assert body["has_more"] is False
    assert _ids(body["mothers"]) == [str(mother.public_id)]
    assert len(response.content) < 4000
    record = body["mothers"][0]
    assert record["stage"] == "postpartum"
    assert record["postpartum_day"] == 21  # 8 Nov 10:00 → 29 Nov 09:00 WIB: day 21
    assert record["delivery"]["delivered_at"] == "2026-11-08T03:00:00Z"
    assert record["accompaniment_open"] is True
    assert record["protocol"]["sessions_per_day"] == 2
    assert "nik" not in record


def test_a_pull_says_to_keep_the_screens_of_current_and_recent_clients_only(
    phone, mother, world, cadre_user, now
):
    recent = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(days=30)
    )
    long_ago = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(days=800)
    )
    for finished in (recent, long_ago):
        started = finished.pregnancies.get().delivery.delivered_at
        pairing = f.PairingFactory(mother=finished, cadre=cadre_user.cadre, starts_at=started)
        pairing_end(pairing=pairing, ends_at=started + dt.timedelta(days=14), reason="completed")

    kept = {row["id"]: row["screens_kept"] for row in phone.pull().json()["mothers"]}

    # Accompanied now; accompaniment completed within her puerperium; care ended two years ago.
    assert kept == {
        str(mother.public_id): True,
        str(recent.public_id): True,
        str(long_ago.public_id): False,
    }


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_pull_with_nothing_changed_sends_nothing(phone, mother):
    first = phone.pull().json()

    second = phone.pull(first["cursor"]).json()

    assert second["reset"] is False
    assert (second["mothers"], second["schedule"], second["tombstones"]) == ([], [], [])
    assert SyncSnapshot.objects.count() == 1  # the same set of mothers is stored once


def test_the_overlap_sends_a_late_change_rather_than_miss_it(phone, mother):
    stamped = timezone.now()  # a write stamped before the first pull, committed after it
    first = phone.pull().json()
    Mother.objects.filter(pk=mother.pk).update(code="M-LATE", updated_at=stamped)

    second = phone.pull(first["cursor"]).json()

    # Stamped before the cursor's position, but within the look-back window: sent, not missed.
    assert _ids(second["mothers"]) == [str(mother.public_id)]
    assert second["mothers"][0]["code"] == "M-LATE"


def test_the_overlap_does_not_send_an_unchanged_record_again(phone, mother, world, now):
    _planned(mother, world.wedi, 3, 1, now)
    _flag(mother, world.wedi, now)
    first = phone.pull().json()
    assert _ids(first["mothers"]) == [str(mother.public_id)]

    # Written moments before the first pull, so within the look-back window of the next ones;
    # but the phone holds them as they are.
    second = phone.pull(first["cursor"]).json()
    again = phone.pull(first["cursor"]).json()
    third = phone.pull(second["cursor"]).json()

    for body in (second, again, third):
        assert body["reset"] is False
        assert (body["mothers"], body["schedule"], body["flags"]) == ([], [], [])


def test_a_session_done_within_the_overlap_is_sent(phone, mother, world, now):
    planned = _planned(mother, world.wedi, 3, 1, now)
    first = phone.pull().json()
    ScheduledSession.objects.filter(pk=planned.pk).update(
        cancelled_at=now, updated_at=timezone.now() - dt.timedelta(seconds=1)
    )

    body = phone.pull(first["cursor"]).json()

    assert _ids(body["mothers"]) == [str(mother.public_id)]
    assert [row["cancelled_at"] is not None for row in body["schedule"]] == [True]


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_client_who_comes_back_is_sent_whole_even_if_unchanged(
    phone, mother, world, now, coordinator
):
    cursor = phone.pull().json()["cursor"]
    pairing = mother.pairings.get()
    pairing_end(pairing=pairing, ends_at=now, reason="reassigned")
    gone = phone.pull(cursor).json()
    assert _ids(gone["tombstones"]) == [str(mother.public_id)]

    # Paired with her again: her record as the phone last had it, but the phone dropped her.
    pairing_start(
        mother=mother, cadre=pairing.cadre, starts_at=now, by=coordinator, override_reason="test"
    )
    back = phone.pull(gone["cursor"]).json()

    assert _ids(back["mothers"]) == [str(mother.public_id)]


def test_the_cursor_stays_short_for_a_large_scope(coordinator, world, now):
    for _ in range(FINGERPRINTS_KEPT + 6):
        f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    phone = Phone(coordinator, now)

    first = phone.pull().json()
    second = phone.pull(first["cursor"])

    assert len(first["mothers"]) == FINGERPRINTS_KEPT + 6
    assert len(first["cursor"]) < 2500
    assert second.status_code == 200
    # The records beyond what the cursor remembers are sent again (harmless); the others not.
    assert len(second.json()["mothers"]) == 6


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_change_after_the_cursor_sends_the_mother_again(phone, mother, now):
    cursor = phone.pull().json()["cursor"]
    assert phone.pull(cursor).json()["mothers"] == []

    delivery = mother.pregnancies.get().delivery
    delivery_record(
        pregnancy=delivery.pregnancy,
        delivered_at=delivery.delivered_at - dt.timedelta(hours=2),
        now=now,
    )
    body = phone.pull(cursor).json()

    assert _ids(body["mothers"]) == [str(mother.public_id)]
    assert body["mothers"][0]["delivery"]["delivered_at"] == "2026-11-08T01:00:00Z"


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_reassigned_client_becomes_a_tombstone(phone, mother, world, now, coordinator):
    cursor = phone.pull().json()["cursor"]
    pairing = mother.pairings.get()
    pairing_end(pairing=pairing, ends_at=now, reason="reassigned")
    new_cadre = f.certified_cadre(programme=world.programme, posyandu=world.mawar)
    pairing_start(mother=mother, cadre=new_cadre, starts_at=now, by=coordinator)

    body = phone.pull(cursor).json()

    assert body["tombstones"] == [{"type": "mother", "id": str(mother.public_id)}]
    assert body["mothers"] == []


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_new_client_is_sent_whole_however_old_her_record(phone, mother, world, cadre_user, now):
    old = f.delivered_mother(programme=world.programme, posyandu=world.kenanga)
    _planned(old, world.wedi, 1, 1, now)
    cursor = phone.pull().json()["cursor"]
    mother.pairings.update(ends_at=now, end_reason="completed")
    f.PairingFactory(mother=old, cadre=cadre_user.cadre, starts_at=now)
    # Make the pairing look old, as if written before the cursor: only the scope change tells.
    type(mother).objects.filter(pk=old.pk).update(updated_at=now - dt.timedelta(days=30))

    body = phone.pull(cursor).json()

    assert str(old.public_id) in _ids(body["mothers"])
    assert [s["mother_id"] for s in body["schedule"]].count(str(old.public_id)) == 1


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_a_cancelled_planned_session_is_sent_as_a_change(phone, mother, world, now):
    planned = _planned(mother, world.wedi, 3, 1, now)
    first = phone.pull().json()
    assert [s["status"] for s in first["schedule"]] == ["due"]

    planned.cancelled_at = now
    planned.save()
    body = phone.pull(first["cursor"]).json()

    [change] = body["schedule"]
    assert change["id"] == str(planned.public_id)
    assert change["status"] == "cancelled"
    assert change["cancelled_at"] is not None


@override_settings(KADERASI_SYNC_OVERLAP_SECONDS=0)
def test_open_flags_are_pulled_and_a_closed_one_is_sent_as_closed(
    phone, mother, world, now, midwife
):
    flag, referral = _flag(mother, world.wedi, now)
    first = phone.pull().json()
    assert [(x["id"], x["is_open"]) for x in first["flags"]] == [(str(flag.public_id), True)]

    Referral.objects.filter(pk=referral.pk).update(
        status="closed",
        acknowledged_at=now,
        closed_at=now,
        outcome="handled_at_home",
    )
    Referral.objects.get(pk=referral.pk).save()  # stamps updated_at
    body = phone.pull(first["cursor"]).json()

    assert [(x["id"], x["is_open"]) for x in body["flags"]] == [(str(flag.public_id), False)]
    assert phone.pull().json()["flags"] == []  # a fresh phone never sees closed flags


def test_a_midwife_pulls_the_mothers_of_her_village(midwife, mother, other_mother, now):
    body = Phone(midwife, now).pull().json()

    assert _ids(body["mothers"]) == [str(mother.public_id)]


@override_settings(KADERASI_SYNC_PAGE_MOTHERS=2)
def test_a_large_scope_is_pulled_in_pages(coordinator, world, now):
    mothers = [
        f.delivered_mother(programme=world.programme, posyandu=world.mawar) for _ in range(5)
    ]
    phone = Phone(coordinator, now)

    seen, cursor, pages = [], None, 0
    while True:
        body = phone.pull(cursor).json()
        pages += 1
        assert body["reset"] is (pages == 1)
        seen += _ids(body["mothers"])
        cursor = body["cursor"]
        if not body["has_more"]:
            break

    assert pages == 3
    assert sorted(seen) == sorted(str(m.public_id) for m in mothers)


def test_a_pull_takes_a_fixed_number_of_queries(
    coordinator, world, now, django_assert_max_num_queries
):
    for _ in range(20):
        mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
        _planned(mother, world.wedi, 3, 1, now)
        _flag(mother, world.wedi, now)
    phone = Phone(coordinator, now)

    with django_assert_max_num_queries(30):
        body = phone.pull().json()

    assert len(body["mothers"]) == 20
    assert len(body["schedule"]) == 20
    assert len(body["flags"]) == 20


@pytest.mark.parametrize("cursor", ["garbage", "eyJmIjoxfQ:1abc:def"])
def test_an_altered_cursor_is_a_400(phone, mother, cursor):
    response = phone.pull(cursor)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_cursor", "cursor")


def test_another_users_cursor_is_refused(phone, mother, midwife, now):
    cursor = phone.pull().json()["cursor"]

    response = Phone(midwife, now).pull(cursor)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_a_cadre_cannot_read_another_cadres_mother(phone, mother, other_mother):
    mine = phone.get(f"/api/v1/mothers/{mother.public_id}")
    theirs = phone.get(f"/api/v1/mothers/{other_mother.public_id}")

    assert mine.status_code == 200
    assert mine.json()["mother"]["id"] == str(mother.public_id)
    assert theirs.status_code == 404
    assert theirs.json() == {
        "code": "not_found",
        "message": theirs.json()["message"],
        "field": None,
        "errors": [],
    }


def test_the_content_version_changes_when_a_training_is_added(phone, mother, world):
    before = phone.pull().json()["content"]["version"]

    f.TrainingFactory(programme=world.programme)

    assert phone.pull().json()["content"]["version"] != before


def test_the_pull_speaks_the_users_language_without_an_accept_language(cadre_user, mother, now):
    cadre_user.preferred_language = "en"
    cadre_user.save()
    phone = Phone(cadre_user, now)

    english = phone.pull()
    indonesian = phone.pull(HTTP_ACCEPT_LANGUAGE="id")

    assert english["Content-Language"] == "en"
    assert indonesian["Content-Language"] == "id"


def test_the_api_documents_itself_without_a_cdn():
    schema = Client().get("/api/v1/openapi.json")
    docs = Client().get("/api/v1/docs")

    assert schema.status_code == 200
    assert set(json.loads(schema.content)["paths"]) >= {
        "/api/v1/auth/token",
        "/api/v1/sync/pull",
        "/api/v1/sync/push",
    }
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()
