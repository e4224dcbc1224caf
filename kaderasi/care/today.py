"""The cadre's "Hari ini": for each client she accompanies now, the sessions due now and next,
the measurements due today, and what the programme asks of her at this stage. Reads only."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import User
from kaderasi.cadres.selectors import cadres_of_login
from kaderasi.care.models import (
    DangerSignReport,
    Delivery,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    Pairing,
    Pregnancy,
    ScheduledSession,
    SessionStatus,
)
from kaderasi.care.pages import StopNotice, stop_notices
from kaderasi.care.scheduling import Adherence, FirstMassage, adherence
from kaderasi.care.services.schedule import first_massage_wait
from kaderasi.care.timeline import SessionView, live_sessions_of, session_views
from kaderasi.care.timing import GestationalAge, gestational_age, postpartum_day


@dataclass(frozen=True)
class Task:
    """Something to record today: `kind` is a measurement kind, or "danger_signs"."""

    kind: str
    label: str
    mother: Mother
    hint: str = ""

    @property
    def url(self) -> str:
        return task_url(self.kind, self.mother)


def task_url(kind: str, mother: Mother) -> str:
    """The page that records `kind` for `mother`."""
    if kind == MeasurementKind.MILK_VOLUME:
        return reverse("care:milk-volume", args=[mother.public_id])
    if kind == "danger_signs":
        return reverse("care:danger-signs", args=[mother.public_id])
    return reverse("care:measurement-record", args=[mother.public_id, kind.replace("_", "-")])


@dataclass
class ClientDay:
    mother: Mother
    pairing: Pairing
    gestational_age: GestationalAge | None
    postpartum_day: int | None
    antenatal_education: bool
    sessions_today: list[SessionView]
    current: SessionView | None
    next: SessionView | None
    adherence: Adherence
    tasks: list[Task]
    protocol_over: bool
    suggested_phase: str
    # A danger sign stopped the massage: the screen shows the stop first and offers no session.
    stop: StopNotice | None = None
    # The first massage may not be given yet (hours after the birth, or the midwife's first
    # postnatal check not recorded): the screen says so instead of "the massage days are over".
    first_massage_wait: FirstMassage | None = None


def clients_today(user: User, *, now: dt.datetime) -> list[ClientDay]:
    """The mothers `user` accompanies now (open pairings of every cadre row her login acts for):
    those whose massage is stopped first, then post-partum ones."""
    pairings = (
        Pairing.objects.filter(cadre__in=cadres_of_login(user), ends_at__isnull=True)
        .select_related("mother__programme", "mother__posyandu", "cadre")
        .order_by("starts_at")
    )
    pairings = list(pairings)
    stops = stop_notices([pairing.mother for pairing in pairings])
    days = [client_day(pairing, now=now, stop=stops.get(pairing.mother_id)) for pairing in pairings]
    # A client whose massage is stopped comes first: the cadre must act on it today.
    return sorted(
        days, key=lambda day: (day.stop is None, day.postpartum_day is None, day.mother.name)
    )


def client_day(pairing: Pairing, *, now: dt.datetime, stop: StopNotice | None = None) -> ClientDay:
    """Her client's day; `stop` is the client's massage stop, if one holds (see stop_notices)."""
    mother = pairing.mother
    programme = mother.programme
    today = timezone.localdate(now)
    pregnancy = (
        Pregnancy.objects.filter(mother=mother)
        .select_related("delivery")
        .order_by("-created_at")
        .first()
    )
    delivery = getattr(pregnancy, "delivery", None) if pregnancy else None
    age = None
    if pregnancy is not None and delivery is None:
        age = gestational_age(
            last_menstrual_period=pregnancy.last_menstrual_period,
            estimated_delivery_date=pregnancy.estimated_delivery_date,
            on=today,
        )
    day = postpartum_day(delivery.delivered_at, now) if delivery else None
    views = session_views(
        live_sessions_of(mother), sessions_per_day=programme.sessions_per_day, now=now
    )
    sessions_today = [
        v
        for v in views
        if timezone.localdate(v.row.window_starts_at) == today or v.status == SessionStatus.DUE
    ]
    current = next((v for v in views if v.status == SessionStatus.DUE), None)
    upcoming = next((v for v in views if v.status == SessionStatus.UPCOMING), None)
    last_day = programme.start_postpartum_day + programme.protocol_days - 1
    wait = first_massage_wait(programme, delivery, now=now)
    protocol_over = (
        wait is None
        and day is not None
        and not any(v.status in {SessionStatus.DUE, SessionStatus.UPCOMING} for v in views)
    )
    tasks, phase = _tasks(mother, delivery, day, last_day, protocol_over, now)
    return ClientDay(
        mother=mother,
        pairing=pairing,
        gestational_age=age,
        postpartum_day=day,
        antenatal_education=age is not None and age.weeks >= programme.antenatal_start_week,
        sessions_today=sessions_today,
        current=current,
        next=upcoming,
        adherence=adherence(v.status for v in views),
        tasks=tasks,
        protocol_over=protocol_over,
        suggested_phase=phase,
        stop=stop,
        first_massage_wait=wait,
    )


def _tasks(mother, delivery, day, last_day, protocol_over, now) -> tuple[list[Task], str]:
    """What to record today, and the milk phase a volume measured now would have."""
    if delivery is None or day is None or day > last_day + 1:
        return [], ""
    day_starts = delivery.delivered_at + (day - 1) * dt.timedelta(days=1)
    measured = set(
        Measurement.objects.filter(mother=mother, measured_at__gte=day_starts).values_list(
            "kind", flat=True
        )
    )
    phase = _phase(mother, day=day, last_day=last_day, protocol_over=protocol_over)
    tasks: list[Task] = []
    if phase == MilkPhase.BEFORE:
        tasks.append(
            Task(
                MeasurementKind.MILK_VOLUME,
                _("Baseline milk volume"),
                mother,
                _("Before the first massage."),
            )
        )
    elif phase == MilkPhase.AFTER:
        tasks.append(
            Task(
                MeasurementKind.MILK_VOLUME,
                _("Follow-up milk volume"),
                mother,
                _("After the last day of massage."),
            )
        )
    if not DangerSignReport.objects.filter(mother=mother, observed_at__gte=day_starts).exists():
        tasks.append(Task("danger_signs", _("Danger-sign check"), mother))
    for kind in (MeasurementKind.FEEDS, MeasurementKind.WET_NAPPIES, MeasurementKind.STOOLS):
        if kind not in measured:
            tasks.append(Task(kind, MeasurementKind(kind).label, mother))
    if day >= last_day and MeasurementKind.INFANT_WEIGHT not in measured:
        tasks.append(
            Task(MeasurementKind.INFANT_WEIGHT, MeasurementKind.INFANT_WEIGHT.label, mother)
        )
    return tasks, phase


def _phase(mother: Mother, *, day: int | None, last_day: int, protocol_over: bool) -> str:
    if day is None:
        return ""
    phases = set(
        Measurement.objects.filter(mother=mother, kind=MeasurementKind.MILK_VOLUME).values_list(
            "phase", flat=True
        )
    )
    if MilkPhase.BEFORE not in phases and not MassageSession.objects.filter(mother=mother).exists():
        return MilkPhase.BEFORE
    if MilkPhase.AFTER not in phases and (protocol_over or day > last_day):
        return MilkPhase.AFTER
    return ""


def suggested_phase(mother: Mother, *, now: dt.datetime) -> str:
    """The milk phase to preselect on the volume form: baseline before any massage, follow-up
    once the protocol's sessions are over (or its days have passed), else none."""
    delivery = Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()
    if delivery is None:
        return ""
    programme = mother.programme
    still_to_do = ScheduledSession.objects.filter(
        mother=mother,
        cancelled_at__isnull=True,
        massage_session__isnull=True,
        window_ends_at__gt=now,
    ).exists()
    return _phase(
        mother,
        day=postpartum_day(delivery.delivered_at, now),
        last_day=programme.start_postpartum_day + programme.protocol_days - 1,
        protocol_over=not still_to_do,
    )
