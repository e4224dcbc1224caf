"""What a mother's page and the cadre's session screen say about her protocol (issue 19): when the
first massage may be given and why, whether it waits for the midwife's first postnatal check, a
birth outcome that stopped it, the postnatal visits (KF2/KN2) she is handed over to when the
massage days end, and the rules that cannot judge because data are missing. Reads only."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kaderasi.care.models import (
    Delivery,
    FlagRule,
    Infant,
    Measurement,
    MeasurementKind,
    Mother,
    ScheduledSession,
)
from kaderasi.care.scheduling import (
    FirstMassage,
    FirstMassageWait,
    PostnatalVisit,
    first_massage_not_before,
    postnatal_visits,
)
from kaderasi.care.services.schedule import gestational_weeks_at_birth, protocol_ends_at

# Notes about missing data are shown while they can still change the care: the first week.
NOTES_FOR = dt.timedelta(days=7)
# Milk usually comes in 30-40 hours after the birth (lactogenesis II; domain reference 3.1): ask
# from postpartum day 2.
ASK_MILK_FROM = dt.timedelta(hours=24)
# A count covers the 24 hours before it (feeds, BAK, stools).
COUNT_COVERS = dt.timedelta(hours=24)


@dataclass(frozen=True)
class ProtocolNotes:
    first_massage: FirstMassage | None
    first_window_starts_at: dt.datetime | None
    source: str
    outcome: str = ""
    outcome_at: dt.datetime | None = None
    handover: list[PostnatalVisit] = field(default_factory=list)
    handover_from: dt.datetime | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def waiting_for_postnatal_check(self) -> bool:
        return (
            self.first_massage is not None
            and self.first_massage.reason == FirstMassageWait.POSTNATAL_CHECK_NOT_RECORDED
            and not self.outcome
        )

    @property
    def first_massage_reason(self) -> str:
        """Why the first massage is not earlier, in one sentence."""
        if self.first_massage is None:
            return ""
        if self.first_massage.reason == FirstMassageWait.POSTNATAL_CHECK:
            return _("It waits for the midwife's first postnatal check (KF1).")
        if self.first_massage.reason == FirstMassageWait.POSTNATAL_CHECK_NOT_RECORDED:
            return _(
                "The first massage waits for the midwife's first postnatal check (KF1), which is "
                "not recorded yet."
            )
        if not self.first_massage.min_hours:
            return ""
        return _(
            "Not before %(hours)s hours after the birth: the fourth stage of labour and early "
            "breastfeeding come first."
        ) % {"hours": self.first_massage.min_hours}


def protocol_notes(
    mother: Mother, *, delivery: Delivery | None, now: dt.datetime
) -> ProtocolNotes | None:
    """The notes for `mother` (None before her delivery)."""
    if delivery is None:
        return None
    programme = mother.programme
    first = first_massage_not_before(
        delivered_at=delivery.delivered_at,
        min_hours=programme.first_massage_min_hours,
        after_postnatal_check=programme.first_massage_after_postnatal_check,
        postnatal_check_at=delivery.first_postnatal_check_at,
    )
    first_row = (
        ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True)
        .order_by("window_starts_at")
        .values_list("window_starts_at", flat=True)
        .first()
    )
    outcome = delivery.get_birth_outcome_display() if delivery.birth_outcome else ""
    return ProtocolNotes(
        first_massage=first,
        first_window_starts_at=first_row,
        source=programme.first_massage_timing_source,
        outcome=outcome,
        outcome_at=delivery.birth_outcome_at,
        handover=[] if outcome else postnatal_visits(delivery.delivered_at, _visits(programme)),
        handover_from=protocol_ends_at(programme, delivery.delivered_at),
        missing=[] if outcome else missing_data(mother, delivery=delivery, now=now),
    )


def _visits(programme) -> list[dict]:
    visits = programme.postnatal_visits
    return [v for v in visits if isinstance(v, dict)] if isinstance(visits, list) else []


def is_last_session(row: ScheduledSession | None) -> bool:
    """Whether `row` is the last planned session (the cadre's screen then names the handover)."""
    if row is None:
        return False
    return not (
        ScheduledSession.objects.filter(
            mother_id=row.mother_id,
            cancelled_at__isnull=True,
            window_starts_at__gt=row.window_starts_at,
        ).exists()
    )


def missing_data(mother: Mother, *, delivery: Delivery, now: dt.datetime) -> list[str]:
    """Each rule that cannot judge because a record is missing, as a sentence asking for it.
    Missing data are a reason to ask, never a silent "all fine"."""
    since_birth = now - delivery.delivered_at
    if since_birth < dt.timedelta(0) or since_birth > NOTES_FOR:
        return []
    notes = []
    infant = Infant.objects.filter(delivery=delivery).order_by("created_at").first()
    if infant is None or infant.birth_weight_g is None:
        notes.append(
            _(
                "Birth weight not recorded: the weight-loss and low-birth-weight rules cannot "
                "judge the baby. Ask for it (Buku KIA)."
            )
        )
    if gestational_weeks_at_birth(delivery) is None:
        notes.append(
            _(
                "Gestational age unknown: whether the baby was born early cannot be judged. Ask "
                "the midwife to enter it."
            )
        )
    counts = dict.fromkeys(
        Measurement.objects.filter(
            mother=mother,
            kind__in=[MeasurementKind.WET_NAPPIES, MeasurementKind.STOOLS],
            measured_at__gte=max(delivery.delivered_at, now - COUNT_COVERS),
            measured_at__lte=now,
        ).values_list("kind", flat=True)
    )
    if since_birth >= COUNT_COVERS / 2 and MeasurementKind.WET_NAPPIES not in counts:
        notes.append(
            _(
                "No urine (BAK) count in the last 24 hours: “no urine for 12 hours” cannot be "
                "judged. Ask how many times the baby passed urine."
            )
        )
    stool_hours = _rule_hours("no_stool_by_48_hours")
    if (
        stool_hours is not None
        and since_birth >= dt.timedelta(hours=stool_hours)
        and not Measurement.objects.filter(
            mother=mother, kind=MeasurementKind.STOOLS, measured_at__gte=delivery.delivered_at
        ).exists()
    ):
        notes.append(
            _(
                "No stool (BAB) count since the birth: “no stool by %(hours)s hours” cannot be "
                "judged. Ask whether the baby has passed stool."
            )
            % {"hours": _hours_text(stool_hours)}
        )
    milk_hours = _rule_hours("milk_not_in_by_72_hours")
    if milk_hours is not None and delivery.milk_came_in_at is None:
        due = delivery.delivered_at + dt.timedelta(hours=milk_hours)
        if delivery.milk_not_in_at is None and since_birth >= ASK_MILK_FROM:
            notes.append(
                _(
                    "Not asked yet whether her milk has come in (breasts full and heavy, milk "
                    "leaking): ask her and record the answer."
                )
            )
        elif delivery.milk_not_in_at is not None and delivery.milk_not_in_at < due <= now:
            notes.append(
                _(
                    "Her milk had not come in when last asked; %(hours)s hours have passed since "
                    "the birth: ask her again."
                )
                % {"hours": _hours_text(milk_hours)}
            )
    return notes


def _rule_hours(code: str) -> float | None:
    rule = FlagRule.objects.filter(code=code, is_active=True).values_list("parameters", flat=True)
    parameters = rule.first()
    try:
        return float(parameters["hours"])
    except (TypeError, KeyError, ValueError):
        return None


def _hours_text(hours: float) -> str:
    return str(int(hours)) if hours == int(hours) else f"{hours:g}"


SKIP_LOOK_BACK = dt.timedelta(hours=24)


def skippable_sessions(mother: Mother, *, now: dt.datetime) -> list[ScheduledSession]:
    """The sessions a cadre may record as not given: those open now or closed in the last day
    without a massage or a skip, then the next one to come."""
    free = ScheduledSession.objects.filter(
        mother=mother,
        cancelled_at__isnull=True,
        skipped_at__isnull=True,
        massage_session__isnull=True,
    ).order_by("window_starts_at")
    opened = list(free.filter(window_starts_at__lte=now, window_ends_at__gte=now - SKIP_LOOK_BACK))
    upcoming = free.filter(window_starts_at__gt=now).first()
    rows = sorted(opened, key=lambda row: row.window_starts_at, reverse=True)
    return rows + ([upcoming] if upcoming is not None else [])
