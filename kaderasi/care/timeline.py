"""A mother's timeline: her schedule with statuses, what was done and measured (with the postpartum
day, the change from birth weight and the relation to the nearest massage), her flags and
referrals, pairings and consents. Reads only."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaderasi.care.models import (
    BirthOutcome,
    Consent,
    ConsentSubject,
    DangerSign,
    DangerSignReport,
    Delivery,
    Flag,
    Infant,
    LatchObservation,
    MassageSession,
    Measurement,
    MeasurementKind,
    Mother,
    Pairing,
    Pregnancy,
    ReferralStatus,
    ScheduledSession,
    SessionStatus,
)
from kaderasi.care.scheduling import Adherence, adherence, session_status
from kaderasi.care.timing import postpartum_day
from kaderasi.core import numbers

MASSAGE_RELATION_WINDOW = dt.timedelta(hours=3)


def slot_label(slot: int, sessions_per_day: int) -> str:
    if sessions_per_day == 2:
        return str(_("Morning") if slot == 1 else _("Evening"))
    return _("Session %(slot)s") % {"slot": slot}


@dataclass(frozen=True)
class SessionView:
    row: ScheduledSession | None
    status: SessionStatus
    label: str
    done: MassageSession | None = None

    @property
    def postpartum_day(self) -> int | None:
        return self.row.postpartum_day if self.row else None


@dataclass(frozen=True)
class MeasurementView:
    measurement: Measurement
    postpartum_day: int | None
    weight_change_percent: Decimal | None = None
    massage_relation: str = ""

    @property
    def value_display(self) -> str:
        """The value with its unit, in the active language: "45 ml", "2,679 g (−10.7 %)", "8"
        (Indonesian: "2.679 g (−10,7 %)")."""
        value = numbers.number(self.measurement.value)
        kind = self.measurement.kind
        if kind == MeasurementKind.MILK_VOLUME:
            return f"{value} ml"
        if kind == MeasurementKind.INFANT_WEIGHT:
            if self.weight_change_percent is None:
                return f"{value} g"
            return f"{value} g ({numbers.signed(self.weight_change_percent)} %)"
        return value


@dataclass
class Timeline:
    mother: Mother
    pregnancy: Pregnancy | None
    delivery: Delivery | None
    infants: list[Infant]
    sessions: list[SessionView]
    extra_sessions: list[MassageSession]
    adherence: Adherence
    measurements: list[MeasurementView]
    flags: list[Flag]
    pairings: list[Pairing]
    consents: list[Consent]
    danger_checks: list[tuple[DangerSignReport, list[DangerSign]]]
    latch_observations: list[LatchObservation] = field(default_factory=list)
    open_pairing: Pairing | None = None
    consent_state: dict = field(default_factory=dict)
    flag_rows: list[tuple[Flag, str]] = field(default_factory=list)

    @property
    def measurements_latest_first(self) -> list[MeasurementView]:
        return sorted(self.measurements, key=lambda v: v.measurement.measured_at, reverse=True)

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if _is_open(f)]

    @property
    def birth_weight_g(self) -> int | None:
        return self.infants[0].birth_weight_g if self.infants else None


def _is_open(flag: Flag) -> bool:
    referral = getattr(flag, "referral", None)
    return referral is not None and referral.status != ReferralStatus.CLOSED


def session_views(
    rows: list[ScheduledSession], *, sessions_per_day: int, now: dt.datetime
) -> list[SessionView]:
    """Live scheduled sessions (with `massage_session` loaded or absent) as views with status."""
    views = []
    for row in rows:
        done = getattr(row, "massage_session", None)
        views.append(
            SessionView(
                row=row,
                status=session_status(
                    window_starts_at=row.window_starts_at,
                    window_ends_at=row.window_ends_at,
                    now=now,
                    done=done is not None,
                    skipped=row.skipped_at is not None,
                ),
                label=slot_label(row.slot, sessions_per_day),
                done=done,
            )
        )
    return views


def live_sessions_of(mother: Mother) -> list[ScheduledSession]:
    rows = (
        ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True)
        .select_related("massage_session", "massage_session__cadre")
        .order_by("window_starts_at")
    )
    return list(rows)


def mother_timeline(mother: Mother, *, now: dt.datetime) -> Timeline:
    pregnancy = (
        Pregnancy.objects.filter(mother=mother)
        .select_related("delivery")
        .order_by("-created_at")
        .first()
    )
    delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
    infants = list(delivery.infants.order_by("created_at")) if delivery else []
    views = session_views(
        live_sessions_of(mother), sessions_per_day=mother.programme.sessions_per_day, now=now
    )
    massage_sessions = list(
        MassageSession.objects.filter(mother=mother).select_related("cadre", "scheduled_session")
    )
    extra = [
        s
        for s in massage_sessions
        if s.scheduled_session is None or s.scheduled_session.cancelled_at is not None
    ]
    birth_weight = infants[0].birth_weight_g if infants else None
    measurements = [
        _measurement_view(m, delivery, birth_weight, massage_sessions)
        for m in Measurement.objects.filter(mother=mother)
        .select_related("recorded_by")
        .order_by("measured_at")
    ]
    flags = list(
        Flag.objects.filter(mother=mother).select_related("rule", "referral").order_by("-raised_at")
    )
    signs = {sign.code: sign for sign in DangerSign.objects.all()}
    texts = {code: sign.text for code, sign in signs.items()}
    checks = [
        (report, [signs[code] for code in report.signs if code in signs])
        for report in DangerSignReport.objects.filter(mother=mother).order_by("-observed_at")
    ]
    latch_observations = list(
        LatchObservation.objects.filter(mother=mother).order_by("observed_at")
    )
    pairings = list(
        Pairing.objects.filter(mother=mother).select_related("cadre").order_by("-starts_at")
    )
    consents = list(
        Consent.objects.filter(mother=mother)
        .select_related("recorded_by", "withdrawal_recorded_by")
        .order_by("-given_at")
    )
    return Timeline(
        mother=mother,
        pregnancy=pregnancy,
        delivery=delivery,
        infants=infants,
        sessions=views,
        extra_sessions=extra,
        adherence=adherence(view.status for view in views),
        measurements=measurements,
        flags=flags,
        pairings=pairings,
        consents=consents,
        danger_checks=checks,
        latch_observations=latch_observations,
        open_pairing=next((p for p in pairings if p.ends_at is None), None),
        consent_state=consent_state(consents),
        flag_rows=[(flag, flag_summary(flag, texts)) for flag in flags],
    )


def consent_state(consents: list[Consent]) -> dict[str, Consent | None]:
    """Per subject, the active consent (None when none is active)."""
    state: dict[str, Consent | None] = {subject: None for subject in ConsentSubject.values}
    for consent in consents:
        if consent.withdrawn_at is None:
            state[consent.subject] = consent
    return state


def _measurement_view(
    measurement: Measurement,
    delivery: Delivery | None,
    birth_weight_g: int | None,
    massage_sessions: list[MassageSession],
) -> MeasurementView:
    day = postpartum_day(delivery.delivered_at, measurement.measured_at) if delivery else None
    change = None
    if measurement.kind == MeasurementKind.INFANT_WEIGHT and birth_weight_g:
        change = (measurement.value - birth_weight_g) * 100 / Decimal(birth_weight_g)
        change = change.quantize(Decimal("0.1"))
    relation = ""
    if measurement.kind == MeasurementKind.MILK_VOLUME:
        relation = massage_relation(measurement.measured_at, massage_sessions)
    return MeasurementView(measurement, day, change, relation)


def massage_relation(measured_at: dt.datetime, sessions: list[MassageSession]) -> str:
    """ "30 min after a massage" / "20 min before a massage", from the nearest session within
    three hours (derived, so the cadre never types it); "" when none is that close."""
    after = [s for s in sessions if s.ended_at <= measured_at]
    before = [s for s in sessions if s.started_at >= measured_at]
    latest = max(after, key=lambda s: s.ended_at, default=None)
    earliest = min(before, key=lambda s: s.started_at, default=None)
    if latest and measured_at - latest.ended_at <= MASSAGE_RELATION_WINDOW:
        minutes = round((measured_at - latest.ended_at).total_seconds() / 60)
        return _("%(minutes)s min after a massage") % {"minutes": minutes}
    if earliest and earliest.started_at - measured_at <= MASSAGE_RELATION_WINDOW:
        minutes = round((earliest.started_at - measured_at).total_seconds() / 60)
        return _("%(minutes)s min before a massage") % {"minutes": minutes}
    return ""


GUIDANCE = [
    gettext_lazy(
        "Massage about 30 minutes before a feed, so the milk flows readily as the baby sucks."
    ),
    gettext_lazy("A newborn feeds 8 to 12 times in 24 hours; feed whenever the baby wants."),
]


def flag_summary(flag: Flag, sign_texts: dict[str, str] | None = None) -> str:
    """One sentence saying what fired `flag`, from the values it kept."""
    detail = flag.detail or {}
    code = flag.rule.code
    try:
        if code in {"infant_weight_loss_referral", "infant_weight_loss_review"}:
            return _(
                "Weight %(weight)s g is %(loss)s %% below the birth weight of %(birth)s g "
                "(threshold %(threshold)s %%)."
            ) % {
                "weight": _number(detail["weight_g"]),
                "loss": _number(detail["loss_percent"]),
                "birth": detail["birth_weight_g"],
                "threshold": _number(detail["threshold_percent"]),
            }
        if code == "wet_nappies_below_day_of_life":
            return _("%(count)s wet nappies on day %(day)s; at least %(expected)s expected.") % {
                "count": _number(detail["wet_nappies"]),
                "day": detail["postpartum_day"],
                "expected": _number(detail["expected_at_least"]),
            }
        if code == "no_stool_by_48_hours":
            return _("No stool recorded %(hours)s hours after the birth.") % {
                "hours": _number(detail["hours_since_birth"])
            }
        if code == "feeds_below_minimum":
            return _("%(feeds)s feeds in 24 hours; at least %(minimum)s expected.") % {
                "feeds": _number(detail["feeds"]),
                "minimum": _number(detail["minimum_feeds"]),
            }
        if code == "milk_volume_below_reference":
            return _(
                "24-hour estimate of %(volume)s ml on day %(day)s; the lower reference is "
                "%(lower)s ml."
            ) % {
                "volume": _number(detail["volume_ml"]),
                "day": detail["postpartum_day"],
                "lower": _number(detail["lower_ml"]),
            }
        if code == "missed_session":
            minutes = float(detail["minutes_since_window_closed"])
            if minutes >= 120:
                return _("A session was not done; its window closed %(hours)s hours earlier.") % {
                    "hours": round(minutes / 60)
                }
            return _("A session was not done; its window closed %(minutes)s minutes earlier.") % {
                "minutes": round(minutes)
            }
        if code == "session_duration_outside_protocol":
            return _(
                "The session lasted %(minutes)s minutes; the protocol asks for %(low)s–%(high)s."
            ) % {
                "minutes": _number(detail["duration_minutes"]),
                "low": detail["minutes_min"],
                "high": detail["minutes_max"],
            }
        if code == "adverse_event_reported":
            return _("Adverse event: %(text)s") % {"text": detail["adverse_event"]}
        if code == "repeated_refusal":
            return _(
                "She has declined %(count)s sessions: talk with her about comfort, worries or "
                "another helper; declining is her right."
            ) % {"count": detail["refusals"]}
        if code == "low_birth_weight_or_preterm":
            parts = []
            if "birth_weight_g" in detail:
                parts.append(_("birth weight %(weight)s g") % {"weight": detail["birth_weight_g"]})
            if "gestational_weeks" in detail:
                parts.append(_("born at %(weeks)s weeks") % {"weeks": detail["gestational_weeks"]})
            return _(
                "%(facts)s: the weight-loss thresholds of term babies are not applied; the "
                "midwife plans feeding and weighing."
            ) % {"facts": "; ".join(parts)}
        if code == "no_urine_12_hours":
            return _("A BAK count of 0: no urine for at least %(hours)s hours.") % {
                "hours": _number(detail["hours"])
            }
        if code == "milk_not_in_by_72_hours":
            if "came_in_after_hours" in detail:
                return _("Her milk came in only %(hours)s hours after the birth.") % {
                    "hours": _number(detail["came_in_after_hours"])
                }
            return _("Her milk had not come in %(hours)s hours after the birth.") % {
                "hours": _number(detail["not_in_at_hours"])
            }
        if code == "latch_score_low":
            return _(
                "LATCH total %(total)s on day %(day)s (review at %(threshold)s or less): the "
                "midwife helps with position and latch."
            ) % {
                "total": detail["latch_total"],
                "day": detail["postpartum_day"],
                "threshold": _number(detail["total_at_most"]),
            }
        if code == "birth_outcome":
            return _("Birth outcome: %(outcome)s. The massage has stopped.") % {
                "outcome": BirthOutcome(detail["outcome"]).label
            }
        if code == "danger_sign":
            texts = [(sign_texts or {}).get(sign, sign) for sign in detail["signs"]]
            return _("Signs: %(signs)s") % {"signs": "; ".join(texts)}
    except (KeyError, TypeError, ValueError):
        pass
    return flag.rule.title


def _number(value) -> str:
    return numbers.number(float(value))


def sign_texts() -> dict[str, str]:
    return {sign.code: sign.text for sign in DangerSign.objects.all()}
