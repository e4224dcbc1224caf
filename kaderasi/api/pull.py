"""The pull: what a user may see that changed since her cursor, one mother at a time.

The unit of change is the mother: when anything about her changes (her registry data, her
pregnancy, delivery or infants, her schedule, her sessions, flags, referrals or pairings), the
phone gets her whole record again, with her live schedule, the sessions cancelled since its last
pull, her open flags and those closed since. Mothers who entered the user's scope are sent whole
whatever their age; mothers who left it (a reassigned client, a mother moved to another village)
come back as tombstones. The first pull of a cadre is therefore her clients only.

Change positions are the rows' `updated_at`, read on the clock that stamps them. Each pull
looks back `KADERASI_SYNC_OVERLAP_SECONDS` before the previous pull started, so a row saved by
a transaction that committed late, or stamped by a server whose clock lags a little, is still
sent. A record the look-back finds again is sent only if it differs from what the phone holds:
the cursor carries a fingerprint of each record the latest pulls sent (decision 0155), so an
unchanged one costs the phone nothing, and a late change (whose record then differs) still
arrives. Large scopes are paged by mother id.
"""

import base64
import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Protocol, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from kaderasi.accounts.models import User
from kaderasi.api.content import content_version
from kaderasi.api.cursors import Cursor, cursor_decode, cursor_encode
from kaderasi.api.models import SyncSnapshot
from kaderasi.care import scheduling
from kaderasi.care.models import (
    Delivery,
    Flag,
    Infant,
    MassageSession,
    Mother,
    Pairing,
    Pregnancy,
    Referral,
    ReferralStatus,
    ScheduledSession,
    SessionStatus,
)
from kaderasi.care.selectors import MotherRow, mother_rows, mothers_visible_to
from kaderasi.core.models import BaseModel
from kaderasi.offline.shell import screens_kept

# Every table whose change changes what the phone shows about a mother, with the path from the
# row to its mother.
CHANGE_SOURCES: tuple[tuple[type[BaseModel], str], ...] = (
    (Mother, "pk"),
    (Pregnancy, "mother"),
    (Delivery, "pregnancy__mother"),
    (Infant, "delivery__pregnancy__mother"),
    (Pairing, "mother"),
    (ScheduledSession, "mother"),
    (MassageSession, "mother"),
    (Flag, "mother"),
    (Referral, "mother"),
)


# At most this many fingerprints ride in a cursor (a cadre has a handful of clients; a larger
# scope's records beyond it are sent again by the look-back, as before): the cursor stays well
# under the 4,000 characters the pull accepts.
FINGERPRINTS_KEPT = 64


def _version(row) -> str:
    return row.updated_at.isoformat()


def _snapshot_for(user: User, public_ids: set[str]) -> SyncSnapshot:
    ordered = sorted(public_ids)
    digest = hashlib.sha256("\n".join(ordered).encode()).hexdigest()
    existing = SyncSnapshot.objects.filter(user=user, digest=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return SyncSnapshot.objects.create(user=user, digest=digest, mother_ids=ordered)
    except IntegrityError:  # the same set stored by a concurrent pull
        return SyncSnapshot.objects.get(user=user, digest=digest)


class _PrefetchedMother(Protocol):
    """What `care.selectors.mother_rows` prefetches onto each mother (`to_attr` lists)."""

    ordered_pregnancies: list[Pregnancy]
    open_pairings: list[Pairing]


def _prefetched(mother: Mother) -> _PrefetchedMother:
    return cast(_PrefetchedMother, mother)


def _changed_mothers(scope: QuerySet[Mother], since: dt.datetime) -> set[int]:
    changed: set[int] = set()
    for model, path in CHANGE_SOURCES:
        rows = model._default_manager.filter(updated_at__gt=since, **{f"{path}__in": scope})
        changed.update(rows.values_list(path, flat=True).distinct())
    return changed


def session_status(session: ScheduledSession, *, now: dt.datetime) -> SessionStatus:
    """The status `care.scheduling.session_status` derives (never stored), for a scheduled
    session row with its massage session loaded or absent."""
    return scheduling.session_status(
        window_starts_at=session.window_starts_at,
        window_ends_at=session.window_ends_at,
        now=now,
        done=hasattr(session, "massage_session"),
        cancelled=session.cancelled_at is not None,
        skipped=session.skipped_at is not None,
    )


def _change_position() -> dt.datetime:
    """Where the changes stand now, on the clock that stamps `updated_at` (auto_now reads
    django.utils.timezone.now), which is not the domain clock passed in as `now`."""
    return timezone.now()


def sync_pull(*, user: User, cursor: str | None, now: dt.datetime) -> dict:
    """What changed for `user` since `cursor` (everything she may see when there is none), with
    the cursor to send next time. Raises DomainError for a cursor that was not issued to her."""
    state = cursor_decode(cursor, user=user) if cursor else Cursor()
    scope = mothers_visible_to(user)
    overlap = dt.timedelta(seconds=settings.KADERASI_SYNC_OVERLAP_SECONDS)
    previous = (
        SyncSnapshot.objects.filter(pk=state.snapshot, user=user).first()
        if state.snapshot
        else None
    )
    tombstones: list[str] = []
    if state.is_paging:
        current = (
            SyncSnapshot.objects.filter(pk=state.next_snapshot, user=user).first()
            if state.next_snapshot is not None
            else None
        )
        if current is None:  # pruned while paging: start over
            return sync_pull(user=user, cursor=None, now=now)
        until, after = state.until, state.after
    else:
        visible = {str(public_id) for public_id in scope.values_list("public_id", flat=True)}
        current = _snapshot_for(user, visible)
        until, after = _change_position(), 0
        if previous is not None:
            tombstones = sorted(set(previous.mother_ids) - visible)
    # Changes are sent again from a little before the cursor's position: rows stamped while the
    # last pull was being read are not missed.
    since = state.position - overlap if previous is not None and state.position else None
    reset = since is None
    entered: set[str] = set()
    if previous is None or since is None:
        candidates = scope
    else:
        entered = set(current.mother_ids) - set(previous.mother_ids)
        changed = _changed_mothers(scope, since)
        candidates = scope.filter(Q(pk__in=changed) | Q(public_id__in=entered))
    page_size = settings.KADERASI_SYNC_PAGE_MOTHERS
    page = list(
        candidates.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[: page_size + 1]
    )
    has_more = len(page) > page_size
    page = page[:page_size]
    bundles = _bundles(page, since=since, now=now)
    fingerprints = _fingerprints(bundles)
    if since is not None:  # the phone keeps what it holds: leave out what it holds already
        bundles = _without(bundles, state.sent, fingerprints, entered=entered)
    # What the phone holds after this pull, newest first: a mother's entry is replaced whenever
    # she is sent, so an entry always names the record the phone last received; a reset empties
    # the phone, and what it held before is forgotten with it.
    starts_over = reset and not state.is_paging
    held = {} if starts_over else state.sent
    older = [(pk, fp) for pk, fp in held.items() if pk not in fingerprints]
    sent = dict([*fingerprints.items(), *older][:FINGERPRINTS_KEPT])
    if has_more:
        next_cursor = Cursor(
            snapshot=state.snapshot if previous else None,
            position=state.position,
            next_snapshot=current.pk,
            until=until,
            after=page[-1],
            sent=sent,
        )
    else:
        next_cursor = Cursor(snapshot=current.pk, position=until, sent=sent)
    version, sources = content_version(user)
    return {
        "cursor": cursor_encode(next_cursor, user=user),
        "reset": reset and not state.is_paging,
        "has_more": has_more,
        "server_time": now,
        "mothers": bundles["mothers"],
        "schedule": bundles["schedule"],
        "flags": bundles["flags"],
        "tombstones": [{"type": "mother", "id": public_id} for public_id in tombstones],
        "content": {"version": version, "sources": sources},
    }


def _fingerprints(bundles: dict) -> dict[int, str]:
    """A short digest of each mother's record as the phone keeps it after this pull (her data
    without the moment it was computed, her live schedule, her open flags), by mother pk: equal
    digests, nothing new for the phone."""
    kept: dict[str, dict] = {
        str(mother["id"]): {"mother": {k: v for k, v in mother.items() if k != "computed_at"}}
        for mother in bundles["mothers"]
    }
    for name, rows, is_kept in (
        ("schedule", bundles["schedule"], lambda row: row["cancelled_at"] is None),
        ("flags", bundles["flags"], lambda row: row["is_open"]),
    ):
        for row in rows:
            if is_kept(row):
                kept[str(row["mother_id"])].setdefault(name, []).append(row)
    fingerprints = {}
    for public_id, record in kept.items():
        text = json.dumps(record, cls=DjangoJSONEncoder, sort_keys=True)
        digest = hashlib.sha256(text.encode()).digest()[:6]
        fingerprints[bundles["pks"][public_id]] = base64.urlsafe_b64encode(digest).decode()
    return fingerprints


def _without(
    bundles: dict, held: dict[int, str], fingerprints: dict[int, str], *, entered: set[str]
) -> dict:
    """The bundles less the mothers whose record the phone holds already, unchanged. A mother
    who (re-)entered the scope is always sent: the phone dropped her when she left."""
    same = {
        public_id
        for public_id, pk in bundles["pks"].items()
        if held.get(pk) == fingerprints[pk] and public_id not in entered
    }
    return {
        "pks": bundles["pks"],
        "mothers": [row for row in bundles["mothers"] if str(row["id"]) not in same],
        "schedule": [row for row in bundles["schedule"] if str(row["mother_id"]) not in same],
        "flags": [row for row in bundles["flags"] if str(row["mother_id"]) not in same],
    }


def _bundles(mother_pks: list[int], *, since: dt.datetime | None, now: dt.datetime) -> dict:
    """The records of these mothers, in a fixed number of queries."""
    rows = mother_rows(Mother.objects.filter(pk__in=mother_pks).order_by("pk"), now=now)
    deliveries = [
        _prefetched(row.mother).ordered_pregnancies[0].delivery
        for row in rows
        if _prefetched(row.mother).ordered_pregnancies
        and hasattr(_prefetched(row.mother).ordered_pregnancies[0], "delivery")
    ]
    infants = defaultdict(list)
    for infant in Infant.objects.filter(delivery__in=deliveries).order_by("created_at"):
        infants[infant.delivery_id].append(infant)

    live = Q(cancelled_at__isnull=True)
    if since is not None:  # cancelled since the phone's last pull: it removes them
        live |= Q(updated_at__gt=since)
    schedule = (
        ScheduledSession.objects.filter(live, mother__in=mother_pks)
        .select_related("mother", "massage_session")
        .order_by("window_starts_at", "pk")
    )
    flags = Flag.objects.filter(mother__in=mother_pks).select_related("mother", "rule", "referral")
    return {
        # Which mother each record is (internal ids, for the cursor's fingerprints; not sent).
        "pks": {str(row.mother.public_id): row.mother.pk for row in rows},
        "mothers": [_mother(row, infants, now=now) for row in rows],
        "schedule": [
            {
                "id": session.public_id,
                "mother_id": session.mother.public_id,
                "postpartum_day": session.postpartum_day,
                "slot": session.slot,
                "window_starts_at": session.window_starts_at,
                "window_ends_at": session.window_ends_at,
                "cancelled_at": session.cancelled_at,
                "status": session_status(session, now=now),
                "version": _version(session),
            }
            for session in schedule
        ],
        "flags": [
            _flag(flag)
            for flag in flags
            if _flag_is_open(flag) or (since is not None and _flag_changed(flag, since))
        ],
    }


def _referral(flag: Flag) -> Referral | None:
    return getattr(flag, "referral", None)  # a missing reverse one-to-one raises AttributeError


def _flag_is_open(flag: Flag) -> bool:
    referral = _referral(flag)
    return referral is None or referral.status != ReferralStatus.CLOSED


def _flag_changed(flag: Flag, since: dt.datetime) -> bool:
    referral = _referral(flag)
    return flag.updated_at > since or (referral is not None and referral.updated_at > since)


def _flag(flag: Flag) -> dict:
    referral = _referral(flag)
    return {
        "id": flag.public_id,
        "mother_id": flag.mother.public_id,
        "rule": flag.rule.code,
        "severity": flag.severity,
        "title": flag.rule.title_id if _language() == "id" else flag.rule.title_en,
        "raised_at": flag.raised_at,
        "is_open": _flag_is_open(flag),
        "referral_status": referral.status if referral else None,
        "version": _version(flag),
    }


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def _mother(row: MotherRow, infants: dict, *, now: dt.datetime) -> dict:
    mother = row.mother
    pregnancies = _prefetched(mother).ordered_pregnancies
    pregnancy = pregnancies[0] if pregnancies else None
    delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
    programme = mother.programme
    accompaniment_open = bool(_prefetched(mother).open_pairings)
    return {
        "id": mother.public_id,
        "version": _version(mother),
        "code": mother.code,
        "name": mother.name,
        "phone": mother.phone,
        "birth_date": mother.birth_date,
        "programme": programme.slug,
        "posyandu": mother.posyandu.name,
        "stage": row.stage,
        "postpartum_day": row.postpartum_day,
        "gestational_age_days": row.gestational_age.total_days if row.gestational_age else None,
        "computed_at": now,
        "accompaniment_open": accompaniment_open,
        "screens_kept": screens_kept(accompaniment_open=accompaniment_open, stage=row.stage),
        "cadre": (
            {"id": row.cadre.public_id, "code": row.cadre.code, "name": row.cadre.name}
            if row.cadre
            else None
        ),
        "protocol": {
            "sessions_per_day": programme.sessions_per_day,
            "session_minutes_min": programme.session_minutes_min,
            "session_minutes_max": programme.session_minutes_max,
            "protocol_days": programme.protocol_days,
            "start_postpartum_day": programme.start_postpartum_day,
        },
        "pregnancy": (
            {
                "id": pregnancy.public_id,
                "version": _version(pregnancy),
                "last_menstrual_period": pregnancy.last_menstrual_period,
                "estimated_delivery_date": pregnancy.estimated_delivery_date,
            }
            if pregnancy
            else None
        ),
        "delivery": (
            {
                "id": delivery.public_id,
                "version": _version(delivery),
                "delivered_at": delivery.delivered_at,
                "delivery_type": delivery.delivery_type,
                "parity": delivery.parity,
                "place": delivery.place,
                "early_initiation": delivery.early_initiation,
                "infants": [
                    {
                        "id": infant.public_id,
                        "version": _version(infant),
                        "sex": infant.sex,
                        "birth_weight_g": infant.birth_weight_g,
                    }
                    for infant in infants.get(delivery.pk, [])
                ],
            }
            if delivery
            else None
        ),
    }


def mother_record(*, user: User, public_id, now: dt.datetime) -> dict | None:
    """One mother's record as a pull sends it, or None when `user` may not see her."""
    mother = mothers_visible_to(user).filter(public_id=public_id).values_list("pk", flat=True)
    pks = list(mother[:1])
    if not pks:
        return None
    bundle = _bundles(pks, since=None, now=now)
    return {
        "mother": bundle["mothers"][0],
        "schedule": bundle["schedule"],
        "flags": bundle["flags"],
    }
