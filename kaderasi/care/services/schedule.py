"""Keeping each mother's scheduled sessions in step with her delivery, her consent and the
programme's protocol; and the sweep that acts on the clock passing."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from kaderasi.care import scheduling
from kaderasi.care.consent import withdrawn_q
from kaderasi.care.flag_rules import (
    SMALL_OR_PRETERM_RULE,
    BirthFacts,
    MissedSessionFacts,
    RuleSetting,
    StoolFacts,
    evaluate,
)
from kaderasi.care.models import (
    CancelReason,
    Consent,
    ConsentSubject,
    Delivery,
    Flag,
    FlagRule,
    MassageSession,
    MeasurementKind,
    Mother,
    ScheduledSession,
    StudyGroup,
)
from kaderasi.care.services.common import district_of
from kaderasi.care.services.flags import flags_raise
from kaderasi.care.timing import gestational_age, postpartum_day
from kaderasi.programmes.models import Programme

logger = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)
PUERPERIUM = 42 * DAY


def programme_is_running(programme: Programme, *, now: dt.datetime) -> bool:
    """A programme that has ended plans no new sessions (its data are history, often imported)."""
    return programme.ends_on is None or programme.ends_on >= timezone.localdate(now)


def protocol_ends_at(programme: Programme, delivered_at: dt.datetime) -> dt.datetime:
    """When the last postpartum day of the protocol is over."""
    return delivered_at + (programme.start_postpartum_day - 1 + programme.protocol_days) * DAY


def schedule_plan(
    *,
    mother: Mother,
    delivery: Delivery | None,
    consents: list[dt.datetime | None],
    now: dt.datetime,
) -> list[scheduling.PlannedSession] | None:
    """The sessions `mother` should have now, or None when her schedule must be left as it is
    (her programme has ended). `consents` are the withdrawal times of her own consents (None for
    one still active). Nothing is planned for a mother of a comparison group or before her
    delivery, and no window opens before the first massage may be given (the programme's hours
    after the birth and, if it asks, the midwife's first postnatal check: while that is not
    recorded nothing is planned). After she withdraws consent, or a birth outcome stops the
    accompaniment, only the sessions whose window had closed by then remain."""
    programme = mother.programme
    if not programme_is_running(programme, now=now):
        return None
    if mother.group != StudyGroup.INTERVENTION or delivery is None:
        return []
    first = first_massage_of(programme, delivery)
    if first.not_before is None:
        return []
    planned = scheduling.derive_schedule(
        delivered_at=delivery.delivered_at,
        sessions_per_day=programme.sessions_per_day,
        protocol_days=programme.protocol_days,
        start_postpartum_day=programme.start_postpartum_day,
        time_zone=timezone.get_default_timezone(),
        not_before=first.not_before,
    )
    stopped_at = stop_of(delivery, consents)
    if stopped_at is not None:
        planned = [p for p in planned if p.window_ends_at <= stopped_at[0]]
    return planned


def first_massage_of(programme: Programme, delivery: Delivery) -> scheduling.FirstMassage:
    return scheduling.first_massage_not_before(
        delivered_at=delivery.delivered_at,
        min_hours=programme.first_massage_min_hours,
        after_postnatal_check=programme.first_massage_after_postnatal_check,
        postnatal_check_at=delivery.first_postnatal_check_at,
    )


def first_massage_wait(
    programme: Programme, delivery: Delivery | None, *, now: dt.datetime
) -> scheduling.FirstMassage | None:
    """When the first massage may not be given yet at `now` (too soon after the birth, or the
    midwife's first postnatal check not recorded), its timing; None without a delivery, after a
    birth outcome, or once it may be given."""
    if delivery is None or delivery.birth_outcome:
        return None
    first = first_massage_of(programme, delivery)
    if first.not_before is None or now < first.not_before:
        return first
    return None


def stop_of(
    delivery: Delivery | None, consents: list[dt.datetime | None]
) -> tuple[dt.datetime, str] | None:
    """When the accompaniment stopped and why (the earlier of a consent withdrawal and a birth
    outcome), or None while it goes on."""
    stops: list[tuple[dt.datetime, str]] = []
    # The same reading of consent as care.consent.processing_allowed, over rows already loaded.
    withdrawn = [at for at in consents if at is not None]
    if consents and len(withdrawn) == len(consents):
        stops.append((max(withdrawn), CancelReason.CONSENT_WITHDRAWN))
    if delivery is not None and delivery.birth_outcome and delivery.birth_outcome_at is not None:
        stops.append((delivery.birth_outcome_at, CancelReason.BIRTH_OUTCOME))
    return min(stops) if stops else None


def _consents(mother_ids) -> dict[int, list[dt.datetime | None]]:
    found: dict[int, list[dt.datetime | None]] = {}
    rows = Consent.objects.filter(mother_id__in=mother_ids, subject=ConsentSubject.MOTHER)
    for mother_id, withdrawn_at in rows.values_list("mother_id", "withdrawn_at"):
        found.setdefault(mother_id, []).append(withdrawn_at)
    return found


@transaction.atomic
def schedule_reconcile(*, mother: Mother, now: dt.datetime) -> list[ScheduledSession]:
    """Bring `mother`'s live scheduled sessions to her plan: create the missing ones, cancel (never
    delete) those superseded by a new delivery time, protocol or withdrawal, and keep every
    massage session linked to the scheduled session it counts for. Idempotent: a second call
    changes nothing. Returns her live sessions in time order."""
    mother = (
        Mother.objects.select_for_update(of=("self",))
        .select_related("programme", "posyandu")
        .get(pk=mother.pk)
    )
    if not programme_is_running(mother.programme, now=now):
        return list(
            ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True).order_by(
                "window_starts_at"
            )
        )
    delivery = Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()
    consents = _consents([mother.pk]).get(mother.pk, [])
    planned = schedule_plan(mother=mother, delivery=delivery, consents=consents, now=now)
    live = list(ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True))
    if planned is None:
        return sorted(live, key=lambda row: row.window_starts_at)
    wanted = {(p.postpartum_day, p.slot): p for p in planned}
    kept: list[ScheduledSession] = []
    superseded: list[ScheduledSession] = []
    for row in live:
        plan = wanted.get((row.postpartum_day, row.slot))
        same = plan is not None and (plan.window_starts_at, plan.window_ends_at) == (
            row.window_starts_at,
            row.window_ends_at,
        )
        (kept if same else superseded).append(row)
    stopped = stop_of(delivery, consents)
    for row in superseded:
        row.cancelled_at = now
        row.cancel_reason = (
            stopped[1]
            if stopped is not None and row.window_ends_at > stopped[0]
            else CancelReason.RESCHEDULED
        )
        row.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    kept_keys = {(row.postpartum_day, row.slot) for row in kept}
    district = _district_id(mother)
    created = [
        ScheduledSession.objects.create(
            mother=mother,
            district_id=district,
            postpartum_day=plan.postpartum_day,
            slot=plan.slot,
            window_starts_at=plan.window_starts_at,
            window_ends_at=plan.window_ends_at,
        )
        for key, plan in sorted(wanted.items(), key=lambda item: item[1].window_starts_at)
        if key not in kept_keys
    ]
    rows = sorted(kept + created, key=lambda row: row.window_starts_at)
    if superseded or created:
        _relink_sessions(mother=mother, delivery=delivery, rows=rows)
        logger.info(
            "schedule of mother %s: %d created, %d cancelled",
            mother.public_id,
            len(created),
            len(superseded),
        )
    return rows


def _district_id(mother: Mother) -> int:
    return district_of(mother.posyandu).pk


def _relink_sessions(
    *, mother: Mother, delivery: Delivery | None, rows: list[ScheduledSession]
) -> None:
    """Link each massage session that counts for no live scheduled session (never linked, or
    linked to one just cancelled) to the live one it now counts for."""
    if delivery is None:
        return
    taken = set(
        MassageSession.objects.filter(scheduled_session__in=rows).values_list(
            "scheduled_session_id", flat=True
        )
    )
    loose = MassageSession.objects.filter(mother=mother).exclude(
        scheduled_session__cancelled_at__isnull=True
    )
    for session in loose.order_by("started_at"):
        row = match_scheduled_session(
            rows=[r for r in rows if r.pk not in taken],
            started_at=session.started_at,
            delivered_at=delivery.delivered_at,
        )
        if row is not None:
            session.scheduled_session = row
            session.save(update_fields=["scheduled_session", "updated_at"])
            taken.add(row.pk)


def match_scheduled_session(
    *, rows: list[ScheduledSession], started_at: dt.datetime, delivered_at: dt.datetime
) -> ScheduledSession | None:
    """Among free live `rows`, the one a massage started at `started_at` counts for."""
    by_plan = {
        scheduling.PlannedSession(
            row.postpartum_day, row.slot, row.window_starts_at, row.window_ends_at
        ): row
        for row in rows
    }
    plan = scheduling.best_match(
        started_at, by_plan, postpartum_day=postpartum_day(delivered_at, started_at)
    )
    return by_plan[plan] if plan is not None else None


def schedules_reconcile_programme(*, programme: Programme, now: dt.datetime) -> int:
    """Re-derive the schedules of every mother of `programme` still inside her protocol (after
    its protocol changed). Mothers whose protocol days are over keep their history. Reads in a
    fixed number of queries and writes only the schedules that changed; returns their number."""
    if not programme_is_running(programme, now=now):
        return 0
    horizon = (programme.start_postpartum_day + programme.protocol_days) * DAY
    recent = Delivery.objects.filter(
        pregnancy__mother__programme=programme, delivered_at__gte=now - horizon
    ).values_list("pregnancy__mother_id", flat=True)
    open_rows = ScheduledSession.objects.filter(
        mother__programme=programme, cancelled_at__isnull=True, window_ends_at__gt=now
    ).values_list("mother_id", flat=True)
    mother_ids = set(recent) | set(open_rows)
    if not mother_ids:
        return 0
    mothers = Mother.objects.filter(pk__in=mother_ids).select_related("programme")
    deliveries: dict[int, Delivery] = {}
    for delivery in (
        Delivery.objects.filter(pregnancy__mother_id__in=mother_ids)
        .select_related("pregnancy")
        .order_by("delivered_at")
    ):
        deliveries[delivery.pregnancy.mother_id] = delivery  # the latest wins
    consents = _consents(mother_ids)
    live: dict[int, set] = {}
    for mother_id, *key in ScheduledSession.objects.filter(
        mother_id__in=mother_ids, cancelled_at__isnull=True
    ).values_list("mother_id", "postpartum_day", "slot", "window_starts_at", "window_ends_at"):
        live.setdefault(mother_id, set()).add(tuple(key))
    changed = 0
    for mother in mothers:
        planned = schedule_plan(
            mother=mother,
            delivery=deliveries.get(mother.pk),
            consents=consents.get(mother.pk, []),
            now=now,
        )
        if planned is None:
            continue
        wanted = {(p.postpartum_day, p.slot, p.window_starts_at, p.window_ends_at) for p in planned}
        if wanted != live.get(mother.pk, set()):
            schedule_reconcile(mother=mother, now=now)
            changed += 1
    return changed


def schedule_sweep(*, now: dt.datetime) -> dict[str, int]:
    """What the clock passing calls for; idempotent and safe to run every minute:
    re-derive schedules that no longer match their protocol, raise a flag for each session
    missed (rule `missed_session`; a session skipped with a reason is not missed), for an infant
    without stool by the rule's hours (`no_stool_by_48_hours`) and for a baby born small or
    preterm (`low_birth_weight_or_preterm`). Returns counts of what it did."""
    counts = {
        "schedules_changed": 0,
        "missed_flags": 0,
        "stool_flags": 0,
        "small_or_preterm_flags": 0,
    }
    for programme in Programme.objects.all():
        if programme_is_running(programme, now=now):
            counts["schedules_changed"] += schedules_reconcile_programme(
                programme=programme, now=now
            )
    counts["missed_flags"] = _flag_missed_sessions(now=now)
    counts["stool_flags"] = _flag_no_stool(now=now)
    counts["small_or_preterm_flags"] = _flag_small_or_preterm(now=now)
    return counts


def _active_rule(code: str) -> FlagRule | None:
    return FlagRule.objects.filter(code=code, is_active=True).first()


def _flag_missed_sessions(*, now: dt.datetime) -> int:
    rule = _active_rule("missed_session")
    if rule is None:
        return 0
    try:
        delay = dt.timedelta(minutes=float(rule.parameters["delay_minutes"]))
        look_back = dt.timedelta(hours=float(rule.parameters["look_back_hours"]))
    except (KeyError, TypeError, ValueError):
        logger.warning("flag rule missed_session has broken parameters; skipped")
        return 0
    candidates = (
        ScheduledSession.objects.filter(
            cancelled_at__isnull=True,
            window_ends_at__lte=now - delay,
            window_ends_at__gte=now - look_back,
            massage_session__isnull=True,
            skipped_at__isnull=True,
        )
        .exclude(Exists(Flag.objects.filter(rule=rule, scheduled_session=OuterRef("pk"))))
        .exclude(withdrawn_q(ConsentSubject.MOTHER))
        .select_related("mother")
    )
    raised = 0
    for row in candidates:
        facts = MissedSessionFacts(
            minutes_since_window_closed=_minutes(now - row.window_ends_at), done=False
        )
        raised += len(flags_raise(mother=row.mother, facts=[facts], now=now, scheduled_session=row))
    return raised


def _flag_no_stool(*, now: dt.datetime) -> int:
    rule = _active_rule("no_stool_by_48_hours")
    if rule is None:
        return 0
    try:
        hours = dt.timedelta(hours=float(rule.parameters["hours"]))
    except (KeyError, TypeError, ValueError):
        logger.warning("flag rule no_stool_by_48_hours has broken parameters; skipped")
        return 0
    deliveries = (
        Delivery.objects.filter(
            delivered_at__lte=now - hours, delivered_at__gte=now - hours - 2 * DAY
        )
        .exclude(Exists(Flag.objects.filter(rule=rule, mother_id=OuterRef("pregnancy__mother_id"))))
        .exclude(withdrawn_q(ConsentSubject.INFANT, mother="pregnancy__mother"))
        .select_related("pregnancy__mother")
    )
    raised = 0
    for delivery in deliveries:
        mother = delivery.pregnancy.mother
        stools = mother.measurements.filter(
            kind=MeasurementKind.STOOLS, measured_at__gte=delivery.delivered_at
        )
        counted = stools.count()
        if not counted:
            continue
        facts = StoolFacts(
            hours_since_birth=_minutes(now - delivery.delivered_at) / 60,
            counts_recorded=counted,
            stools_total=stools.aggregate(total=Sum("value"))["total"],
        )
        raised += len(flags_raise(mother=mother, facts=[facts], now=now))
    return raised


def gestational_weeks_at_birth(delivery: Delivery) -> int | None:
    """The completed weeks the midwife entered, else derived from the pregnancy's HPHT or HPL;
    None when neither is known."""
    if delivery.gestational_age_weeks is not None:
        return delivery.gestational_age_weeks
    pregnancy = delivery.pregnancy
    age = gestational_age(
        last_menstrual_period=pregnancy.last_menstrual_period,
        estimated_delivery_date=pregnancy.estimated_delivery_date,
        on=timezone.localdate(delivery.delivered_at),
    )
    return age.weeks if age is not None else None


def _flag_small_or_preterm(*, now: dt.datetime) -> int:
    """Raise the low-birth-weight-or-preterm flag once per mother, for births of the last six
    weeks (the puerperium); reads in two queries when nothing fires."""
    rule = _active_rule(SMALL_OR_PRETERM_RULE)
    if rule is None:
        return 0
    setting = RuleSetting(code=rule.code, severity=rule.severity, parameters=rule.parameters)
    deliveries = (
        Delivery.objects.filter(delivered_at__lte=now, delivered_at__gte=now - PUERPERIUM)
        .exclude(Exists(Flag.objects.filter(rule=rule, mother_id=OuterRef("pregnancy__mother_id"))))
        .exclude(withdrawn_q(ConsentSubject.INFANT, mother="pregnancy__mother"))
        .select_related("pregnancy__mother")
        .prefetch_related("infants")
    )
    raised = 0
    for delivery in deliveries:
        infants = sorted(delivery.infants.all(), key=lambda infant: infant.created_at)
        facts = BirthFacts(
            birth_weight_g=infants[0].birth_weight_g if infants else None,
            gestational_weeks=gestational_weeks_at_birth(delivery),
        )
        if not evaluate([setting], [facts]):
            continue
        raised += len(flags_raise(mother=delivery.pregnancy.mother, facts=[facts], now=now))
    return raised


def _minutes(delta: dt.timedelta) -> Decimal:
    return Decimal(str(delta.total_seconds())) / 60
