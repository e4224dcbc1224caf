"""After a record, the phone fetches again only the kept screens that show what changed (decision
0275): each page of `shell.MOTHER_PAGES` names the changes it shows, and a page that does not name
a change must read the same after it. Each record type is pushed as the phone pushes it; what the
phone then counts as changed is what offline.js counts: the record's type, and her record, her
schedule or her flags when the pull brings a new version of them."""

import datetime as dt
import re
import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from kaderasi.api.pull import mother_record
from kaderasi.api.tests.conftest import Phone
from kaderasi.care import services
from kaderasi.care.catalogue import catalogue_ensure
from kaderasi.care.models import ScheduledSession
from kaderasi.offline import shell
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

DELIVERED_AGO = dt.timedelta(hours=26)  # day 2: sessions due, LATCH and milk onset asked


@pytest.fixture(autouse=True)
def _clock(monkeypatch, now):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: now)


@pytest.fixture
def client_mother(world, cadre_user, now):
    catalogue_ensure(apps)
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - DELIVERED_AGO
    )
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre, starts_at=now - DELIVERED_AGO)
    services.schedule_reconcile(mother=mother, now=now)
    return mother


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def _record(kind: str, mother, now) -> dict:
    """A record of `kind` for `mother` as the phone pushes it, chosen to change what it can: a
    baseline milk volume, a red danger sign that stops the massage, a low LATCH score..."""
    base = {"id": str(uuid.uuid4()), "type": kind, "mother_id": str(mother.public_id)}
    measured = {"measured_at": _iso(now - dt.timedelta(minutes=30))}
    if kind == "milk_volume":
        return {
            **base,
            **measured,
            "volume_ml": 12.5,
            "method": "hand_expression",
            "basis": "single_expression",
            "phase": "before",
        }
    if kind in {"feeds", "wet_nappies", "stools"}:
        return {**base, **measured, "value": 1}
    if kind == "infant_weight":
        return {**base, **measured, "value": 2500}
    if kind == "massage_session":
        return {
            **base,
            "started_at": _iso(now - dt.timedelta(minutes=40)),
            "ended_at": _iso(now - dt.timedelta(minutes=28)),
            "performed_by": "cadre",
            "steps_done": [1, 2, 3, 4],
        }
    if kind == "danger_signs":
        return {
            **base,
            "observed_at": _iso(now - dt.timedelta(minutes=10)),
            "context": "before_massage",
            "signs": ["back_wound"],
        }
    if kind == "latch_score":
        scores = dict.fromkeys(("latch", "audible_swallowing", "nipple_type", "comfort", "hold"), 0)
        return {**base, **scores, "observed_at": _iso(now - dt.timedelta(minutes=10))}
    if kind == "session_skip":
        skippable = ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True)
        return {
            **base,
            "scheduled_session_id": str(skippable.order_by("window_starts_at").last().public_id),
            "reason": "mother_declines",
            "skipped_at": _iso(now - dt.timedelta(minutes=5)),
        }
    assert kind == "milk_onset"
    return {**base, "came_in": True, "at": _iso(now - dt.timedelta(hours=1))}


# What differs between two renderings of the same page besides its nonce: the CSRF token's
# masking (as core/conditional.py leaves it out of the ETag) and the fresh record id a form offers.
_VOLATILE = (
    re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])"),
    re.compile(r'(?<=name="id" value=")[0-9a-f-]{36}'),
)


def _pages(browser: Client, mother) -> dict[str, str]:
    """Each kept page of `mother`, by its URL pattern, less what differs on every rendering."""
    pages = {}
    for pattern in shell.mother_page_patterns():
        url = pattern["url"].replace("{id}", str(mother.public_id))
        response = browser.get(url)
        assert response.status_code == 200, url
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        content = response.content.decode().replace(nonce, "")
        for volatile in _VOLATILE:
            content = volatile.sub("", content)
        pages[pattern["url"]] = content
    return pages


def _held(record: dict) -> dict:
    """What offline.js compares of a pulled record: her version, stage, day and whether her
    screens are kept; each live session's and open flag's version."""
    mother = record["mother"]
    return {
        "mother": [mother[key] for key in ("version", "stage", "postpartum_day", "screens_kept")],
        "schedule": {
            row["id"]: row["version"] for row in record["schedule"] if not row["cancelled_at"]
        },
        "flags": {row["id"]: row["version"] for row in record["flags"] if row["is_open"]},
    }


def _refetched(changes: set[str]) -> set[str]:
    """The pages offline.js fetches again for a client after `changes`."""
    return {
        pattern["url"]
        for pattern in shell.mother_page_patterns()
        if shell.MOTHER in changes or changes & set(pattern["shows"])
    }


@pytest.mark.parametrize("kind", shell.RECORD_TYPES)
def test_a_record_changes_no_kept_screen_that_the_phone_does_not_fetch_again(
    kind, client_mother, cadre_user, now
):
    browser = Client()
    browser.force_login(cadre_user)
    before = _pages(browser, client_mother)
    held = _held(mother_record(user=cadre_user, public_id=client_mother.public_id, now=now))

    response = Phone(cadre_user, now).push(_record(kind, client_mother, now))
    assert response.json()["results"][0]["status"] == "created", response.json()

    pulled = _held(mother_record(user=cadre_user, public_id=client_mother.public_id, now=now))
    changes = {kind} | {what for what in held if held[what] != pulled[what]}
    after = _pages(browser, client_mother)
    changed_pages = {url for url in before if before[url] != after[url]}
    assert changed_pages <= _refetched(changes), changes


def test_a_feeds_count_fetches_again_only_her_page():
    assert _refetched({"feeds"}) == {
        reverse("mother-detail", args=[shell.PLACEHOLDER]).replace(str(shell.PLACEHOLDER), "{id}")
    }


def test_a_change_of_her_record_fetches_every_screen_again():
    assert _refetched({shell.MOTHER}) == {p["url"] for p in shell.mother_page_patterns()}


@pytest.mark.parametrize(
    ("accompaniment_open", "stage", "kept"),
    [
        (True, "postpartum", True),
        (True, "pregnant", True),
        (True, "puerperium_ended", True),  # still accompanied: her cadre still visits
        (False, "postpartum", True),  # accompaniment completed, puerperium not over
        (False, "puerperium_ended", False),  # care ended long ago
    ],
)
def test_a_phone_keeps_the_screens_of_current_and_recent_clients_only(
    accompaniment_open, stage, kept
):
    assert shell.screens_kept(accompaniment_open=accompaniment_open, stage=stage) is kept
